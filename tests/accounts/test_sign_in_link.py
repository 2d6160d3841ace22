"""Sign-up signs you in: the one-time link mailed after sign-up (issue 16 item 13; SECURITY.md 4, 5, 24, 25, 29).

With mail, signing up answers "check your email" whether or not the address had an account; a new
account's email holds a link whose page has one button that logs in. Without mail, the old way stays.
"""

from __future__ import annotations

import html as html_text
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from recovery import mail, yourdata
from recovery.accounts import services
from recovery.accounts.models import LOVED_ONE, AuditEvent, KnownDevice, SignInLink, User, UserSession
from recovery.circle import services as circle
from recovery.circle.models import Connection
from recovery.db import db, utcnow
from recovery.errors import Refused
from recovery.security import hash_token
from tests.conftest import row_counts
from tests.factories import PASSWORD
from tests.forms import form_data, forms_in
from tests.processes import at_once, dispose, worker_app

NEW = "a completely new passphrase"


# --- Helpers: everything goes through the real pages and forms ----------------------------------------


def _page(web, path: str, status: int = 200) -> str:
    response = web.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def _sign_up(web, email: str, name: str = "Robin", path: str = "/register", role: str = "person"):
    """Fill the sign-up form from its page and post it to the form's own action."""
    html = _page(web, path)
    action = next(f.action for f in forms_in(html) if f.action.startswith("/register"))
    fields = {"display_name": name, "email": email, "password": PASSWORD, "password_again": PASSWORD}
    if role:
        fields["role"] = role
    return web.post(action, data=form_data(html, action=action, **fields))


def _mails_to(email: str) -> list:
    return [m for m in mail.outbox() if m["To"] == email]


def _link_in(message) -> str:
    """The sign-in link of a mailed message, as a path with its query string."""
    line = next(line for line in message.get_content().splitlines() if "/start/" in line).strip()
    assert line.startswith("http://mend.test/start/"), line
    return line.split("mend.test", 1)[1]


def _start_form(html: str) -> tuple[str, dict]:
    """The action and the fields of the page's "Start using Mend" form."""
    action = next(f.action for f in forms_in(html) if f.action.startswith("/start/"))
    return action, form_data(html, action=action)


def _press_start(web, link: str):
    """Open the link's page and press its one button."""
    action, data = _start_form(_page(web, link))
    return web.post(action, data=data)


def _signed_up(app, email: str = "robin@example.org", name: str = "Robin") -> str:
    """Sign up through the form and return the path of the mailed link."""
    assert _sign_up(app.test_client(), email, name).status_code == 200
    (message,) = _mails_to(email)
    return _link_in(message)


def _token(link: str) -> str:
    return urlsplit(link).path.rsplit("/", 1)[1]


def _sessions_of(email: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).join(User)
                             .where(User.email == email))


# --- Signing up with mail: the same answer for new and known emails ---------------------------------------


def test_sign_up_answers_the_same_page_for_a_new_and_a_known_email(app, client):
    """SECURITY.md 4: the second sign-up with one address gets the very same page, status and kind of answer."""
    new = _sign_up(client, "robin@example.org")
    known = _sign_up(app.test_client(), "robin@example.org", name="Someone else")
    assert new.status_code == known.status_code == 200
    assert new.get_data(as_text=True) == known.get_data(as_text=True)
    assert row_counts()["users"] == 1 and row_counts()["sign_in_links"] == 1
    body = new.get_data(as_text=True)
    assert "Check your email to start" in body and "robin@example.org" in body
    assert "one hour" in body and "spam" in body
    assert 'href="/login"' in body and 'href="/reset"' in body
    first, second = _mails_to("robin@example.org")
    assert first["Subject"] == "Start using Mend" and "/start/" in first.get_content()
    assert second["Subject"] == "Someone tried to sign up to Mend with your email"
    assert "/start/" not in second.get_content()
    assert "http://mend.test/login" in second.get_content() and "http://mend.test/reset" in second.get_content()


