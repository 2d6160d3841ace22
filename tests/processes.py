"""Run one step in several fresh app processes at the same moment, as gunicorn's workers would.

Each worker is a separate process with its own app and database connections; all wait at a
barrier, then act at once. The suite's database is used, so the race runs on SQLite by default
and on PostgreSQL when the suite runs there.
"""

from __future__ import annotations

import multiprocessing
import os

from recovery import create_app
from recovery.db import db

WORKER_CONFIG = {
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789", "TESTING": True, "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "outbox", "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 8,
    "ARGON2_PARALLELISM": 1, "SERVER_NAME": "mend.test",
}


def worker_app(url: str, instance: str):
    """A fresh Mend app on the suite's database, as one worker process has."""
    os.environ["MEND_INSTANCE_PATH"] = instance
    return create_app({"SQLALCHEMY_DATABASE_URI": url, **WORKER_CONFIG})


def dispose(app) -> None:
    """Close a worker app's database connections."""
    with app.app_context():
        db.engine.dispose()


def at_once(target, per_worker: list[tuple], timeout: int = 120) -> list:
    """Start `target(*args, barrier, results)` in one process per args tuple; return what each put on results."""
    ctx = multiprocessing.get_context("spawn")
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
