"""SECURITY.md 33: database faults. A failed connection is thrown away, so the next request works
without a restart; every error response, however it arises, carries the security headers.

The SQLite faults are real: a database file the process may not write to, and a database that may
not grow (SQLite's own "database or disk is full"). The PostgreSQL faults end the app's server
connections with pg_terminate_backend, as a restart or an administrator would; those tests run
when MEND_TEST_DATABASE_URL names a PostgreSQL database.
"""

from __future__ import annotations

import html
import os
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from recovery import normalize_database_url
from recovery.amends.models import AmendsEntry
from recovery.db import db
from tests import factories
from tests.conftest import _make_app, row_counts
from tests.forms import form_data
from tests.live_gunicorn import TEST_ENV, flask, gunicorn

PASSWORD = factories.PASSWORD
BARE_PAGE = "<h1><p>Internal Server Error</p></h1>"  # what gunicorn answers when an error escapes the app
TEST_DATABASE_URL = normalize_database_url(os.environ.get("MEND_TEST_DATABASE_URL", ""))
on_postgresql = pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"),
                                   reason="needs MEND_TEST_DATABASE_URL set to a PostgreSQL database")


def assert_security_headers(headers) -> None:
    """Every response carries the CSP, nosniff, framing, referrer and no-store headers (SECURITY.md 16)."""
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("X-Frame-Options") == "DENY"
    assert headers.get("Referrer-Policy") == "same-origin"
    assert headers.get("Cache-Control") == "no-store"


def assert_could_not_save(response) -> None:
    """The database fault page: 503, kind words, the headers, no traceback."""
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 503, body[:300]
    assert "We couldn't save that just now" in body and "Nothing was changed" in body
    assert "Traceback" not in body and "sqlite" not in body.lower() and "Error 503" in body
    assert response.headers.get("Retry-After") == "60"
    assert_security_headers(response.headers)


# --- SQLite: a file of its own, migrated, so the fault cannot touch the suite's database ----------------


@pytest.fixture
def sqlite_app(tmp_path):
    """A Mend app on its own migrated SQLite file, with a person already in it."""
    path = tmp_path / "mend.db"
    app = _make_app(f"sqlite:///{path}", tmp_path / "instance")
    with app.app_context():
        upgrade()
        user = factories.make_user(email="casey@example.org")
        db.session.commit()
        app.config["test_user_email"] = user.email
        app.config["test_db_path"] = path
        yield app
        db.session.remove()
        db.engine.dispose()


def log_in(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data=form_data(page, action="/login", email=email, password=PASSWORD))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def amends_form(client, **overrides) -> dict:
    page = client.get("/amends/new").get_data(as_text=True)
    return form_data(page, person_name="Alex", **overrides)


def entries() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AmendsEntry))


class ReadOnly:
    """Make a file read-only for this process for real, and writable again.

    A normal user: chmod. Root ignores file modes, so as root the file is made immutable
    (chattr +i), which refuses root's writes too; where that isn't allowed the test is skipped.
    Either way SQLite can only open the file read-only and says "attempt to write a readonly database".
    """

    def __init__(self, path: Path):
        self.path = path
        self.as_root = os.geteuid() == 0

    def __enter__(self):
        if self.as_root:
            done = subprocess.run(["chattr", "+i", str(self.path)], capture_output=True)
            if done.returncode != 0:
                pytest.skip("running as root without the right to make a file immutable (chattr +i)")
        else:
            self.path.chmod(0o444)
        return self

    def undo(self) -> None:
        if self.as_root:
            subprocess.run(["chattr", "-i", str(self.path)], check=True)
        else:
            self.path.chmod(0o644)

    def __exit__(self, *exc):
        if self.as_root:
            subprocess.run(["chattr", "-i", str(self.path)], capture_output=True)  # never leave it behind
        else:
            self.path.chmod(0o644)


