"""Issue 14, items 14 and 15: no email in the cookie or the cache; email change; private backups; strong keys."""

from __future__ import annotations

import os
import secrets
import sqlite3

import pytest
import sqlalchemy as sa

from recovery.accounts import services
from recovery.accounts.models import UserSession
from recovery.config import weak_secret_key
from recovery.db import db
from recovery.mail import EMAIL_CHANGED_BODY, EMAIL_CHANGED_SUBJECT, outbox
from tests.factories import PASSWORD
from tests.forms import form_data

# --- 14: the email stays out of the cookie and out of caches ---------------------------------------


def _session_contents(app, client) -> dict:
    """The session cookie, decoded with the app's own serializer (what anyone holding the cookie can read)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="mend.test")
    assert cookie is not None
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def _no_store(response) -> bool:
    return "no-store" in [v.strip() for v in response.headers.get("Cache-Control", "").split(",")]


def test_a_failed_login_leaves_no_email_in_the_cookie(make_app, make_user):
    """The email typed into a failed login is shown again in the form only, never kept in the cookie."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user(email="cookie.watch@example.org")
        client = app.test_client()
        page = client.get("/login")
        assert _no_store(page)
        failed = client.post("/login", data=form_data(page.get_data(as_text=True), action="/login",
                                                      email=user.email, password="not the right one at all"))
        assert failed.status_code == 422 and user.email in failed.get_data(as_text=True)
        assert _no_store(failed)
        contents = _session_contents(app, client)
        assert "csrf_token" in contents  # the cookie really was decoded
        assert "cookie.watch" not in repr(contents)
        assert _no_store(client.get("/login"))


@pytest.mark.parametrize("mail_on", [True, False], ids=["with-mail", "without-mail"])
def test_registering_leaves_no_email_in_the_cookie(make_app, mail_on):
    """After sign-up the next page carries no email in the cookie: "check your email" (shown once, not cached),
    or, without mail, the way to the login form, which doesn't carry it at all."""
    app = make_app(WTF_CSRF_ENABLED=True, **({} if mail_on else {"MAIL_BACKEND": "smtp", "MAIL_SERVER": None}))
    with app.app_context():
        client = app.test_client()
        page = client.get("/register").get_data(as_text=True)
        data = form_data(page, display_name="Robin", email="robin.cookie@example.org", password=PASSWORD,
                         password_again=PASSWORD, role="person", timezone="Europe/Paris")
        answer = client.post("/register", data=data)
        assert answer.status_code == (200 if mail_on else 302) and _no_store(answer)
        assert "robin.cookie" not in repr(_session_contents(app, client))
        login = client.get("/login")
        assert ("Your account is ready" in login.get_data(as_text=True)) is not mail_on and _no_store(login)
        assert "robin.cookie" not in login.get_data(as_text=True)


def test_a_reset_leaves_no_email_in_the_cookie(app, client, make_user):
    """Choosing a new password with a reset link puts no email in the cookie."""
    user = make_user(email="reset.cookie@example.org")
    token = services.create_reset_token(user)
    db.session.commit()
    new = "a brand new passphrase"
    assert client.post(f"/reset/{token}", data={"password": new, "password_again": new}).status_code == 302
    with client.session_transaction() as s:
        assert "reset.cookie" not in repr(dict(s))


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/reset"])
def test_public_pages_are_never_stored(client, path):
    """SECURITY.md 16: public pages with forms (which show an email typed in) carry Cache-Control: no-store."""
    response = client.get(path)
    assert response.status_code == 200 and _no_store(response)


# --- 15a: an email change ends the other sessions and tells the old address ---------------------------


