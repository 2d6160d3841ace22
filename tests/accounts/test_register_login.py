"""Registration and login, through the services and over HTTP."""

import pytest
import sqlalchemy as sa

from recovery.accounts import services
from recovery.accounts.models import AuditEvent, LoginThrottle, User, UserSession
from recovery.db import db
from recovery.errors import Refused
from tests.conftest import row_counts
from tests.factories import PASSWORD

GOOD = {
    "display_name": "Robin",
    "email": "robin@example.org",
    "password": PASSWORD,
    "password_again": PASSWORD,
    "role": "person",
    "timezone": "Europe/Paris",
}


def test_register_creates_account_then_login(client):
    """Registering makes an account in the chosen role and time zone; the user can also log in with the password.

    (With mail, the answer is "check your email", whose link signs in: tests/accounts/test_sign_in_link.py.)
    """
    r = client.post("/register", data=GOOD)
    assert r.status_code == 200 and "Check your email to start" in r.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == "robin@example.org"))
    assert user.role == "person" and user.timezone == "Europe/Paris" and user.display_name == "Robin"
    assert user.password_hash.startswith("$argon2id$")
    login_page = client.get("/login").get_data(as_text=True)
    assert "robin@example.org" not in login_page  # the email is not kept in the cookie for the login form
    r = client.post("/login", data={"email": "ROBIN@example.org ", "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"].endswith("/home")
    assert "Hello, Robin" in client.get("/home").get_data(as_text=True)


def test_register_answers_the_same_for_a_known_email(client, make_user):
    """SECURITY.md 4: registering with a used email answers exactly like a new one, and creates nothing."""
    make_user(email="taken@example.org")
    fresh = client.post("/register", data={**GOOD, "email": "new@example.org"})
    before = row_counts()["users"]
    known = client.post("/register", data={**GOOD, "email": "taken@example.org"})
    assert known.status_code == fresh.status_code == 200
    assert (known.get_data(as_text=True).replace("taken@example.org", "")
            == fresh.get_data(as_text=True).replace("new@example.org", ""))
    assert row_counts()["users"] == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"display_name": ""}, "what to call you"),
        ({"display_name": "x" * 10_000}, "60 characters"),
        ({"email": ""}, "enter your email"),
        ({"email": "not-an-email"}, "look like an email"),
        ({"email": "a" * 10_000 + "@example.org"}, "too long"),
        ({"role": "admin"}, "Please choose one of the options shown"),
        ({"role": ""}, "choose one"),
        ({"timezone": "Mars/Olympus"}, "time zone from the list"),
        ({"timezone": ""}, "time zone from the list"),
        ({"password": "short", "password_again": "short"}, "at least 12"),
        ({"password": "x" * 10_000, "password_again": "x" * 10_000}, "128 characters"),
        ({"password": "password1234", "password_again": "password1234"}, "very common"),
        ({"password_again": "something else entirely"}, "don't match"),
        ({"display_name": "Rob\x07in"}, "invisible characters"),
    ],
)
def test_register_bad_input_keeps_typing_and_saves_nothing(client, change, message):
    """Bad registration input shows the form again with a clear message, keeps what was typed, saves nothing."""
    data = {**GOOD, **change}
    r = client.post("/register", data=data)
    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert message.lower() in body.lower().replace("&#39;", "'")
    assert row_counts()["users"] == 0
    if change.get("display_name") is None:
        assert 'value="Robin"' in body
    if "email" not in change:
        assert 'value="robin@example.org"' in body
    assert PASSWORD not in body  # passwords are never echoed back


def test_register_service_refuses_bad_role_and_zone(app):
    """The service itself refuses a role or time zone outside the lists."""
    with pytest.raises(Refused):
        services.register("A", "a@example.org", PASSWORD, "admin", "UTC")
    with pytest.raises(Refused):
        services.register("A", "a@example.org", PASSWORD, "person", "Nowhere/Land")


def test_login_wrong_password_and_unknown_email_answer_the_same(client, make_user):
    """SECURITY.md 4: a wrong password and an unknown email get the same answer."""
    user = make_user()
    wrong = client.post("/login", data={"email": user.email, "password": "not the right one at all"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "not the right one at all"})
    assert wrong.status_code == unknown.status_code == 422
    strip = lambda r: r.get_data(as_text=True).replace(user.email, "").replace("nobody@example.org", "")  # noqa: E731
    assert strip(wrong) == strip(unknown)