def test_an_earlier_account_gets_the_same_page_as_a_new_one(client, make_user):
    """SECURITY.md 4: an address that had an account long before answers like an unused one, and nothing is made."""
    make_user(email="taken@example.org")
    known = _sign_up(client, "taken@example.org").get_data(as_text=True)
    new = _sign_up(client, "fresh@example.org").get_data(as_text=True)
    assert known.replace("taken@example.org", "") == new.replace("fresh@example.org", "")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInLink)) == 1  # only the new account's
    subjects = [m["Subject"] for m in _mails_to("taken@example.org")]
    assert subjects == ["Someone tried to sign up to Mend with your email"]


def test_the_mail_holds_a_one_time_link_built_from_the_base_url(app, client):
    """SECURITY.md 24 and 5: the link comes from BASE_URL; only its hash is stored, for one hour."""
    app.config["BASE_URL"] = "https://mend.example.org/app"
    assert _sign_up(client, "robin@example.org").status_code == 200
    (message,) = _mails_to("robin@example.org")
    body = message.get_content()
    link = next(line for line in body.splitlines() if "/start/" in line).strip()
    assert link.startswith("https://mend.example.org/app/start/")
    assert "https://mend.example.org/app/login" in body
    token = _token(link)
    row = db.session.scalar(sa.select(SignInLink))
    assert row.token_hash == hash_token(token, services.SIGN_IN_PURPOSE) and token not in row.token_hash
    assert row.used_at is None
    assert timedelta(minutes=59) < row.expires_at - row.created_at <= timedelta(hours=1)
    assert "Hello Robin" in body and "works once, for one hour" in body


# --- The link's page ---------------------------------------------------------------------------------------


def test_opening_the_link_does_not_sign_in_or_use_it(app):
    """A mail scanner opens links: GET shows a button and changes nothing, however often."""
    link = _signed_up(app)
    web = app.test_client()
    before = row_counts()
    for _ in range(3):
        html = _page(web, link)
        assert "Start using Mend" in html
    assert row_counts() == before
    assert db.session.scalar(sa.select(SignInLink.used_at)) is None
    assert web.get("/home").status_code == 302  # not logged in
    assert _sessions_of("robin@example.org") == 0


def test_pressing_the_button_logs_in_like_a_login_and_lands_home(app):
    """POST uses the link, starts a session row, remembers the device, records the login, and goes home."""
    link = _signed_up(app)
    web = app.test_client()
    response = _press_start(web, link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    assert app.config["LOGIN_DEVICE_COOKIE_NAME"] in response.headers.get("Set-Cookie", "")
    home = web.get("/home")
    assert home.status_code == 200 and "Hello, Robin" in home.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == "robin@example.org"))
    assert _sessions_of(user.email) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KnownDevice)
                             .where(KnownDevice.user_id == user.id)) == 1
    events = list(db.session.execute(sa.select(AuditEvent.kind, AuditEvent.detail)
                                     .where(AuditEvent.user_id == user.id).order_by(AuditEvent.id)))
    assert [tuple(e) for e in events] == [("account.create", ""), ("login.link", "")]
    assert db.session.scalar(sa.select(SignInLink.used_at)) is not None


def test_a_used_link_no_longer_works(app):
    """SECURITY.md 5: the link works once; after that, a kind page with ways to log in or reset, and no login."""
    link = _signed_up(app)
    first = app.test_client()
    action, data = _start_form(_page(first, link))
    assert first.post(action, data=data).status_code == 302
    second = app.test_client()
    page = second.get(link)
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "doesn't work any more" in html and 'href="/login"' in html and 'href="/reset"' in html
    again = second.post(action, data=data)
    assert again.status_code == 404 and "doesn't work any more" in again.get_data(as_text=True)
    assert second.get("/home").status_code == 302
    assert _sessions_of("robin@example.org") == 1
    # Opened again where it was used: already logged in, so the page offers the way on instead.
    again = first.get(link)
    assert again.status_code == 404 and "already logged in" in again.get_data(as_text=True)
    assert 'href="/home"' in again.get_data(as_text=True)