def test_read_only_sqlite_then_writable_again_needs_no_restart(sqlite_app):
    """SECURITY.md 33: a write to a read-only file: a kind 503, nothing saved; writable again, the next works."""
    client = sqlite_app.test_client()
    log_in(client, sqlite_app.config["test_user_email"])
    data = amends_form(client, what_happened="I missed the birthday.")
    before = row_counts()
    with ReadOnly(sqlite_app.config["test_db_path"]) as read_only:
        # The pool's open connections were made while the file was writable; a worker that starts,
        # or a pool that grows, now opens it read-only. Closing them stands for that.
        db.engine.dispose()
        assert client.get("/amends/").status_code == 200  # reading still works
        assert_could_not_save(client.post("/amends/new", data=data))
        assert row_counts() == before
        read_only.undo()
        # Same app, same pool, no restart: the read-only connection must not be handed out again.
        response = client.post("/amends/new", data=amends_form(client, what_happened="I missed the birthday."))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert entries() == 1


def test_full_disk_answers_could_not_save_and_the_next_write_works(sqlite_app):
    """SECURITY.md 33: SQLite "disk is full": a kind 503, nothing half-saved; with room again, the write works."""
    limit = {"pages": 1_000_000}

    def cap_size(dbapi_connection, _record, _proxy):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count = {int(limit['pages'])}")
        cursor.close()

    sa.event.listen(db.engine, "checkout", cap_size)
    client = sqlite_app.test_client()
    log_in(client, sqlite_app.config["test_user_email"])
    # Long answers need new pages in the file (about 24 kB here).
    long = "é" * 4000
    data = amends_form(client, what_happened=long, impact=long, my_part=long)
    before = row_counts()
    limit["pages"] = 1  # SQLite holds the limit at the file's present size: it cannot grow
    response = client.post("/amends/new", data=data)
    assert_could_not_save(response)
    assert row_counts() == before

    limit["pages"] = 1_000_000  # the disk has room again
    response = client.post("/amends/new", data=amends_form(client, what_happened=long, impact=long, my_part=long))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert entries() == 1
    sa.event.remove(db.engine, "checkout", cap_size)


# --- Errors outside the view ----------------------------------------------------------------------------


@pytest.mark.parametrize("testing", [True, False])
def test_error_in_an_after_request_hook_still_gets_the_headers(make_app, testing):
    """SECURITY.md 33: an after-request hook that fails gets a kind page with the security headers, never a bare one."""
    app = make_app(TESTING=testing)

    @app.get("/fine")
    def fine():
        return "fine"

    @app.after_request
    def broken(response):
        raise RuntimeError("a hook failed")

    with app.app_context():
        response = app.test_client().get("/fine")
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 500
    assert "Something went wrong on our side" in body and "a hook failed" not in body
    assert "Traceback" not in body and "Quick exit" in body
    assert_security_headers(response.headers)


def test_error_while_tearing_down_still_gets_the_headers(make_app):
    """SECURITY.md 33: a failure while the request is torn down, after the page was made, still answers a kind page."""
    app = make_app()

    @app.get("/fine")
    def fine():
        return "fine"

    @app.teardown_request
    def broken(_exc):
        raise RuntimeError("teardown failed")

    with app.app_context():
        response = app.test_client().get("/fine")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "on our side" in body and "Quick exit" in body
    assert "teardown failed" not in body
    assert_security_headers(response.headers)


# --- PostgreSQL: server connections ended by an administrator or a restart ------------------------------