def test_an_email_change_ends_other_sessions_and_tells_the_old_address(app, make_user, as_user):
    """The old address gets one message saying the address changed, and nothing else; other devices log out."""
    user = make_user(name="Robin Private", email="old.address@example.org")
    here, elsewhere = as_user(user), as_user(user)
    page = here.get("/settings/email").get_data(as_text=True)
    answer = here.post("/settings/email", data=form_data(page, email="new.address@example.org", password=PASSWORD))
    assert answer.status_code == 302
    assert here.get("/home").status_code == 200
    assert elsewhere.get("/home").status_code == 302  # logged out
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)
                             .where(UserSession.user_id == user.id)) == 1
    sent = [m for m in outbox() if m["To"] == "old.address@example.org"]
    assert len(sent) == 1
    assert sent[0]["Subject"] == EMAIL_CHANGED_SUBJECT
    body = sent[0].get_content()
    assert body.strip() == EMAIL_CHANGED_BODY.strip()
    for content in ("new.address", "Robin", "recovery", "http"):
        assert content not in body and content not in sent[0]["Subject"], content


def test_keeping_the_same_email_sends_nothing_and_ends_nothing(app, make_user, as_user):
    """Submitting the address already in use changes nothing: no message, no devices logged out."""
    user = make_user(email="same@example.org")
    here, elsewhere = as_user(user), as_user(user)
    page = here.get("/settings/email").get_data(as_text=True)
    assert here.post("/settings/email", data=form_data(page, password=PASSWORD)).status_code == 302
    assert elsewhere.get("/home").status_code == 200
    assert outbox() == []


# --- 15b: backups are private from the first byte ------------------------------------------------------


def test_backup_file_is_private_before_anything_is_written(app, make_user, tmp_path, monkeypatch):
    """`flask backup` creates its file 0600 (even with a permissive umask), never chmod after writing."""
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("checks the SQLite writer; pg_dump writes into the same pre-made file")
    make_user()
    destination = tmp_path / "backup.db"
    modes = []
    real_connect = sqlite3.connect

    def connect(path, *args, **kwargs):
        modes.append(os.stat(path).st_mode & 0o777)
        return real_connect(path, *args, **kwargs)

    monkeypatch.setattr("recovery.cli.sqlite3.connect", connect)
    old_umask = os.umask(0)
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(destination)])
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert modes == [0o600]
    assert destination.stat().st_mode & 0o777 == 0o600


def test_a_failed_backup_leaves_no_file(app, tmp_path, monkeypatch):
    """A backup that fails halfway leaves nothing that looks like a backup."""
    destination = tmp_path / "backup.db"

    def fail(_destination):
        raise OSError("disk full")

    monkeypatch.setattr("recovery.cli._backup_into", fail)
    result = app.test_cli_runner().invoke(args=["backup", str(destination)])
    assert result.exit_code != 0 and not destination.exists()


def test_backup_never_writes_through_an_existing_path(app, tmp_path):
    """An existing file (or a symlink planted there) is refused, not overwritten."""
    target = tmp_path / "elsewhere"
    link = tmp_path / "backup.db"
    link.symlink_to(target)
    result = app.test_cli_runner().invoke(args=["backup", str(link)])
    assert result.exit_code != 0 and "exists already" in result.output
    assert not target.exists()


# --- 15c: production refuses a secret key with little entropy -----------------------------------------


@pytest.mark.parametrize("key", ["a" * 40, "ab" * 20, "abc" * 14, "0" * 64, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabcdefgh"],
                         ids=repr)
def test_production_refuses_a_long_key_with_little_entropy(make_app, key):
    """A long key made of few characters (forty 'a's) stops production start-up, with a clear message."""
    assert weak_secret_key(key)
    with pytest.raises(RuntimeError, match="secret key"):
        make_app(PRODUCTION=True, SECRET_KEY=key)


def test_random_keys_are_accepted():
    """Keys made the documented ways pass, down to the shortest random one (32 hex digits)."""
    for _ in range(200):
        for key in (secrets.token_hex(32), secrets.token_hex(16), secrets.token_urlsafe(32)):
            assert not weak_secret_key(key), key
