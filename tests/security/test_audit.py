"""SECURITY.md 18: audit events for login ok/failed, grant, revoke, export and delete, with no content."""

from __future__ import annotations

import sqlalchemy as sa

from recovery.accounts.models import AuditEvent
from recovery.db import db
from tests.conftest import PASSWORD
from tests.security.logcapture import SENTINEL, logged_text, sentinel_in


def _audit_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "mend.audit"]


def test_each_security_event_is_audited_without_content(app, make_user, make_connection, all_logs):
    """SECURITY.md 18: login ok/failed, grant, revoke, export and delete are audited; no event holds content."""
    person = make_user("person", name=f"Name {SENTINEL}")
    person_id, email = person.id, person.email
    connection = make_connection(person)
    web = app.test_client()
    assert web.post("/login", data={"email": email, "password": f"wrong {SENTINEL}"}).status_code == 422
    assert web.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    field = f"c{connection.id}-areas"
    web.post(f"/circle/{connection.id}/sharing", data={field: ["tracker", "amends"]})
    web.post(f"/circle/{connection.id}/sharing", data={field: ["amends"]})
    web.post("/tracker/wins", data={"win-text": f"A win {SENTINEL}"})
    assert web.post("/settings/export", data={"password": PASSWORD, "format": "json"}).status_code == 200

    rows = db.session.execute(sa.select(AuditEvent.kind, AuditEvent.detail)
                              .where(AuditEvent.user_id == person_id)).all()
    kinds = {kind for kind, _ in rows}
    assert {"login.failed", "login.ok", "share.grant", "share.revoke", "export"} <= kinds
    assert not sentinel_in(repr(rows))

    assert web.post("/settings/delete", data={"password": PASSWORD, "confirm": "DELETE"}).status_code == 302
    # The deleted account's rows went with it; its deletion is in the host's audit log, by number only.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.user_id == person_id)) == 0
    lines = _audit_lines(all_logs)
    assert f"audit delete account={person_id}" in lines
    for kind in ("login.failed", "login.ok", "share.grant", "share.revoke", "export"):
        assert any(line.startswith(f"audit {kind} account={person_id}") for line in lines), kind
    assert not sentinel_in(logged_text(all_logs))
    assert email not in logged_text(all_logs)


def test_a_refused_deletion_is_neither_done_nor_logged(app, make_user, as_user, all_logs):
    """SECURITY.md 18/20: events are logged when their change commits, so a wrong password logs no deletion."""
    person = make_user("person")
    person_id = person.id
    web = as_user(person)
    response = web.post("/settings/delete", data={"password": "not the password", "confirm": "DELETE"})
    assert response.status_code == 422
    assert db.session.get(type(person), person.id) is not None
    assert not [line for line in _audit_lines(all_logs) if line.startswith("audit delete")]
    # The same request with the password is done, and logged once.
    assert web.post("/settings/delete", data={"password": PASSWORD, "confirm": "DELETE"}).status_code == 302
    assert [line for line in _audit_lines(all_logs) if line.startswith("audit delete")] == [
        f"audit delete account={person_id}"]


def test_an_event_inside_a_released_savepoint_is_logged_only_when_the_request_commits(app, make_user, all_logs):
    """SECURITY.md 18: releasing a savepoint is not a commit; a later rollback leaves no audit line."""
    from recovery import audit

    person = make_user("person")
    audit.record(person.id, "calendar.create")
    with db.session.begin_nested():
        audit.record(person.id, "calendar.revoke")
    assert not [line for line in _audit_lines(all_logs) if line.startswith("audit calendar")]
    db.session.rollback()
    assert not [line for line in _audit_lines(all_logs) if line.startswith("audit calendar")]
    audit.record(person.id, "calendar.create")
    db.session.commit()
    assert _audit_lines(all_logs)[-1:] == [f"audit calendar.create account={person.id}"]
