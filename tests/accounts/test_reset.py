"""Password reset by email link and by the command line."""

from datetime import timedelta

import sqlalchemy as sa

from recovery.accounts import services
from recovery.accounts.models import PasswordReset
from recovery.circle import services as circle
from recovery.db import db, utcnow
from recovery.mail import outbox
from tests.conftest import row_counts
from tests.factories import PASSWORD

NEW = "a completely new passphrase"


def _link_from_mail():
    body = outbox()[-1].get_content()
    return next(line for line in body.splitlines() if "/reset/" in line).strip()


def test_reset_by_email_round_trip(app, client, make_user, as_user):
    """A reset link sets a new password once, ends every session, and the new password works."""
    user = make_user()
    device = as_user(user)
    r = client.post("/reset", data={"email": user.email})
    assert r.status_code == 200 and "link is on its way" in r.get_data(as_text=True)
    link = _link_from_mail()
    path = link.split("mend.test", 1)[1]
    assert client.get(path).status_code == 200
    assert client.post(path, data={"password": NEW, "password_again": NEW}).status_code == 302
    assert device.get("/home").status_code == 302  # every session ended
    assert client.post("/login", data={"email": user.email, "password": NEW}).status_code == 302
    # SECURITY.md 5: the link works once.
    assert app.test_client().get(path).status_code == 404


def test_reset_answers_the_same_for_unknown_email(client, make_user):
    """SECURITY.md 4: asking for a reset says the same for known and unknown emails."""
    user = make_user()
    known = client.post("/reset", data={"email": user.email}).get_data(as_text=True)
    unknown = client.post("/reset", data={"email": "nobody@example.org"}).get_data(as_text=True)
    assert known == unknown
    assert len(outbox()) == 1


def test_reset_token_is_stored_hashed_and_expires(app, make_user):
    """SECURITY.md 5: only a hash is stored, and an expired token fails."""
    user = make_user()
    token = services.create_reset_token(user)
    db.session.commit()
    row = db.session.scalar(sa.select(PasswordReset))
    assert token not in row.token_hash
    assert services.find_reset(token) is not None
    assert services.find_reset(token, utcnow() + app.config["RESET_TOKEN_LIFETIME"] + timedelta(seconds=1)) is None


def test_expired_reset_link_page(app, client, make_user):
    """An expired link shows a kind page and changes nothing."""
    user = make_user()
    token = services.create_reset_token(user)
    row = db.session.scalar(sa.select(PasswordReset))
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    before = user.password_hash
    assert client.get(f"/reset/{token}").status_code == 404
    assert client.post(f"/reset/{token}", data={"password": NEW, "password_again": NEW}).status_code == 404
    db.session.refresh(user)
    assert user.password_hash == before


def test_reset_token_is_not_an_invitation_and_back(app, client, make_user):
    """SECURITY.md 5: tokens are bound to their purpose."""
    user = make_user()
    reset_token = services.create_reset_token(user)
    _, invite_token = circle.create_invitation(user, "friend")
    db.session.commit()
    assert circle.find_invitation(reset_token) is None
    assert services.find_reset(invite_token) is None
    assert client.get(f"/circle/join/{reset_token}").status_code == 404
    assert client.get(f"/reset/{invite_token}").status_code == 404


def test_reset_bad_new_password_keeps_the_link_usable(client, make_user):
    """A weak new password is refused and the link still works for a good one."""
    user = make_user()
    token = services.create_reset_token(user)
    db.session.commit()
    r = client.post(f"/reset/{token}", data={"password": "short", "password_again": "short"})
    assert r.status_code == 422
    assert client.post(f"/reset/{token}", data={"password": NEW, "password_again": NEW}).status_code == 302


def test_reset_without_mail_points_to_the_operator(make_app, make_user):
    """With no email configured, the page says to ask whoever runs Mend, and no token is made."""
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER=None)
    with app.app_context():
        user = make_user()
        r = app.test_client().post("/reset", data={"email": user.email})
        assert "ask the person who runs it" in r.get_data(as_text=True)
        assert row_counts()["password_resets"] == 0


def test_reset_link_cli(app, make_user):
    """`flask reset-link EMAIL` prints a working one-time link; an unknown email fails clearly."""
    user = make_user()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reset-link", user.email, "--base-url", "https://mend.example.org"])
    assert result.exit_code == 0, result.output
    link = next(w for w in result.output.split() if w.startswith("https://"))
    token = link.rsplit("/", 1)[1]
    assert link.startswith("https://mend.example.org/reset/")
    assert services.find_reset(token) is not None
    result = runner.invoke(args=["reset-link", "nobody@example.org"])
    assert result.exit_code != 0 and "No account" in result.output
    assert PASSWORD not in result.output
