"""SECURITY.md 30: re-entering the password (export, deletion, email change) is throttled and audited like login."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.accounts.models import AuditEvent, LoginThrottle, User
from recovery.db import db, utcnow
from tests.factories import PASSWORD
from tests.forms import form_data

WRONG = "not my password at all"


def _export(client, password):
    data = form_data(client.get("/settings/export").get_data(as_text=True), password=password)
    data["format"] = "json"  # the button the person clicks
    return client.post("/settings/export", data=data)


def _delete(client, password):
    page = client.get("/settings/delete").get_data(as_text=True)
    return client.post("/settings/delete", data=form_data(page, password=password, confirm="DELETE"))


def _email(client, password):
    page = client.get("/settings/email").get_data(as_text=True)
    return client.post("/settings/email", data=form_data(page, password=password, email="moved@example.org"))


def _done(action, user_id: int, response) -> bool:
    """Whether the action really happened."""
    db.session.expire_all()
    user = db.session.get(User, user_id)
    return {
        "export": response.mimetype == "application/json",
        "delete": user is None,
        "email": user is not None and user.email == "moved@example.org",
    }[action]


ACTIONS = {"export": _export, "delete": _delete, "email": _email}


def _kinds(user_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.kind).where(AuditEvent.user_id == user_id)
                                   .order_by(AuditEvent.id)))


@pytest.mark.parametrize("action", list(ACTIONS))
def test_after_n_wrong_passwords_even_the_right_one_is_refused(app, make_user, as_user, action):
    """SECURITY.md 30: after N wrong passwords, attempt N+1 is refused even with the right one; all audited."""
    limit = app.config["LOGIN_MAX_FAILURES"]
    user = make_user()
    client = as_user(user)
    for _ in range(limit):
        wrong = ACTIONS[action](client, WRONG)
        assert wrong.status_code == 422
        assert not _done(action, user.id, wrong)
    refused = ACTIONS[action](client, PASSWORD)
    assert refused.status_code == 422
    assert "Too many wrong passwords" in refused.get_data(as_text=True)
    assert not _done(action, user.id, refused)
    kinds = _kinds(user.id)
    assert kinds.count("reauth.failed") == limit - 1 and kinds.count("reauth.locked") == 1
    details = db.session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.kind.like("reauth.%"))).all()
    assert set(details) == {""}  # no content, and never the password typed


@pytest.mark.parametrize("action", list(ACTIONS))
def test_once_the_pause_is_over_the_right_password_works(app, make_user, as_user, action):
    """The pause lasts LOGIN_LOCKOUT, as for login; then the right password works and clears the count."""
    user = make_user()
    user_id, client = user.id, as_user(user)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        ACTIONS[action](client, WRONG)
    db.session.execute(sa.update(LoginThrottle).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = ACTIONS[action](client, PASSWORD)
    assert response.status_code in (200, 302)
    assert _done(action, user_id, response)


def test_a_right_password_before_the_limit_clears_the_count(app, make_user, as_user):
    """Failures count within a run of wrong passwords: a right one starts the count again."""
    user = make_user()
    client = as_user(user)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        assert _export(client, WRONG).status_code == 422
    assert _export(client, PASSWORD).status_code == 200
    for _ in range(limit - 1):
        assert _export(client, WRONG).status_code == 422
    assert _export(client, PASSWORD).status_code == 200


def test_failures_across_actions_share_one_count(app, make_user, as_user):
    """Wrong passwords on export, deletion and email change add up; the pause then covers every one of them."""
    user = make_user()
    client = as_user(user)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for i in range(limit):
        list(ACTIONS.values())[i % 3](client, WRONG)
    for action, do in ACTIONS.items():
        response = do(client, PASSWORD)
        assert response.status_code == 422 and not _done(action, user.id, response), action
    page = client.get("/settings/password").get_data(as_text=True)
    new = "a brand new passphrase"
    changed = client.post("/settings/password", data=form_data(
        page, current_password=PASSWORD, new_password=new, new_password_again=new))
    assert changed.status_code == 422 and "Too many wrong passwords" in changed.get_data(as_text=True)


def test_another_users_throttle_is_unaffected(app, make_user, as_user):
    """One account's pause is its own: another user still confirms with their password, and logs in."""
    locked, other = make_user(), make_user()
    locked_client, other_client = as_user(locked), as_user(other)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _export(locked_client, WRONG)
    assert _export(locked_client, PASSWORD).status_code == 422
    assert _export(other_client, PASSWORD).status_code == 200
    assert "reauth.failed" not in _kinds(other.id)
    # Re-authentication has its own key: the locked user can still log in elsewhere.
    assert app.test_client().post("/login", data={"email": locked.email, "password": PASSWORD}).status_code == 302


def test_reauth_failures_are_limited_per_address(make_app, make_user):
    """Flask-Limiter's per-address limit (RATELIMIT_AUTH) covers the re-authentication forms too."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="3 per minute", LOGIN_MAX_FAILURES=100)
    with app.app_context():
        user = make_user()
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        codes = [_export(client, WRONG).status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]


def test_wrong_passwords_on_the_password_change_page_are_counted_too(app, make_user, as_user):
    """SECURITY.md 30: the password change form counts and audits a wrong current password like the others."""
    user = make_user()
    client = as_user(user)
    new = "a brand new passphrase"
    for _ in range(2):
        page = client.get("/settings/password").get_data(as_text=True)
        r = client.post("/settings/password", data=form_data(page, current_password=WRONG, new_password=new,
                                                             new_password_again=new))
        assert r.status_code == 422
    assert _kinds(user.id).count("reauth.failed") == 2
    from recovery.accounts.services import throttle_key

    row = db.session.get(LoginThrottle, throttle_key(f"reauth:{user.id}"))
    assert row is not None and row.failures == 2
