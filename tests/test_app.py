"""The application factory, configuration layers and the database setup."""

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from recovery import create_app, normalize_database_url
from recovery.accounts.models import LoginThrottle
from recovery.db import UTCDateTime, db
from tests import processes
from tests.queries import captured_statements


def test_config_layers(tmp_path, monkeypatch):
    """Defaults, then instance/config.py, then MEND_ environment variables, in that order."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('HELP_COUNTRY = "CA"\nQUICK_EXIT_URL = "https://example.org/from-file"\n')
    monkeypatch.setenv("MEND_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("MEND_QUICK_EXIT_URL", "https://example.org/from-env")
    monkeypatch.setenv("MEND_SESSION_IDLE_TIMEOUT", "600")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app()
    assert app.config["HELP_COUNTRY"] == "CA"  # from the file
    assert app.config["QUICK_EXIT_URL"] == "https://example.org/from-env"  # env beats file
    assert app.config["SESSION_IDLE_TIMEOUT"].total_seconds() == 600
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"  # a default
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")
    assert app.config["DEBUG"] is False


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    """With no key configured, one is made in instance/ on first run and reused."""
    monkeypatch.setenv("MEND_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("MEND_SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "short-key"])
def test_production_refuses_a_default_or_weak_key(tmp_path, monkeypatch, key):
    """Production mode will not start with a missing, default or short secret key."""
    monkeypatch.setenv("MEND_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="secret key"):
        create_app({"PRODUCTION": True, "SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_turns_on_secure_cookies(tmp_path, monkeypatch):
    """SECURITY.md 7: production mode makes cookies Secure unless told otherwise."""
    monkeypatch.setenv("MEND_INSTANCE_PATH", str(tmp_path))
    app = create_app({"PRODUCTION": True, "SECRET_KEY": "production-key-9f2c4e7a1b3d5f608e1c",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://", "BASE_URL": "https://mend.example.org"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_postgres_urls_use_psycopg3():
    """DATABASE_URL in the common postgres:// forms is pointed at psycopg 3."""
    assert normalize_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalize_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.committing  # opens connections of its own, beside the test's
def test_sqlite_connection_settings(app):
    """SECURITY.md 21: SQLite runs with WAL, foreign keys on, a busy timeout and BEGIN IMMEDIATE."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == app.config["SQLITE_BUSY_TIMEOUT_MS"]
    with captured_statements() as statements, db.engine.begin() as conn:
        conn.execute(sa.text("SELECT 1"))
    assert "BEGIN IMMEDIATE" in statements


@pytest.mark.committing  # checks the real BEGINs, which a rolled-back test turns into SAVEPOINTs
def test_sqlite_reading_pages_begin_deferred_and_take_the_lock_before_writing(app, make_user, as_user):
    """SECURITY.md 21: form posts begin IMMEDIATE; GETs read side by side (BEGIN) until they must write."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    from recovery.db import prepare_to_write

    def begins(statements):
        return [s for s in statements if s.startswith("BEGIN")]

    with captured_statements() as statements, app.test_request_context("/home", method="GET"):
        db.session.execute(sa.text("SELECT 1"))
        prepare_to_write()  # ends the read transaction; the next one may write
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    reading = begins(statements)
    with captured_statements() as statements, app.test_request_context("/tracker/wins", method="POST"):
        db.session.execute(sa.text("SELECT 1"))
        prepare_to_write()  # already writing: nothing changes
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    posting = begins(statements)
    assert reading == ["BEGIN", "BEGIN IMMEDIATE"]
    assert posting == ["BEGIN IMMEDIATE"]


