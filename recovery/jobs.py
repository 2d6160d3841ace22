"""Background jobs: a real queue (Huey), kept in the instance folder by default and in Redis across hosts.

Work that must not happen inside a request (sending mail, web push) and work that runs on a clock
(reminders every few minutes, weekly summaries) are jobs. Each app has its own Huey queue:

- "sqlite" (the default): a file in the instance folder (`jobs.sqlite3`); every worker of one host
  shares it.
- "redis" (`MEND_JOBS_REDIS_URL`): several app hosts share one queue.
- "memory": only inside this process (tests).

A consumer takes jobs off the queue: `flask --app app jobs` runs Huey's consumer with its clock for
the periodic jobs (`python3 manage.py start` starts it beside the web server; production runs it as
its own service, see docs/deploy.md). With `JOBS_EMBEDDED` the process that queues a job also runs
it, in a thread of its own (tests, and hosts that cannot run a second process); periodic jobs then
run only where a consumer runs.

Features declare their jobs with `@jobs.job("name")` and periodic ones with `@jobs.every(minutes=5)`;
`jobs.enqueue("name", *args)` queues one. A job runs inside an app context and finishes with one
commit (or a rollback if it fails), like a request. Periodic jobs must be safe to run twice, or on two
hosts at once (SECURITY.md 37): each feature proves that for its own.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy.orm import Session

from recovery.db import db

log = logging.getLogger(__name__)

_EXTENSION = "mend_jobs"
EMBEDDED_POLL_SECONDS = 0.5  # how often an embedded worker looks at a shared queue for work


@dataclass(frozen=True)
class _Declared:
    fn: Callable
    minutes: int | None = None  # periodic: every N minutes


_JOBS: dict[str, _Declared] = {}
_ALL: weakref.WeakSet[Jobs] = weakref.WeakSet()  # every app's queue in this process


def job(name: str):
    """Declare a job that `enqueue(name, ...)` queues (arguments must be plain data: they are stored)."""
    def declare(fn: Callable) -> Callable:
        _JOBS[name] = _Declared(fn)
        return fn
    return declare


def every(minutes: int, name: str | None = None):
    """Declare a job the consumer runs every `minutes` minutes (it must be safe to run twice)."""
    def declare(fn: Callable) -> Callable:
        _JOBS[name or f"{fn.__module__}.{fn.__name__}"] = _Declared(fn, minutes)
        return fn
    return declare


class Jobs:
    """One app's queue: its Huey instance, its tasks, and (if embedded) the thread that runs them here."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        cfg = app.config
        self.backend = cfg["JOBS_BACKEND"] or ("redis" if cfg.get("JOBS_REDIS_URL") else "sqlite")
        self.embedded = bool(cfg["JOBS_EMBEDDED"])
        name = cfg["JOBS_QUEUE_NAME"]
        if self.backend == "memory":
            storage_class, kwargs = MemoryStorage, {}
        elif self.backend == "redis":
            storage_class, kwargs = RedisStorage, {"url": cfg["JOBS_REDIS_URL"]}
        elif self.backend == "sqlite":
            path = Path(cfg.get("JOBS_SQLITE_PATH") or Path(app.instance_path) / "jobs.sqlite3")
            path.parent.mkdir(parents=True, exist_ok=True)
            storage_class, kwargs = SqliteStorage, {"filename": str(path), "timeout": 15}
        else:
            raise ValueError(f"Unknown JOBS_BACKEND {self.backend!r}: use sqlite, redis or memory.")
        self.huey = Huey(name, results=False, utc=True, storage_class=storage_class, **kwargs)
        self.tasks = {}
        for job_name, declared in _JOBS.items():
            run = self._in_app(declared.fn)
            if declared.minutes is None:
                self.tasks[job_name] = self.huey.task(name=job_name)(run)
            else:
                self.tasks[job_name] = self.huey.periodic_task(
                    crontab(minute=f"*/{declared.minutes}"), name=job_name)(run)
        self._worker: _EmbeddedWorker | None = None
        self._worker_lock = threading.Lock()

    def _in_app(self, fn: Callable) -> Callable:
        app = self.app

        def run(*args, **kwargs):
            with app.app_context():
                try:
                    result = fn(*args, **kwargs)
                    db.session.commit()
                    return result
                except BaseException:
                    db.session.rollback()
                    raise
                finally:
                    db.session.remove()
        run.__name__ = fn.__name__
        return run

    def enqueue(self, name: str, *args) -> None:
        self.tasks[name](*args)
        if self.embedded:
            self.worker().wake()

    def worker(self) -> _EmbeddedWorker:
        with self._worker_lock:
            # A forked process inherits the object but not the thread: it starts its own.
            if self._worker is None or self._worker.pid != os.getpid():
                self._worker = _EmbeddedWorker(self.huey, shared=self.backend != "memory")
            return self._worker

    def drain(self, timeout: float) -> bool:
        """Wait until this process's embedded worker has nothing left to run; return whether it managed."""
        worker = self._worker
        if worker is None or worker.pid != os.getpid():
            return True
        return worker.wait_idle(timeout)


