"""Fixtures: one migrated database and one app per test run; each test rolls back.

Most tests use the `app` fixture: the run's one app, with every database session of the test —
the test's own and each request's — joined to one connection whose transaction is rolled back
at the end (SQLAlchemy's "joining a session into an external transaction" recipe). A session's
commit releases a SAVEPOINT, so requests see the test's rows and the test sees theirs, and
nothing outlives the test.

Some tests need real commits: other processes, threads with their own connections, gunicorn,
migrations, a second app. Those are the tests that ask for `database_url` or `make_app`
(directly or through another fixture), or are marked `committing`: their `app` is a fresh app
that commits for real, and the tables are emptied after them.

Set MEND_TEST_DATABASE_URL to run the suite on PostgreSQL; otherwise a temporary
SQLite file is used. Under pytest-xdist each worker gets a database of its own: a SQLite file in
its own temporary folder, or on PostgreSQL `<name>_gw0`, `<name>_gw1`, … beside the database the
URL names, made when the worker starts its first database test and dropped when it finishes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from recovery import create_app, mail, normalize_database_url
from recovery.db import db
from recovery.extensions import limiter
from tests import factories

PASSWORD = factories.PASSWORD


# Tests whose nodeid starts with one of these run together on one xdist worker (with --dist loadgroup):
# the browser tests share one live server, one Chromium and one walk of every page (tests/e2e/conftest.py).
XDIST_GROUPS = {"tests/e2e/": "e2e"}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With `--dist loadgroup`, run each folder of XDIST_GROUPS on one worker; other tests go wherever there is room.

    xdist's own `xdist_group` mark renames items by their nodeid, which pytest 9 no longer allows (the name
    is unchanged and the group is lost), so the groups are made here, in the controller, from the nodeids.
    Marks that do work (an `@group` suffix) are still honoured.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class FolderGroupScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            for prefix, group in XDIST_GROUPS.items():
                if nodeid.startswith(prefix):
                    return group
            return super()._split_scope(nodeid)

    return FolderGroupScheduling(config, log)


def _xdist_worker() -> str | None:
    """This process's pytest-xdist worker name ("gw0", "gw1", …), or None when the run is not split."""
    return os.environ.get("PYTEST_XDIST_WORKER") or None


def _worker_database_url(url: str, worker: str) -> str:
    """The database of one xdist worker: `<name>_<worker>` on PostgreSQL, `<stem>_<worker>.db` for a SQLite file."""
    parsed = sa.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.database:
        parsed = parsed.set(database=f"{parsed.database}_{worker}")
    elif backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        parsed = parsed.set(database=str(path.with_name(f"{path.stem}_{worker}{path.suffix}")))
    else:
        return url
    return parsed.render_as_string(hide_password=False)


def pytest_configure(config):
    """Under pytest-xdist, point MEND_TEST_DATABASE_URL at this worker's own database before test modules read it."""
    worker, url = _xdist_worker(), os.environ.get("MEND_TEST_DATABASE_URL")
    if worker and url and "MEND_TEST_SHARED_DATABASE_URL" not in os.environ:
        os.environ["MEND_TEST_SHARED_DATABASE_URL"] = url
        os.environ["MEND_TEST_DATABASE_URL"] = _worker_database_url(normalize_database_url(url), worker)


def _postgresql_admin(url: str) -> sa.Engine:
    """An engine on the server's `postgres` database, for CREATE and DROP DATABASE."""
    return sa.create_engine(sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT",
                            poolclass=sa.pool.NullPool)


def _create_postgresql_database(url: str) -> None:
    """Make the (worker's) database anew: one left behind by a killed run is dropped first."""
    admin = _postgresql_admin(url)
    try:
        with admin.connect() as conn:
            name = conn.dialect.identifier_preparer.quote(sa.make_url(url).database)
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    finally:
        admin.dispose()


