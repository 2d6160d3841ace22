"""Server-side sessions: logout, replayed cookies, timeouts, listing and revoking."""

from datetime import timedelta

import sqlalchemy as sa

from recovery.accounts import services
from recovery.accounts.models import UserSession
from recovery.db import db, utcnow
from tests.conftest import row_counts
from tests.factories import PASSWORD


def _cookie(client, app):
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="mend.test").value


def test_logout_deletes_the_row_and_a_replayed_cookie_is_refused(app, client, make_user, login):
    """SECURITY.md 6: logout deletes the session row; the old cookie no longer logs anyone in."""
    login(client, make_user())
    old = _cookie(client, app)
    assert client.get("/home").status_code == 200
    client.post("/logout")
    assert row_counts()["user_sessions"] == 0
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], old, domain="mend.test")
    r = replay.get("/home")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_login_starts_from_a_clear_session(app, client, make_user):
    """SECURITY.md 6: logging in clears whatever the old session held (no fixation)."""
    user = make_user()
    with client.session_transaction() as s:
        s["planted"] = "by someone else"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as s:
        assert "planted" not in s and "sid" in s


def test_password_change_ends_other_sessions_only(app, make_user, as_user):
    """SECURITY.md 6: changing the password logs out every other device, not this one."""
    user = make_user()
    phone, laptop = as_user(user), as_user(user)
    r = laptop.post("/settings/password", data={"current_password": PASSWORD, "new_password": "a brand new passphrase",
                                                 "new_password_again": "a brand new passphrase"})
    assert r.status_code == 302
    assert laptop.get("/home").status_code == 200
    assert phone.get("/home").status_code == 302
    assert row_counts()["user_sessions"] == 1


def test_password_change_needs_the_current_password(client, make_user, login):
    """A wrong current password changes nothing and says so beside the field."""
    user = make_user()
    login(client, user)
    before = user.password_hash
    r = client.post("/settings/password", data={"current_password": "not my password",
                                                "new_password": "a brand new passphrase",
                                                "new_password_again": "a brand new passphrase"})
    assert r.status_code == 422 and "current password" in r.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == before


def test_idle_timeout(app, client, make_user, login):
    """SECURITY.md 6: a session unused for longer than the idle timeout ends."""
    login(client, make_user())
    row = db.session.scalar(sa.select(UserSession))
    row.last_seen_at = utcnow() - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(seconds=5)
    db.session.commit()
    assert client.get("/home").status_code == 302
    assert row_counts()["user_sessions"] == 0


def test_absolute_timeout(app, client, make_user, login):
    """SECURITY.md 6: a session ends after the absolute timeout however active it is."""
    login(client, make_user())
    row = db.session.scalar(sa.select(UserSession))
    row.created_at = utcnow() - app.config["SESSION_ABSOLUTE_TIMEOUT"] - timedelta(seconds=5)
    db.session.commit()
    assert client.get("/home").status_code == 302


def test_timeouts_are_configurable(make_app, make_user):
    """SECURITY.md 6: idle and absolute timeouts come from configuration."""
    app = make_app(SESSION_IDLE_TIMEOUT=timedelta(minutes=5), SESSION_ABSOLUTE_TIMEOUT=timedelta(hours=1))
    with app.app_context():
        user = make_user()
        token = services.start_session(user)
        db.session.commit()
        now = utcnow()
        assert services.check_session(token, now + timedelta(minutes=4))[0] is not None
        db.session.rollback()
        assert services.check_session(token, now + timedelta(minutes=6))[0] is None


def test_activity_keeps_a_session_alive(app, make_user):
    """Using Mend moves the idle clock forward."""
    user = make_user()
    token = services.start_session(user)
    db.session.commit()
    later = utcnow() + timedelta(minutes=20)
    assert services.check_session(token, later)[0] is not None
    db.session.commit()
    assert services.check_session(token, later + timedelta(minutes=20))[0] is not None


def test_list_and_revoke_sessions(app, make_user, as_user):
    """SECURITY.md 6: a user sees their devices and can log one out."""
    user = make_user()
    phone, laptop = as_user(user), as_user(user)
    page = laptop.get("/settings/sessions").get_data(as_text=True)
    assert page.count('/revoke"') == 2 and "This device" in page
    other = db.session.scalars(sa.select(UserSession).order_by(UserSession.id)).first()
    assert laptop.post(f"/settings/sessions/{other.id}/revoke").status_code == 302
    assert phone.get("/home").status_code == 302
    assert laptop.get("/home").status_code == 200


def test_revoke_others(app, make_user, as_user):
    """'Log out everywhere else' keeps only this device."""
    user = make_user()
    a, b, c = as_user(user), as_user(user), as_user(user)
    c.post("/settings/sessions/revoke-others")
    assert a.get("/home").status_code == 302 and b.get("/home").status_code == 302
    assert c.get("/home").status_code == 200


def test_cannot_revoke_someone_elses_session(app, make_user, as_user):
    """SECURITY.md 10: another user's session id is not found, and stays."""
    victim = make_user()
    as_user(victim)
    victim_row = db.session.scalar(sa.select(UserSession))
    attacker = as_user(make_user())
    assert attacker.post(f"/settings/sessions/{victim_row.id}/revoke").status_code == 404
    assert db.session.get(UserSession, victim_row.id) is not None


def test_profile_edit_and_bad_timezone(client, make_user, login):
    """Name and time zone can be changed; a bad zone or empty name is refused and what was typed is kept."""
    user = make_user()
    login(client, user)
    assert client.post("/settings", data={"display_name": "New Name", "timezone": "Asia/Tokyo"}).status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.timezone) == ("New Name", "Asia/Tokyo")
    r = client.post("/settings", data={"display_name": "Kept Name", "timezone": "Nowhere/City"})
    assert r.status_code == 422 and 'value="Kept Name"' in r.get_data(as_text=True)
    r = client.post("/settings", data={"display_name": "", "timezone": "UTC"})
    assert r.status_code == 422
    db.session.refresh(user)
    assert (user.display_name, user.timezone) == ("New Name", "Asia/Tokyo")


def test_email_change_needs_the_password(client, make_user, login):
    """SECURITY.md 8: changing the email asks for the password again."""
    user = make_user()
    other = make_user()
    login(client, user)
    r = client.post("/settings/email", data={"email": "new@example.org", "password": "wrong password here"})
    assert r.status_code == 422
    r = client.post("/settings/email", data={"email": other.email, "password": PASSWORD})
    assert r.status_code == 422 and "can't be used" in r.get_data(as_text=True).replace("&#39;", "'")
    assert client.post("/settings/email", data={"email": "New@Example.org", "password": PASSWORD}).status_code == 302
    db.session.refresh(user)
    assert user.email == "new@example.org"


def test_pages_behind_login_redirect_anonymous_users(client):
    """Pages behind login send visitors to the login page, keeping where they were going."""
    for path in ("/home", "/circle/", "/settings", "/settings/sessions", "/circle/invite", "/circle/access-log"):
        r = client.get(path)
        assert r.status_code == 302 and "/login" in r.headers["Location"], path


def test_the_cookie_is_sent_again_only_when_the_session_changes(app, client, make_user, login):
    """A page that changes nothing in the session sends no new cookie (re-signing it on every response
    costs time and changes nothing: the cookie already lasts as long as the session row may). Logging
    out still clears it."""
    name = app.config["SESSION_COOKIE_NAME"]
    login(client, make_user())
    client.get("/home")  # the first page puts the form token in the session: one new cookie
    again = client.get("/home")
    assert again.status_code == 200
    assert not [h for h in again.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    out = client.post("/logout")
    assert [h for h in out.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