class _EmbeddedWorker:
    """A daemon thread that runs this app's queued jobs inside this process."""

    def __init__(self, huey: Huey, shared: bool) -> None:
        self.pid = os.getpid()
        self.huey = huey
        self.shared = shared
        self._cond = threading.Condition()
        self._busy = False
        self._woken = False
        threading.Thread(target=self._run, name="mend-jobs", daemon=True).start()

    def wake(self) -> None:
        with self._cond:
            self._woken = True
            self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                idle = not self._busy and not self._woken and self.huey.pending_count() == 0
                if idle:
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._woken:
                    self._cond.wait(EMBEDDED_POLL_SECONDS if self.shared else None)
                self._woken = False
                self._busy = True
            try:
                while (task := self.huey.dequeue()) is not None:
                    try:
                        self.huey.execute(task)
                    except Exception as exc:  # the thread must outlive any one job
                        log.warning("A background job failed (%s)", type(exc).__name__)
            except Exception as exc:
                log.warning("Could not read the job queue (%s)", type(exc).__name__)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()


def _forget_connections_after_fork() -> None:
    """A forked worker opens its own connection to a SQLite queue (Redis' pool already checks the pid)."""
    for each in list(_ALL):
        storage = each.huey.storage
        if isinstance(storage, SqliteStorage):
            storage._conn, storage.lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_forget_connections_after_fork)


def init_app(app: Flask) -> None:
    """Give the app its queue, the `flask jobs` command that runs a consumer for it, and hand over on commit."""
    app.extensions[_EXTENSION] = Jobs(app)
    _ALL.add(app.extensions[_EXTENSION])
    app.cli.add_command(jobs_command)
    for name, listener in (("after_commit", _after_commit), ("after_soft_rollback", _after_soft_rollback),
                           ("after_transaction_end", _after_transaction_end)):
        if not sa.event.contains(db.session, name, listener):
            sa.event.listen(db.session, name, listener)


# --- Jobs queued by a transaction go only if it commits -------------------------------------------------

_PENDING = "mend_jobs_pending"  # key in Session.info: [(transaction, app, name, args), ...]


def after_commit(name: str, *args) -> None:
    """Queue job `name` when the current transaction commits; a rollback drops it.

    Tied to the innermost transaction, so rolling back a savepoint drops only what it queued.
    """
    session = db.session()
    if not session.in_transaction():
        session.begin()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((transaction, current_app._get_current_object(), name, args))


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: the outer transaction may still roll back
    for _, app, name, args in session.info.pop(_PENDING, None) or ():
        with app.app_context():
            enqueue(name, *args)


def _after_soft_rollback(session: Session, previous) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [entry for entry in pending if not _within(entry[0], previous)]


def _after_transaction_end(session: Session, transaction) -> None:
    # The outermost transaction ended: whatever was not handed over at its commit (a rollback, or a
    # session closed without committing) must not go out with a later transaction.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def queue() -> Jobs:
    return current_app.extensions[_EXTENSION]


def enqueue(name: str, *args) -> None:
    """Queue job `name` now (call it after the data it needs is committed, e.g. from an after-commit hook)."""
    queue().enqueue(name, *args)


def drain(timeout: float = 10.0) -> bool:
    """Wait for this process's embedded workers to finish what is queued (tests; a stopping process).

    Inside an app context, that app's; outside, every app's in this process.
    """
    if has_app_context():
        return queue().drain(timeout)
    deadline = time.monotonic() + timeout
    return all(jobs.drain(max(0.0, deadline - time.monotonic())) for jobs in list(_ALL))


def run_periodic_now() -> None:
    """Run every periodic job once, here and now (what the consumer's clock does every few minutes)."""
    for name, declared in _JOBS.items():
        if declared.minutes is not None:
            queue().tasks[name].call_local()


@click.command("jobs")
@click.option("--workers", default=2, show_default=True, help="How many jobs may run at once.")
def jobs_command(workers: int) -> None:
    """Run the background job consumer: sends mail and push, and runs reminders on a clock."""
    jobs = queue()
    click.echo(f"Mend's job consumer is running ({jobs.backend} queue, {workers} workers). Ctrl-C stops it.")
    consumer = jobs.huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                         check_worker_health=True)
    consumer.run()
