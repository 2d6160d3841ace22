"""SECURITY.md 25: one reset link, used by many processes at once, changes the password once.

Each process is a separate app with its own database connections, as gunicorn's workers are; they
wait at a barrier, then post a new password with the same link at the same moment. The suite's
database is used, so this runs on SQLite by default and on PostgreSQL when the suite runs there.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from recovery.accounts import services
from recovery.accounts.models import AuditEvent, PasswordReset
from recovery.db import db
from recovery.errors import Refused
from tests.processes import at_once, dispose, worker_app

PROCESSES = 6


def _use(url: str, instance: str, path: str, password: str, barrier, results) -> None:
    """Open a fresh app, wait for the others, then post a new password with the link; report the answer."""
    app = worker_app(url, instance)
    client = app.test_client()
    try:
        barrier.wait(timeout=60)
        response = client.post(path, data={"password": password, "password_again": password})
        results.put((response.status_code, ""))
    except Exception as error:  # noqa: BLE001 - any failure in a worker is reported, not lost
        results.put(("error", repr(error)))
    finally:
        dispose(app)


def test_concurrent_uses_of_one_reset_link_change_the_password_once(app, database_url, tmp_path, make_user):
    """SECURITY.md 25: six simultaneous resets with one link: one change, five refusals, no errors."""
    user = make_user()
    token = services.create_reset_token(user)
    answers = at_once(_use, [(database_url, str(tmp_path / f"w{n}"), f"/reset/{token}", f"a new passphrase number {n}")
                             for n in range(PROCESSES)])
    codes = sorted(code for code, _ in answers)
    assert codes.count(302) == 1 and all(code in (302, 404, 422) for code in codes), answers
    db.session.expire_all()
    resets = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                               .where(AuditEvent.user_id == user.id, AuditEvent.kind == "password.reset"))
    assert resets == 1


def test_a_lost_race_is_refused_like_a_used_link(app, make_user, monkeypatch):
    """A request that found the link unused, but lost it to another request before claiming it, changes nothing."""
    user = make_user()
    token = services.create_reset_token(user)
    db.session.commit()
    before = user.password_hash
    row = services.find_reset(token)
    # Another worker uses the link after this request read it: this request still holds what it read.
    db.session.execute(sa.update(PasswordReset).where(PasswordReset.id == row.id)
                       .values(used_at=sa.func.current_timestamp()).execution_options(synchronize_session=False))
    monkeypatch.setattr(services, "find_reset", lambda _token, now=None: row)
    with pytest.raises(Refused, match="already used"):
        services.reset_password(token, "a new passphrase for me")
    db.session.rollback()
    db.session.expire_all()
    assert user.password_hash == before
