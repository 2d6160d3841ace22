"""What the deployment guide (docs/DEPLOYMENT.md) promises: proxies, several app hosts, backups."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from recovery.accounts.models import UserSession
from recovery.db import db
from tests.conftest import PASSWORD


def _login_attempts(app, headers: dict, times: int) -> list[int]:
    with app.app_context():
        web = app.test_client()
        return [web.post("/login", data={"email": "nobody@example.org", "password": "wrong wrong wrong"},
                         headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code
                for _ in range(times)]


def test_without_a_proxy_setting_forwarded_headers_are_ignored(make_app):
    """A client can't dodge the per-address limit by making up X-Forwarded-For (PROXY_FIX_HOPS = 0)."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="3 per minute")
    codes = [_login_attempts(app, {"X-Forwarded-For": f"198.51.100.{i}"}, 1)[0] for i in range(4)]
    assert codes == [422, 422, 422, 429]


def test_behind_one_proxy_only_the_proxys_entry_counts(make_app):
    """With PROXY_FIX_HOPS = 1, the address the proxy appended is used; entries a client adds before it are not."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="3 per minute", PROXY_FIX_HOPS=1)
    # Same real client (the proxy's last entry), different forged first entries: still limited.
    forged = [_login_attempts(app, {"X-Forwarded-For": f"198.51.100.{i}, 203.0.113.7"}, 1)[0] for i in range(4)]
    assert forged == [422, 422, 422, 429]
    # A different real client behind the same proxy has its own count.
    assert _login_attempts(app, {"X-Forwarded-For": "203.0.113.8"}, 1) == [422]


def test_behind_a_proxy_https_is_recognised(make_app):
    """X-Forwarded-Proto from the configured proxy turns on HSTS; without the setting it is ignored."""
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    for hops, expected in ((1, True), (0, False)):
        app = make_app(PROXY_FIX_HOPS=hops)
        with app.app_context():
            response = app.test_client().get("/login", headers=headers)
        assert ("Strict-Transport-Security" in response.headers) is expected, hops


def test_two_app_hosts_share_logins_through_the_database(app, make_app, make_user):
    """The app is stateless: a login made on one host works on another, and logging out on either ends it."""
    user = make_user()
    host_a, host_b = app, make_app()
    web_a = host_a.test_client()
    assert web_a.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    cookie = web_a.get_cookie("mend_session", domain="mend.test")
    web_b = host_b.test_client()
    web_b.set_cookie("mend_session", cookie.value, domain="mend.test")
    assert web_b.get("/home").status_code == 200
    assert web_b.post("/logout").status_code == 302
    assert web_a.get("/home").status_code == 302  # ended on host A too
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)
                             .where(UserSession.user_id == user.id)) == 0


@pytest.mark.committing  # the backup reads the database through a connection of its own (or pg_dump)
def test_backup_copies_the_whole_database(app, make_user, tmp_path):
    """`flask backup DEST` makes a private, complete copy (SQLite's online backup; pg_dump on PostgreSQL)."""
    user = make_user(name="Backed Up")
    db.session.commit()
    destination = tmp_path / "mend-backup.db"
    result = app.test_cli_runner().invoke(args=["backup", str(destination)])
    assert result.exit_code == 0, result.output
    assert destination.stat().st_mode & 0o077 == 0
    if db.engine.url.get_backend_name() == "sqlite":
        with sqlite3.connect(destination) as copy:
            assert copy.execute("SELECT display_name FROM users WHERE id = ?", (user.id,)).fetchone() == (
                "Backed Up",)
    else:
        assert destination.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    again = app.test_cli_runner().invoke(args=["backup", str(destination)])
    assert again.exit_code != 0 and "exists already" in again.output


def test_gunicorn_freezes_the_preloaded_app_before_forking():
    """gunicorn.conf.py's when_ready hook (run in the master after preloading, before any worker forks)
    moves every object alive then out of the garbage collector's reach, so workers keep sharing them."""
    import gc
    import runpy
    from pathlib import Path

    conf = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    try:
        conf["when_ready"](None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
