"""SECURITY.md 3: throttling holds across processes — a database counter and a Redis-backed limiter."""

import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from recovery.db import db
from tests.factories import PASSWORD
from tests.live_gunicorn import TEST_ENV, flask, gunicorn

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("MEND_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("MEND_REQUIRE_REDIS"):
            raise
        pytest.skip("no Redis server here (CI sets MEND_REQUIRE_REDIS and runs this against one)")
    return client


def test_redis_limiter_is_shared_by_two_workers(make_app):
    """SECURITY.md 3: with Redis storage, two app processes' hits on one address count together.

    The test's keys carry their own prefix, and only they are deleted afterwards: a Redis shared with
    anything else (another test run, a real deployment) is never emptied.
    """
    client = _redis_or_skip()
    prefix = f"mend-test-{uuid.uuid4().hex}"
    config = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_AUTH": "3 per minute",
              "RATELIMIT_KEY_PREFIX": prefix}
    other = "someone-elses-key-" + uuid.uuid4().hex
    client.set(other, "kept")
    try:
        worker_a, worker_b = make_app(**config), make_app(**config)
        codes = []
        for app in (worker_a, worker_b, worker_a, worker_b):
            with app.app_context():
                codes.append(app.test_client().post("/login", data={"email": "x@example.org",
                                                                    "password": "y" * 12}).status_code)
        assert codes == [422, 422, 422, 429]
        ours = [k for k in client.scan_iter(match=f"*{prefix}/*")]
        assert ours, "the limiter's keys carry the test's prefix"
    finally:
        for key in client.scan_iter(match=f"*{prefix}/*"):
            client.delete(key)
    assert client.get(other) == b"kept"  # nobody else's key was touched
    client.delete(other)


def _post(url: str, fields: dict) -> tuple[int, str]:
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_login_counter_holds_under_gunicorn_with_four_workers(app, database_url, tmp_path):
    """SECURITY.md 3 and 22: under gunicorn with 4 forked workers (on the run's own database, SQLite or
    PostgreSQL), attempt N+1 is refused even with the right password."""
    env = {**os.environ, **TEST_ENV, "MEND_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database_url}
    env.pop("MEND_TEST_DATABASE_URL", None)
    db.session.commit()
    db.engine.dispose()  # the test's own connections must not hold SQLite's lock while gunicorn writes
    flask(env, "db", "upgrade")
    with gunicorn(env, workers=4) as base:
        email = "worker-test@example.org"
        status, _ = _post(base + "/register", {"display_name": "W", "email": email, "password": PASSWORD,
                                               "password_again": PASSWORD, "role": "person", "timezone": "UTC"})
        assert status in (200, 302)
        for _ in range(5):
            status, body = _post(base + "/login", {"email": email, "password": "wrong password here"})
            assert status == 422 and "don't match" in body.replace("&#39;", "'")
        status, body = _post(base + "/login", {"email": email, "password": PASSWORD})
        assert status == 422 and "Too many tries" in body


@pytest.mark.committing  # opens connections of its own and replaces the app's pool: a fresh app
def test_each_gunicorn_worker_gets_its_own_database_connections(app):
    """SECURITY.md 22: after fork, gunicorn.conf.py's post_fork replaces the engine's pool, leaving the parent's alone.

    A pooled connection shared by two processes mixes their traffic on one socket. The stand-in
    below plays gunicorn's arbiter, which hands post_fork the preloaded application.
    """
    import runpy
    from types import SimpleNamespace

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["preload_app"] is True  # the reason post_fork matters
    parent_pool = db.engine.pool
    with db.engine.connect() as held:  # a connection the parent holds across the fork
        config["post_fork"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)), None)
        assert db.engine.pool is not parent_pool
        assert held.exec_driver_sql("SELECT 1").scalar() == 1  # close=False: the parent's connection still works
    with db.engine.connect() as fresh:
        assert fresh.exec_driver_sql("SELECT 1").scalar() == 1