def test_login_throttle_refuses_attempt_n_plus_one_even_with_right_password(client, app, make_user):
    """SECURITY.md 3: after N failures, attempt N+1 is refused even with the right password."""
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert client.post("/login", data={"email": user.email, "password": "wrong password here"}).status_code == 422
    r = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert r.status_code == 422 and "Too many tries" in r.get_data(as_text=True)
    assert row_counts()["user_sessions"] == 0
    kinds = set(db.session.scalars(sa.select(AuditEvent.kind).where(AuditEvent.user_id == user.id)))
    assert {"login.failed", "login.locked"} <= kinds


def test_login_throttle_is_shared_across_app_instances(make_app, make_user):
    """SECURITY.md 3: the counter lives in the database, so another worker sees the lock."""
    worker_a = make_app()
    worker_b = make_app()
    with worker_a.app_context():
        user = make_user()
        email = user.email
        for _ in range(worker_a.config["LOGIN_MAX_FAILURES"]):
            worker_a.test_client().post("/login", data={"email": email, "password": "wrong password here"})
    with worker_b.app_context():
        r = worker_b.test_client().post("/login", data={"email": email, "password": PASSWORD})
        assert "Too many tries" in r.get_data(as_text=True)


def test_unknown_email_is_throttled_the_same_way(client, app):
    """SECURITY.md 4: unknown emails lock out too, so a lock reveals nothing."""
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": "ghost@example.org", "password": "wrong password here"})
    r = client.post("/login", data={"email": "ghost@example.org", "password": "wrong password here"})
    assert "Too many tries" in r.get_data(as_text=True)
    # One counter for the email from this address, one for the email from everywhere (tests/accounts/test_lockout.py).
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginThrottle)) == 2


def test_lock_expires(app, make_user):
    """A lock ends after the lockout time and the right password works again."""
    from datetime import timedelta

    from recovery.db import utcnow

    user = make_user()
    start = utcnow()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        services.record_failed_login(user.email, start)
    assert services.is_locked(user.email, start + timedelta(minutes=1))
    assert not services.is_locked(user.email, start + app.config["LOGIN_LOCKOUT"] + timedelta(seconds=1))


def test_successful_login_clears_failures(client, make_user):
    """A good login forgets earlier failures from its address; the account-wide count keeps only the failure."""
    user = make_user()
    client.post("/login", data={"email": user.email, "password": "wrong password here"})
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    rows = {row.key: row.failures for row in db.session.scalars(sa.select(LoginThrottle))}
    assert rows == {services.throttle_key(user.email): 1}


@pytest.mark.parametrize("data", [{}, {"email": "", "password": ""}, {"email": "a" * 10_000, "password": "b" * 10_000}])
def test_login_bad_input(client, data):
    """Empty or huge login input gives the form again, never a 500."""
    r = client.post("/login", data=data)
    assert r.status_code == 422
    assert row_counts()["user_sessions"] == 0


def test_auth_routes_are_rate_limited_per_address(make_app, make_user):
    """SECURITY.md 3: Flask-Limiter refuses a burst of POSTs from one address with a 429 page."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="3 per minute", RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        client = app.test_client()
        codes = [client.post("/login", data={"email": "x@example.org", "password": "y" * 12}).status_code
                 for _ in range(4)]
        assert codes[:3] == [422, 422, 422] and codes[3] == 429
        assert "slow down" in client.post("/login", data={}).get_data(as_text=True)


def test_logged_in_user_is_sent_home_from_login_and_register(client, make_user, login):
    """Signed-in users don't see the login or register forms."""
    login(client, make_user())
    assert client.get("/login").status_code == 302
    assert client.get("/register").status_code == 302


def test_login_next_redirect_is_local_only(client, make_user):
    """SECURITY.md 15: next= only leads to a local path."""
    user = make_user()
    r = client.post("/login?next=https://evil.example/x", data={"email": user.email, "password": PASSWORD})
    assert r.headers["Location"].endswith("/home")
    client.post("/logout")
    r = client.post("/login?next=/circle/", data={"email": user.email, "password": PASSWORD})
    assert r.headers["Location"].endswith("/circle/")


def test_login_creates_one_session_row(client, make_user):
    """SECURITY.md 6: each login creates a server-side session row."""
    user = make_user()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    rows = list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)))
    assert len(rows) == 1 and len(rows[0].token_hash) == 64
