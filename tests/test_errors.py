"""Error pages in the site's own look."""

import pytest
import sqlalchemy as sa
from flask import abort

from recovery.db import db


@pytest.mark.parametrize(("code", "words"), [(400, "didn't make sense"), (403, "isn't available"),
                                             (404, "couldn't find"), (429, "slow down"), (500, "on our side"),
                                             (503, "couldn't save that just now")])
def test_error_pages_use_the_site_look(make_app, code, words):
    """400, 403, 404, 429, 500 and 503 each show a kind page with the help lines and no traceback."""
    app = make_app()

    @app.get("/boom")
    def boom():
        abort(code)

    with app.app_context():
        r = app.test_client().get("/boom")
    body = r.get_data(as_text=True).replace("&#39;", "'")
    assert r.status_code == code
    assert words in body and "Need help now?" in body and "Quick exit" in body
    assert "Traceback" not in body


def test_unexpected_exception_is_a_kind_500(make_app):
    """An unexpected error shows the 500 page and rolls back."""
    app = make_app()

    @app.get("/crash")
    def crash():
        raise RuntimeError("unexpected")

    with app.app_context():
        r = app.test_client().get("/crash")
    assert r.status_code == 500 and "Nothing you did caused this" in r.get_data(as_text=True)
    assert "unexpected" not in r.get_data(as_text=True)


def test_database_fault_is_a_kind_503_and_the_connection_is_replaced(make_app):
    """A write the database refuses (read-only here) answers 503 "try again"; the next write gets a good connection."""
    app = make_app()

    @app.post("/save")
    def save():
        """Write on a connection that refuses writes, as a read-only file or a lost server would."""
        if db.session.get_bind().dialect.name == "sqlite":
            db.session.execute(sa.text("PRAGMA query_only = ON"))
            db.session.execute(sa.text("DELETE FROM users WHERE id = -1"))
        else:
            db.session.execute(sa.text("SET LOCAL statement_timeout = 1"))
            db.session.execute(sa.text("SELECT pg_sleep(1)"))
        return "saved"

    @app.post("/write")
    def write():
        """Write something harmless."""
        db.session.execute(sa.text("DELETE FROM users WHERE id = -1"))
        db.session.commit()
        return "written"

    with app.app_context():
        client = app.test_client()
        r = client.post("/save")
        body = r.get_data(as_text=True).replace("&#39;", "'")
        assert r.status_code == 503 and "couldn't save that just now" in body and "Nothing was changed" in body
        assert "Traceback" not in body and "query_only" not in body and "pg_sleep" not in body
        assert r.headers["X-Content-Type-Options"] == "nosniff" and "default-src 'self'" in r.headers[
            "Content-Security-Policy"]
        for _ in range(3):  # whichever pooled connection comes next
            assert client.post("/write").get_data(as_text=True) == "written"


def test_other_database_errors_stay_500(make_app):
    """A broken rule in the database (a bug, not a fault) is still the plain 500 page."""
    app = make_app()

    @app.post("/bad")
    def bad():
        """Insert a row that breaks a NOT NULL rule."""
        db.session.execute(sa.text("INSERT INTO users (id) VALUES (NULL)"))
        return "not reached"

    with app.app_context():
        r = app.test_client().post("/bad")
    assert r.status_code == 500 and "Nothing you did caused this" in r.get_data(as_text=True)