def test_an_expired_link_no_longer_works(app):
    """SECURITY.md 5: an hour later the link is refused, on GET and POST, and nobody is logged in."""
    link = _signed_up(app)
    web = app.test_client()
    action, data = _start_form(_page(web, link))
    db.session.execute(sa.update(SignInLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert web.get(link).status_code == 404
    assert web.post(action, data=data).status_code == 404
    assert web.get("/home").status_code == 302
    assert _sessions_of("robin@example.org") == 0
    assert services.find_sign_in_link(_token(link)) is None


def test_a_reset_token_is_not_a_sign_in_link_and_the_reverse(app, client, make_user):
    """SECURITY.md 5: tokens are bound to their purpose, each in its own table."""
    user = make_user()
    reset_token = services.create_reset_token(user)
    link_token = services.create_sign_in_link(user)
    db.session.commit()
    assert services.find_sign_in_link(reset_token) is None and services.find_reset(link_token) is None
    assert client.get(f"/start/{reset_token}").status_code == 404
    assert client.post(f"/start/{reset_token}").status_code == 404
    assert client.get(f"/reset/{link_token}").status_code == 404
    assert client.post(f"/reset/{link_token}", data={"password": NEW, "password_again": NEW}).status_code == 404
    assert client.get("/home").status_code == 302
    assert services.find_reset(reset_token) is not None and services.find_sign_in_link(link_token) is not None


def test_an_invitation_token_is_not_a_sign_in_link(app, client, make_user):
    """SECURITY.md 5: a link handed to someone else for joining a circle opens no account."""
    _, invitation_token = circle.create_invitation(make_user(), "friend")
    db.session.commit()
    assert client.post(f"/start/{invitation_token}").status_code == 404
    assert client.get("/home").status_code == 302


@pytest.mark.parametrize("token", ["x", "a" * 201, "not-a-real-token", "é" * 10])
def test_odd_tokens_get_the_kind_page_never_a_500(client, token):
    """SECURITY.md 31: nonsense in the link answers 404 with the kind page, and nothing is written."""
    before = row_counts()
    for method in ("GET", "POST"):
        response = client.open(f"/start/{token}", method=method)
        assert response.status_code == 404
        assert "doesn't work any more" in response.get_data(as_text=True)
    assert row_counts() == before


def test_a_post_without_its_csrf_token_is_refused_and_keeps_the_link(make_app):
    """SECURITY.md 12: the button needs its CSRF token; without it, 400, and the link still works after."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = services.register("Robin", "robin@example.org", PASSWORD, "person", "UTC")
        token = services.create_sign_in_link(user)
        db.session.commit()
        web = app.test_client()
        assert web.post(f"/start/{token}").status_code == 400
        assert web.post(f"/start/{token}", data={"csrf_token": "forged"}).status_code == 400
        assert web.get("/home").status_code == 302
        assert services.find_sign_in_link(token) is not None
        response = _press_start(web, f"/start/{token}")  # the page's own token
        assert response.status_code == 302 and response.headers["Location"].endswith("/home")


def test_pressing_the_button_while_someone_else_is_logged_in_switches_accounts(app, make_user, as_user):
    """On a shared browser, the other account's session ends before the new account's begins."""
    other = make_user()
    web = as_user(other)
    link = _signed_up(app)
    assert _press_start(web, link).status_code == 302
    assert "Hello, Robin" in web.get("/home").get_data(as_text=True)
    assert _sessions_of(other.email) == 0 and _sessions_of("robin@example.org") == 1


# --- Racing one link -------------------------------------------------------------------------------------


def _use(url: str, instance: str, path: str, barrier, results) -> None:
    """Open a fresh app, wait for the others, then press the button of one link; report the answer."""
    app = worker_app(url, instance)
    client = app.test_client()
    try:
        barrier.wait(timeout=60)
        response = client.post(path)
        results.put((response.status_code, ""))
    except Exception as error:  # noqa: BLE001 - any failure in a worker is reported, not lost
        results.put(("error", repr(error)))
    finally:
        dispose(app)


def test_concurrent_uses_of_one_link_log_in_once(app, database_url, tmp_path, make_user):
    """SECURITY.md 25: six simultaneous presses of one link: one login, five refusals, no errors."""
    user = make_user()
    token = services.create_sign_in_link(user)
    answers = at_once(_use, [(database_url, str(tmp_path / f"w{n}"), f"/start/{token}") for n in range(6)])
    codes = sorted(code for code, _ in answers)
    assert codes.count(302) == 1 and codes.count(404) == 5, answers
    db.session.expire_all()
    assert _sessions_of(user.email) == 1
    logins = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                               .where(AuditEvent.user_id == user.id, AuditEvent.kind == "login.link"))
    assert logins == 1


def test_a_lost_race_is_refused_like_a_used_link(app, make_user, monkeypatch):
    """A request that found the link unused, but lost it to another before claiming it, logs nobody in."""
    user = make_user()
    token = services.create_sign_in_link(user)
    db.session.commit()
    row = services.find_sign_in_link(token)
    # Another worker uses the link after this request read it: this request still holds what it read.
    db.session.execute(sa.update(SignInLink).where(SignInLink.id == row.id)
                       .values(used_at=sa.func.current_timestamp()).execution_options(synchronize_session=False))
    monkeypatch.setattr(services, "find_sign_in_link", lambda _token, now=None: row)
    with pytest.raises(Refused, match="already used"):
        services.use_sign_in_link(token)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.user_id == user.id, AuditEvent.kind == "login.link")) == 0


# --- Changes that void the link (SECURITY.md 29) and deletion ------------------------------------------


def _change_password(web) -> None:
    data = form_data(_page(web, "/settings/password"), current_password=PASSWORD, new_password=NEW,
                     new_password_again=NEW)
    assert web.post("/settings/password", data=data).status_code == 302


def _change_email(web) -> None:
    data = form_data(_page(web, "/settings/email"), email="moved@example.org", password=PASSWORD)
    assert web.post("/settings/email", data=data).status_code == 302


def _reset_password(app, email: str) -> None:
    web = app.test_client()
    assert web.post("/reset", data=form_data(_page(web, "/reset"), email=email)).status_code == 200
    body = _mails_to(email)[-1].get_content()
    path = next(line for line in body.splitlines() if "/reset/" in line).strip().split("mend.test", 1)[1]
    assert web.post(path, data=form_data(_page(web, path), password=NEW, password_again=NEW)).status_code == 302


def _log_out_other_devices(web) -> None:
    html = _page(web, "/settings/sessions")
    assert web.post("/settings/sessions/revoke-others",
                    data=form_data(html, action="/settings/sessions/revoke-others")).status_code == 302


@pytest.mark.parametrize("change", ["password change", "email change", "reset", "log out other devices"])
def test_a_change_of_keys_voids_the_link(app, login, change):
    """SECURITY.md 29: after a password change, an email change, a reset or "log out other devices", it's refused."""
    link = _signed_up(app)
    user = db.session.scalar(sa.select(User).where(User.email == "robin@example.org"))
    web = login(app.test_client(), user)
    login(app.test_client(), user)  # a second device, so "log out other devices" is offered
    assert app.test_client().get(link).status_code == 200  # live until the change
    if change == "password change":
        _change_password(web)
    elif change == "email change":
        _change_email(web)
    elif change == "reset":
        _reset_password(app, "robin@example.org")
    else:
        _log_out_other_devices(web)
    stranger = app.test_client()
    assert stranger.get(link).status_code == 404
    assert stranger.post(urlsplit(link).path, query_string=parse_qs(urlsplit(link).query)).status_code == 404
    assert stranger.get("/home").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInLink)
                             .where(SignInLink.used_at.is_(None))) == 0