def _drop_postgresql_database(url: str) -> None:
    admin = _postgresql_admin(url)
    try:
        with admin.connect() as conn:
            name = conn.dialect.identifier_preparer.quote(sa.make_url(url).database)
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Iterator[str]:
    """Return the test database URL, migrated to the newest schema once per run (once per worker under xdist)."""
    url = os.environ.get("MEND_TEST_DATABASE_URL")
    if url:
        url = normalize_database_url(url)
    else:
        # tmp_path_factory gives each xdist worker a folder of its own, so each has its own file.
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'mend-test.db'}"
    # A worker's own PostgreSQL database (see pytest_configure) is made here and dropped at the end.
    own_database = (_xdist_worker() is not None and sa.make_url(url).get_backend_name() == "postgresql"
                    and "MEND_TEST_SHARED_DATABASE_URL" in os.environ)
    if own_database:
        _create_postgresql_database(url)
    try:
        app = _make_app(url, tmp_path_factory.mktemp("instance"))
        from flask_migrate import downgrade, upgrade

        with app.app_context():
            # Start from nothing, even on a reused PostgreSQL database.
            downgrade(revision="base")
            upgrade()
            db.engine.dispose()
        yield url
    finally:
        if own_database:
            _drop_postgresql_database(url)


@pytest.fixture
def database_url(migrated_database) -> str:
    """The test database's URL, for a test that hands it to other processes: that test's `app` commits for real."""
    return migrated_database


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Tests hold an app context for direct database work; without this, requests would
    share its `g` (and Flask-Login's cached user) and its database session. The test's
    own transaction is committed first: for real on the committing path (so that SQLite's
    write lock is free), as a savepoint release otherwise (so the request sees its rows).
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
        # Jobs (mail, push) run in a thread of the test process, from a queue in memory.
        "JOBS_BACKEND": "memory",
        "JOBS_EMBEDDED": True,
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
    """Build an app on the test database with extra config; it commits for real and tables are emptied afterwards."""
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


@pytest.fixture(scope="session")
def shared_app(migrated_database, tmp_path_factory) -> Iterator[Flask]:
    """The run's one app for tests that roll back (building an app per test cost minutes)."""
    app = _make_app(migrated_database, tmp_path_factory.mktemp("instance"))
    # The limiter is one object for every app, and each app's init_app() sets it up anew (whether it is
    # on, its storage): kept here, put back before each test, whatever apps the tests between built.
    app.extensions["tests_limiter_state"] = dict(vars(limiter))
    yield app
    with app.app_context():
        db.engine.dispose()


def _commits_for_real(request) -> bool:
    """Whether a test needs real commits: it hands the database to others (database_url, make_app) or says so."""
    return "database_url" in request.fixturenames or request.node.get_closest_marker("committing") is not None


@pytest.fixture
def app(request) -> Iterator[Flask]:
    """The app, inside an application context; what the test writes is rolled back after it."""
    if _commits_for_real(request):
        app = request.getfixturevalue("make_app")()
        with app.app_context():
            yield app
        return
    app = request.getfixturevalue("shared_app")
    with _rolled_back(app), app.app_context():
        yield app


@contextmanager
def _rolled_back(app: Flask) -> Iterator[None]:
    """Join every `db.session` made while the block runs to one connection, and roll it all back at the end.

    Sessions begin with a SAVEPOINT inside the connection's transaction
    (join_transaction_mode="create_savepoint"): their commits release it, their rollbacks go back
    to it. On SQLite the connection's BEGIN comes from recovery.db's "begin" hook (BEGIN IMMEDIATE
    outside requests), so this test holds the write lock and nothing else may write meanwhile.
    What the test changes in the app's configuration and outbox is put back too.
    """
    config = dict(app.config)
    vars(limiter).update(app.extensions["tests_limiter_state"])
    with app.app_context():
        if limiter.enabled:
            limiter.reset()
        connection = db.engine.connect()
    outer = connection.begin()
    factory = db.session.session_factory
    saved_class, saved_kw = factory.class_, dict(factory.kw)

    # A subclass of the factory's own class, so the session events listened for on it still fire (mail).
    class JoinedSession(saved_class):
        def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
            # Flask-SQLAlchemy's get_bind picks the engine by bind key and ignores the session's own bind.
            if bind is None and self.bind is not None:
                return self.bind
            return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)

    factory.class_ = JoinedSession
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        factory.class_, factory.kw = saved_class, saved_kw
        try:
            with app.app_context():
                mail.drain()
                app.extensions.pop("mend_outbox", None)
        finally:
            app.config.clear()
            app.config.update(config)
            try:
                outer.rollback()
            finally:
                connection.close()


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
    """Count the rows of every table (to prove a request changed nothing), in one statement: one count per table."""
    tables = db.metadata.sorted_tables
    counts = db.session.execute(sa.select(*(
        sa.select(sa.func.count()).select_from(t).scalar_subquery().label(f"n{i}") for i, t in enumerate(tables)
    ))).one()
    return {t.name: count for t, count in zip(tables, counts, strict=True)}
