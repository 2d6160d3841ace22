"""The job queue (recovery/jobs.py): a job queued by one app host runs on another's consumer, on SQLite and
on Redis; a job commits once when it succeeds and saves nothing when it fails."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from recovery import jobs, mail
from recovery.accounts.models import AuditEvent
from recovery.db import db
from tests import factories
from tests.security.test_throttle_processes import REDIS_URL, _redis_or_skip


def _run_one(app) -> int:
    """Play a consumer once: take every queued job off this app's queue and run it; return how many ran."""
    huey = app.extensions["mend_jobs"].huey
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def _queue_a_message(app, to: str) -> None:
    with app.app_context():
        mail.queue_mail(to, "Hello", "A test message.")
        db.session.commit()  # the message becomes a job only now


def _host(make_app, **config):
    """An app host that only queues (no embedded worker): another host's consumer sends."""
    return make_app(JOBS_EMBEDDED=False, **config)


def test_a_job_queued_on_one_host_is_run_by_another_hosts_consumer_through_the_sqlite_queue(make_app, tmp_path):
    path = str(tmp_path / "shared-jobs.sqlite3")
    web = _host(make_app, JOBS_BACKEND="sqlite", JOBS_SQLITE_PATH=path)
    worker = _host(make_app, JOBS_BACKEND="sqlite", JOBS_SQLITE_PATH=path)
    _queue_a_message(web, "one@example.org")
    with web.app_context():
        assert web.extensions["mend_jobs"].huey.pending_count() == 1
        assert mail.outbox() == []  # nothing ran where it was queued
    with worker.app_context():
        assert _run_one(worker) == 1
        assert [m["To"] for m in mail.outbox()] == ["one@example.org"]
        assert _run_one(worker) == 0  # gone from the queue: sent once


def test_hosts_share_one_queue_through_redis_and_the_test_deletes_only_its_own_keys(make_app):
    client = _redis_or_skip()
    name = f"mend-test-{uuid.uuid4().hex}"
    other = f"someone-elses-key-{uuid.uuid4().hex}"
    client.set(other, "kept")
    web = _host(make_app, JOBS_BACKEND="redis", JOBS_REDIS_URL=REDIS_URL, JOBS_QUEUE_NAME=name)
    worker = _host(make_app, JOBS_BACKEND="redis", JOBS_REDIS_URL=REDIS_URL, JOBS_QUEUE_NAME=name)
    try:
        _queue_a_message(web, "two@example.org")
        with worker.app_context():
            assert _run_one(worker) == 1
            assert [m["To"] for m in mail.outbox()] == ["two@example.org"]
    finally:
        worker.extensions["mend_jobs"].huey.storage.flush_all()
        assert client.get(other) == b"kept"
        client.delete(other)


@jobs.job("tests.write_then_maybe_fail")
def _write_then_maybe_fail(user_id: int, fail: bool) -> None:
    from recovery import audit

    audit.record(user_id, "notify.sent", "test")
    if fail:
        raise RuntimeError("the job failed half-way")


def test_a_job_commits_once_when_it_succeeds_and_saves_nothing_when_it_fails(make_app):
    app = make_app()  # made after the job above was declared, so its queue knows it
    with app.app_context():
        user_id = factories.make_user().id
        db.session.commit()  # the job runs in a session of its own, as on a consumer
        runner = app.extensions["mend_jobs"].tasks["tests.write_then_maybe_fail"]
        with pytest.raises(RuntimeError):
            runner.call_local(user_id, True)
        runner.call_local(user_id, False)
        kinds = db.session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.user_id == user_id,
                                                                      AuditEvent.kind == "notify.sent")).all()
        assert kinds == ["test"]