def test_a_change_leaves_other_accounts_links_alone(app, login):
    """Two families: Robin changing his password voids only Robin's link, never Casey's."""
    robin_link = _signed_up(app, "robin@example.org", "Robin")
    casey_link = _signed_up(app, "casey@example.org", "Casey")
    robin = db.session.scalar(sa.select(User).where(User.email == "robin@example.org"))
    _change_password(login(app.test_client(), robin))
    assert app.test_client().get(robin_link).status_code == 404
    casey = app.test_client()
    assert _press_start(casey, casey_link).status_code == 302
    assert "Hello, Casey" in casey.get("/home").get_data(as_text=True)


def test_deleting_the_account_deletes_its_links(app):
    """SECURITY.md 20 and 27: the link's row goes with the account (the database cascades from users)."""
    link = _signed_up(app)
    user = db.session.scalar(sa.select(User).where(User.email == "robin@example.org"))
    yourdata.delete_account(user, PASSWORD, "DELETE")
    db.session.commit()
    assert row_counts()["sign_in_links"] == 0
    assert app.test_client().get(link).status_code == 404


def test_the_link_is_not_in_the_export(app, login):
    """Only a hash of a secret: "Your data" leaves it out, and the download holds no token."""
    link = _signed_up(app)
    user = db.session.scalar(sa.select(User).where(User.email == "robin@example.org"))
    content = str(yourdata.export(user))
    assert _token(link) not in content and "sign_in" not in content