def terminate_backends(url: str, *, database: str | None = None) -> int:
    """End every other server connection to the database, as pg_terminate_backend does for an administrator."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return len(conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = coalesce(:name, current_database()) AND pid <> pg_backend_pid()"),
                {"name": database}).all())
    finally:
        engine.dispose()


@on_postgresql
def test_connections_ended_between_requests_are_replaced(make_app, database_url):
    """SECURITY.md 33: after the server ends every connection, the next requests work (the pool checks first)."""
    app = make_app()
    with app.app_context():
        factories.make_user(email="casey@example.org")
        db.session.commit()
        client = app.test_client()
        log_in(client, "casey@example.org")
        assert client.get("/home").status_code == 200
        db.session.remove()
        assert terminate_backends(database_url) >= 1
        for path in ("/home", "/amends/"):
            assert client.get(path).status_code == 200


@on_postgresql
def test_connection_ended_during_a_request(make_app, database_url):
    """SECURITY.md 33: ended in a view: a kind 503 with headers; before teardown: the page stands; then all works."""
    app = make_app()

    @app.get("/fault/in-view")
    def ended_in_view():
        db.session.execute(sa.text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return "not reached"

    @app.get("/fault/before-teardown")
    def ended_before_teardown():
        db.session.execute(sa.text("SELECT 1"))  # the request's transaction is open ...
        terminate_backends(database_url)  # ... and its connection ends before the rollback at teardown
        return "shown"

    @app.get("/fault/after-request")
    def ended_after_request():
        db.session.execute(sa.text("SELECT 1"))
        return "shown"

    @app.after_request
    def end_own_connection(response):
        from flask import request

        if request.path == "/fault/after-request":
            db.session.execute(sa.text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return response

    with app.app_context():
        factories.make_user(email="casey@example.org")
        db.session.commit()
        client = app.test_client()
        log_in(client, "casey@example.org")
        db.session.remove()

        assert_could_not_save(client.get("/fault/in-view"))
        assert client.get("/home").status_code == 200

        response = client.get("/fault/before-teardown")
        assert response.status_code == 200 and response.get_data(as_text=True) == "shown"
        assert_security_headers(response.headers)
        assert client.get("/home").status_code == 200

        assert_could_not_save(client.get("/fault/after-request"))
        assert client.get("/home").status_code == 200


def _opener():
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    return urllib.request.build_opener(NoRedirect(), urllib.request.HTTPCookieProcessor(CookieJar()))


def _fetch(opener, url: str, data: dict | None = None) -> tuple[int, dict, str]:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def scratch_postgresql_url():
    """A PostgreSQL database of this test's own (gunicorn writes to it), dropped afterwards."""
    admin_url = sa.make_url(TEST_DATABASE_URL).set(database="postgres")
    name = f"mend_faults_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False), name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@on_postgresql
def test_connections_ended_under_load_under_gunicorn(tmp_path, scratch_postgresql_url):
    """SECURITY.md 33: gunicorn, 3 workers, 6 threads reading and writing while the server keeps ending connections:
    every answer carries Mend's headers, none is gunicorn's bare page, and the site works afterwards."""
    url, name = scratch_postgresql_url
    env = {**os.environ, **TEST_ENV, "MEND_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url,
           "MEND_SESSION_TOUCH_INTERVAL": "0"}
    env.pop("MEND_TEST_DATABASE_URL", None)
    flask(env, "db", "upgrade")
    password = "a password for this test only"
    flask(env, "demo", "--password", password)
    answers: list[tuple[str, int, dict, str]] = []
    failures: list[str] = []
    lock = threading.Lock()
    with gunicorn(env, workers=3, output=tmp_path / "gunicorn.log") as base:
        opener = _opener()
        page = _fetch(opener, base + "/login")[2]
        status, _, _ = _fetch(opener, base + "/login", form_data(page, action="/login",
                                                                 email="jordan@demo.mend.example", password=password))
        assert status == 302
        win_form = form_data(_fetch(opener, base + "/tracker/journey")[2], action="/tracker/wins",
                             **{"win-text": "Made dinner"})
        stop = time.monotonic() + 6

        def visit(paths, data):
            while time.monotonic() < stop:
                for path in paths:
                    try:
                        status, headers, body = _fetch(opener, base + path, data)
                    except OSError as error:  # a dropped connection is a failure too
                        with lock:
                            failures.append(f"{path}: {type(error).__name__}")
                        continue
                    with lock:
                        answers.append((path, status, headers, body))

        ended = []

        def terminate():
            while time.monotonic() < stop:
                ended.append(terminate_backends(url, database=name))
                time.sleep(0.05)

        threads = [threading.Thread(target=visit, args=args) for args in [
            (["/home", "/tracker/today"], None), (["/tracker/journey", "/amends/"], None),
            (["/home"], None), (["/circle/"], None),
            (["/tracker/wins"], win_form), (["/tracker/wins"], win_form)]]
        threads.append(threading.Thread(target=terminate))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        time.sleep(0.2)
        after = _fetch(opener, base + "/home")
    assert not failures, failures[:5]
    assert len(answers) > 50 and sum(ended) > 20  # plenty of requests, plenty of connections ended under them
    bare = [(path, status) for path, status, _, body in answers if BARE_PAGE in body]
    assert not bare, bare[:5]
    for path, status, headers, body in answers:
        assert status in (200, 302, 503), (path, status, body[:200])
        assert_security_headers(headers)
        if status == 503:
            assert "We couldn't save that just now" in html.unescape(body)
    assert after[0] == 200
