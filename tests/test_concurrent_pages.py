"""SECURITY.md 21: under gunicorn on SQLite, pages that read and forms that write, all at once, never fail.

Reading pages begin deferred so that workers read side by side; the ones that must write (a
session's "last seen", an access-log line, saved progress) take the write lock first. Here every
page view writes a session touch (the touch interval is set to zero), a person and a loved one
load their pages while the person posts small wins, from several threads started together.

Correctness only: every request answers, nothing is lost. Each thread makes a fixed number of
requests, so a slow or busy machine takes longer but never fails the test; how fast Mend serves
is measured in bench/, not here.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path

from tests.live_gunicorn import TEST_ENV, flask, gunicorn

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "a password for this test only"
ROUNDS = 8  # requests per thread: 8 threads, 16 posts and 48 page views in all


def _opener():
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    return urllib.request.build_opener(NoRedirect(), urllib.request.HTTPCookieProcessor(CookieJar()))


def _call(opener, url: str, data: dict | None = None) -> int:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_readers_and_writers_at_once_under_gunicorn_on_sqlite(tmp_path):
    """SECURITY.md 21: 4 workers, 8 threads of GETs and POSTs with a write on every request: no error, nothing lost."""
    database = tmp_path / "mend.db"
    env = {**os.environ, **TEST_ENV, "MEND_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{database}",
           "MEND_SESSION_TOUCH_INTERVAL": "0"}
    env.pop("MEND_TEST_DATABASE_URL", None)
    flask(env, "db", "upgrade")
    flask(env, "demo", "--password", PASSWORD)
    with sqlite3.connect(database) as conn:
        (connection_id,) = conn.execute(
            "SELECT c.id FROM connections c JOIN users u ON u.id = c.loved_one_id WHERE u.display_name = 'Sam'"
        ).fetchone()
        (wins_before,) = conn.execute("SELECT count(*) FROM small_wins").fetchone()
    statuses: Counter = Counter()
    saved_posts: Counter = Counter()
    lock = threading.Lock()
    with gunicorn(env, workers=4) as base:
        people = {}
        for name in ("jordan", "sam"):
            opener = _opener()
            assert _call(opener, base + "/login", {"email": f"{name}@demo.mend.example",
                                                   "password": PASSWORD}) == 302
            people[name] = opener
        work = [
            ("jordan", ["/home", "/tracker/today", "/tracker/"], None),
            ("jordan", ["/tracker/journey", "/home"], None),
            ("jordan", ["/tracker/wins"], {"win-text": "Made dinner"}),
            ("jordan", ["/tracker/wins"], {"win-text": "Called my sister"}),
            ("sam", ["/home", f"/circle/{connection_id}/tracker"], None),
            ("sam", [f"/circle/{connection_id}/milestones", "/home"], None),
            ("sam", [f"/circle/{connection_id}/tracker"], None),
            ("jordan", ["/circle/", "/settings/activity"], None),
        ]
        start = threading.Barrier(len(work))

        def run(name, paths, data):
            start.wait()  # all at once, so reads and writes overlap
            for n in range(ROUNDS):
                code = _call(people[name], base + paths[n % len(paths)], data)
                with lock:
                    statuses[code] += 1
                    if data is not None and code == 302:
                        saved_posts[data["win-text"]] += 1

        threads = [threading.Thread(target=run, args=job) for job in work]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    posts = sum(1 for _, _, data in work if data is not None) * ROUNDS
    assert statuses == Counter({200: len(work) * ROUNDS - posts, 302: posts}), statuses  # every request answered
    assert saved_posts == Counter({"Made dinner": ROUNDS, "Called my sister": ROUNDS})  # every post accepted
    with sqlite3.connect(database) as conn:
        (wins,) = conn.execute("SELECT count(*) FROM small_wins").fetchone()
        saved = conn.execute("SELECT count(*) FROM small_wins WHERE text IN ('Made dinner', 'Called my sister')")
        assert saved.fetchone()[0] == posts  # every accepted post was saved
        assert wins == wins_before + posts  # and nothing else was added or lost
