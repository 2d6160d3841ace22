"""Fixtures: one migrated database per test run, emptied after every test.

Set MEND_TEST_DATABASE_URL to run the suite on PostgreSQL; otherwise a temporary
SQLite file is used.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from recovery import create_app, normalize_database_url
from recovery.db import db
from tests import factories

PASSWORD = factories.PASSWORD


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Return the test database URL, migrated to the newest schema once per run."""
    url = os.environ.get("MEND_TEST_DATABASE_URL")
    if url:
        url = normalize_database_url(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'mend-test.db'}"
    app = _make_app(url, tmp_path_factory.mktemp("instance"))
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        # Start from nothing, even on a reused PostgreSQL database.
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()
    return url


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Tests hold an app context for direct database work; without this, requests would
    share its `g` (and Flask-Login's cached user) and its database session. The test's
    own transaction is committed first so that SQLite's write lock is free.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _make_app(url: str, instance: Path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "outbox",
        # Cheap hashing for speed; a test below checks real parameters are rehashed to.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST_KIB": 8,
        "ARGON2_PARALLELISM": 1,
        "SERVER_NAME": "mend.test",
        # Where links in emails, invitations and calendars point (recovery/urls.py).
        "BASE_URL": "http://mend.test",
    }
    config.update(overrides)
    os.environ["MEND_INSTANCE_PATH"] = str(instance)
    try:
        app = create_app(config)
        app.test_client_class = FreshContextClient
        return app
    finally:
        os.environ.pop("MEND_INSTANCE_PATH", None)


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on the test database with extra config; tables are emptied afterwards."""
    apps = []

    def build(**overrides):
        app = _make_app(database_url, tmp_path / f"instance{len(apps)}", **overrides)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            _empty_tables()
            db.engine.dispose()


def _empty_tables() -> None:
    tables = [t for t in db.metadata.sorted_tables]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                conn.execute(table.delete())


@pytest.fixture
def app(make_app):
    """The app, inside an application context."""
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create a user: make_user(role="person", name=..., email=..., timezone=...)."""
    return factories.make_user


@pytest.fixture
def make_connection(app):
    """Connect a person and a loved one through a real invitation, with optional sharing."""
    return factories.make_connection


@pytest.fixture
def login(app):
    """Log a test client in as a user through the real login form."""

    def do_login(client, user, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do_login


@pytest.fixture
def as_user(app, login):
    """Return a fresh client already logged in as the given user."""

    def make(user):
        return login(app.test_client(), user)

    return make


def row_counts() -> dict[str, int]:
    """Count the rows of every table (to prove a request changed nothing)."""
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables}


@contextmanager
def captured_statements():
    """Collect the SQL statements sent while the block runs (to pin query counts)."""
    statements: list[str] = []

    def capture(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)


def count_selects(load) -> int:
    """Count the SELECTs `load()` sends, starting from an empty identity map."""
    with captured_statements() as statements:
        db.session.expire_all()
        load()
    return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])