@pytest.mark.committing  # opens a connection of its own, beside the test's
def test_migrations_match_the_models(app):
    """Migrating an empty database gives exactly the models' schema (on SQLite and PostgreSQL)."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_every_migration_downgrades_and_upgrades(database_url, tmp_path, make_app):
    """The migration chain runs down to nothing and back up again."""
    from flask_migrate import downgrade, upgrade

    app = make_app()
    with app.app_context():
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() in ([], ["alembic_version"])
        upgrade()
        assert "users" in sa.inspect(db.engine).get_table_names()


def test_the_newest_migration_keeps_every_row(database_url, make_app):
    """Down one step and up again with the demo circle in the database: every table keeps every row.

    On SQLite a change to a table's checks or columns copies the table and drops the old one; with
    foreign keys on, dropping `users` would have deleted every row that points at a user.
    """
    from flask_migrate import downgrade, upgrade

    from recovery.demo import create_demo

    app = make_app()
    with app.app_context():
        create_demo()
        # The step down turns supporters into loved ones and drops their ties (the old checks can't hold them):
        # without supporters, every row must come back.
        from recovery.accounts.models import User

        db.session.execute(sa.delete(User).where(User.role == "supporter"))
        db.session.commit()

        def counts() -> dict[str, int]:
            return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
                    for t in db.metadata.sorted_tables}

        before = counts()
        assert before["checkins"] > 0 and before["share_grants"] > 0 and before["conversation_plans"] > 0
        db.session.close()
        downgrade(revision="-1")
        upgrade()
        db.session.expire_all()
        assert counts() == before


def _hammer(url: str, instance: str, email: str, times: int) -> int:
    """Record `times` failed logins for one address from a separate process; return errors."""
    os.environ["MEND_INSTANCE_PATH"] = instance
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k" * 40, "LOGIN_MAX_FAILURES": 10**9,
                      "TESTING": True})
    from recovery.accounts import services

    errors = 0
    with app.app_context():
        for _ in range(times):
            try:
                services.record_failed_login(email)
                db.session.commit()
            except Exception:  # noqa: BLE001 - counting every failure is the point
                db.session.rollback()
                errors += 1
        db.engine.dispose()
    return errors


def test_concurrent_writers_lose_nothing(app, database_url, tmp_path):
    """SECURITY.md 21/22: four processes updating one counter at once: zero errors, zero lost updates."""
    db.engine.dispose()
    with processes.context().Pool(4) as pool:
        errors = pool.starmap(_hammer, [(database_url, str(tmp_path), "same@example.org", 50)] * 4)
    assert errors == [0, 0, 0, 0]
    row = db.session.scalar(sa.select(LoginThrottle))
    assert row.failures == 200


def test_debug_is_off_by_default(app):
    """SECURITY.md 17: debug is off unless a developer turns it on."""
    assert app.debug is False


def test_models_have_no_import_time_defaults():
    """Callable defaults only: no timestamp is frozen when the module is imported."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            default = column.default
            if default is not None and isinstance(column.type, UTCDateTime):
                assert default.is_callable, f"{table.name}.{column.name}"


def test_instance_folder_is_ignored_by_git():
    """Secrets and the SQLite file in instance/ never get committed."""
    ignore = (Path(__file__).resolve().parent.parent / ".gitignore").read_text()
    assert "instance/" in ignore.split()


def test_after_migrating_in_process_foreign_keys_stay_on(tmp_path, monkeypatch):
    """Migrations turn SQLite's foreign keys off while they copy tables; the app's connections afterwards have
    them on, so deleting a person still deletes what hangs from them (the demo made twice in one process: the
    second deletes the first, commitments and schedules with it, and ids freed that way can be used again)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from recovery import create_app
    from recovery.db import db
    from recovery.demo import create_demo

    monkeypatch.setenv("MEND_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 8, "ARGON2_PARALLELISM": 1})
    with app.app_context():
        upgrade()
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        create_demo("demo circle of trust")
        db.session.commit()
        create_demo("demo circle of trust")  # deletes the first demo's people, then makes them again
        db.session.commit()
        orphans = db.session.execute(sa.text(
            "SELECT count(*) FROM commitment_schedules WHERE commitment_id NOT IN (SELECT id FROM commitments)"))
        assert orphans.scalar() == 0
        db.session.remove()
        db.engine.dispose()