# --- Where to land: a safe `next`, kept through sign-up (an invitation) ----------------------------------


def test_an_invitation_accepted_after_signing_up(app, make_user):
    """Casey follows Jordan's invitation, signs up on the way, opens the mailed link and lands on the invitation."""
    jordan = make_user(name="Jordan")
    _, token = circle.create_invitation(jordan, "partner")
    db.session.commit()
    invitation = f"/circle/join/{token}"
    casey = app.test_client()
    html = _page(casey, invitation)
    # The "Create an account" button, which carries the way back to the invitation.
    sign_up = html_text.unescape(re.search(r'href="(/register\?[^"]*next=[^"]*)"', html).group(1))
    assert "next=" in sign_up and "role=loved_one" in sign_up
    assert _sign_up(casey, "casey@example.org", "Casey", path=sign_up, role="").status_code == 200
    (message,) = _mails_to("casey@example.org")
    link = _link_in(message)
    assert parse_qs(urlsplit(link).query)["next"] == [invitation]
    phone = app.test_client()  # the email may be opened on another device
    response = _press_start(phone, link)
    assert response.status_code == 302 and response.headers["Location"].endswith(invitation)
    page = _page(phone, invitation)
    assert "Accept and connect" in page
    accept = {**form_data(page, action=""), "answer": "accept"}  # the page's own form; the button's value
    assert phone.post(invitation, data=accept).status_code == 302
    casey_user = db.session.scalar(sa.select(User).where(User.email == "casey@example.org"))
    assert casey_user.role == LOVED_ONE
    assert db.session.scalar(sa.select(Connection).where(Connection.person_id == jordan.id,
                                                         Connection.loved_one_id == casey_user.id)) is not None


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x", "/\\evil.example"])
def test_an_unsafe_next_is_dropped(app, target):
    """SECURITY.md 15: an unsafe next= is left out of the mailed link, and ignored if added to it later."""
    client = app.test_client()
    html = _page(client, "/register?" + f"next={target}")
    action = next(f.action for f in forms_in(html) if f.action.startswith("/register"))
    data = form_data(html, action=action, display_name="Robin", email="robin@example.org", password=PASSWORD,
                     password_again=PASSWORD, role="person")
    assert client.post(f"/register?next={target}", data=data).status_code == 200
    link = _link_in(_mails_to("robin@example.org")[0])
    assert "next" not in link and "evil" not in link
    response = app.test_client().post(link, query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")


# --- Without mail: the old way ------------------------------------------------------------------------------


def test_without_mail_sign_up_sends_everyone_to_log_in(make_app, make_user):
    """A server that can't send mail can't prove the address: it answers as before, to log in, for both cases."""
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER=None)
    with app.app_context():
        make_user(email="taken@example.org")
        web = app.test_client()
        new = _sign_up(web, "robin@example.org")
        first = _page(web, "/login")
        known = _sign_up(web, "taken@example.org")
        second = _page(web, "/login")
        assert new.status_code == known.status_code == 302
        assert new.headers["Location"] == known.headers["Location"] and "/login" in new.headers["Location"]
        assert "Your account is ready: log in to start" in first and first == second
        assert row_counts()["sign_in_links"] == 0
        assert web.get("/home").status_code == 302  # signing up alone logs nobody in
        assert web.post("/login", data=form_data(first, email="robin@example.org",
                                                 password=PASSWORD)).status_code == 302
