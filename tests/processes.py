"""Run one step in several fresh app processes at the same moment, as gunicorn's workers would.

Each worker is a separate process with its own app and database connections; all wait at a
barrier, then act at once. The suite's database is used, so the race runs on SQLite by default
and on PostgreSQL when the suite runs there.

Workers come from a fork server (see `context`): a clean process that has imported the app's
modules once, so that each worker need not import them again, as a spawned one must.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

from recovery import create_app
from recovery.db import db

WORKER_CONFIG = {
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789", "TESTING": True, "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "outbox", "JOBS_BACKEND": "memory", "JOBS_EMBEDDED": True,
    "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 8, "ARGON2_PARALLELISM": 1, "SERVER_NAME": "mend.test",
}


def worker_app(url: str, instance: str):
    """A fresh Mend app on the suite's database, as one worker process has."""
    os.environ["MEND_INSTANCE_PATH"] = instance
    return create_app({"SQLALCHEMY_DATABASE_URI": url, **WORKER_CONFIG})


def dispose(app) -> None:
    """Close a worker app's database connections."""
    with app.app_context():
        db.engine.dispose()


_context = None


def context():
    """The multiprocessing context for worker processes: fresh processes, without importing the app each time.

    On Linux this is a fork server: started once (by exec, like "spawn", so it holds none of this
    process's threads, sockets or database connections), it imports Mend's modules, and every worker
    is a fork of it. A worker still builds its own app and opens its own connections, as with spawn,
    but starts in a fraction of a second rather than after a second or more of imports. Where there
    is no fork server, plain "spawn".
    """
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            # Every module of the app that this process has loaded, so the workers' create_app imports nothing.
            preload = sorted(name for name in sys.modules if name == "recovery" or name.startswith("recovery."))
            _context.set_forkserver_preload([*preload, "tests.processes"])
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def at_once(target, per_worker: list[tuple], timeout: int = 120) -> list:
    """Start `target(*args, barrier, results)` in one process per args tuple; return what each put on results."""
    ctx = context()
    barrier, results = ctx.Barrier(len(per_worker)), ctx.Queue()
    db.session.commit()  # the test's own transaction must not hold SQLite's write lock
    db.engine.dispose()
    workers = [ctx.Process(target=target, args=(*args, barrier, results)) for args in per_worker]
    for worker in workers:
        worker.start()
    answers = [results.get(timeout=timeout) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    return answers
