"""Password reset by email link and by the command line."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.accounts import services
from recovery.accounts.models import PasswordReset, User
from recovery.circle import services as circle
from recovery.db import db, utcnow
from recovery.mail import outbox
from tests.conftest import row_counts
from tests.factories import PASSWORD
from tests.forms import form_data

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
    """With no email configured, the page says to ask whoever runs Mend before anything is typed; never "Check
    your email"; and a post that still arrives (an old tab) makes no token."""
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER=None)
    with app.app_context():
        user = make_user()
        client = app.test_client()
        page = client.get("/reset").get_data(as_text=True)
        assert "ask the person who runs this Mend" in page
        assert 'name="email"' not in page  # no form that could not send anything
        assert "check your email" not in page.lower()
        r = client.post("/reset", data={"email": user.email})
        answer = r.get_data(as_text=True)
        assert "ask the person who runs this Mend" in answer and "check your email" not in answer.lower()
        assert row_counts()["password_resets"] == 0


def test_reset_with_mail_offers_the_form(client):
    """With email set up, the reset page asks for the email address."""
    page = client.get("/reset").get_data(as_text=True)
    assert form_data(page, email="robin@example.org")["email"] == ["robin@example.org"]
    assert "ask the person who runs this Mend" not in page


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


def _page(web, path: str) -> str:
    resp = web.get(path)
    assert resp.status_code == 200, path
    return resp.get_data(as_text=True)


def _request_link(web, email: str) -> str:
    """Ask for a reset link through the real form; return the path of the link that was mailed."""
    assert web.post("/reset", data=form_data(_page(web, "/reset"), email=email)).status_code == 200
    return _link_from_mail().split("mend.test", 1)[1]


def _change_password(web) -> None:
    data = form_data(_page(web, "/settings/password"), current_password=PASSWORD, new_password=NEW,
                     new_password_again=NEW)
    assert web.post("/settings/password", data=data).status_code == 302


def _change_email(web) -> None:
    data = form_data(_page(web, "/settings/email"), email="moved@example.org", password=PASSWORD)
    assert web.post("/settings/email", data=data).status_code == 302


def _complete_another_reset(web, email: str) -> None:
    path = _request_link(web, email)
    data = form_data(_page(web, path), password=NEW, password_again=NEW)
    assert web.post(path, data=data).status_code == 302


@pytest.mark.parametrize("change", ["password change", "email change", "another reset"])
def test_a_change_voids_every_outstanding_reset_link(app, make_user, as_user, change):
    """SECURITY.md 29: after a password change, an email change or a completed reset, an older link is refused."""
    user = make_user()
    email = user.email
    web = as_user(user)
    old = _request_link(app.test_client(), email)
    assert app.test_client().get(old).status_code == 200  # live until the change
    if change == "password change":
        _change_password(web)
    elif change == "email change":
        _change_email(web)
    else:
        _complete_another_reset(app.test_client(), email)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordReset)
                             .where(PasswordReset.used_at.is_(None))) == 0
    # The same answer as a link that never existed, and the old link changes nothing.
    stranger = app.test_client()
    invalid = stranger.get("/reset/no-such-token")
    refused = stranger.get(old)
    assert refused.status_code == invalid.status_code == 404
    assert refused.get_data(as_text=True) == invalid.get_data(as_text=True)
    before = db.session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    again = "yet another new passphrase"
    assert stranger.post(old, data={"password": again, "password_again": again}).status_code == 404
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.password_hash).where(User.id == user.id)) == before


def test_an_unchanged_email_keeps_the_reset_link(app, make_user, as_user):
    """Saving the email form with the same address changes nothing, so a pending link still works."""
    user = make_user()
    web = as_user(user)
    old = _request_link(app.test_client(), user.email)
    data = form_data(_page(web, "/settings/email"), password=PASSWORD)
    assert web.post("/settings/email", data=data).status_code == 302
    assert app.test_client().get(old).status_code == 200


def test_reset_link_cli_uses_the_configured_base_url(app, make_user):
    """SECURITY.md 24: without --base-url, `flask reset-link` prints a link under BASE_URL."""
    user = make_user()
    result = app.test_cli_runner().invoke(args=["reset-link", user.email])
    assert result.exit_code == 0, result.output
    assert app.config["BASE_URL"].rstrip("/") + "/reset/" in result.output
