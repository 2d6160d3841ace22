"""SECURITY.md 28: mail leaves a request through a queue, only once the request commits.

A real SMTP server (aiosmtpd) stands in for the mail host. It holds every message at the
recipient step until the test lets it go, so a request that sent its mail itself would still
be waiting when the test checks that it has answered.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from recovery import mail
from recovery.accounts import services
from recovery.accounts.models import User
from recovery.db import db
from recovery.mail import EMAIL_CHANGED_SUBJECT
from tests import factories
from tests.factories import PASSWORD
from tests.forms import form_data
from tests.live_gunicorn import BIN, ROOT, TEST_ENV, free_port, gunicorn

# Longer than any request needs, shorter than smtplib's 15 s timeout: a request that talked to the
# held mail server itself would still be running when the test looks.
REQUEST_WAIT = 10
WAIT = 10  # bound on every wait for the mail server or the sender


class HeldMailbox:
    """An aiosmtpd handler that holds each message at RCPT until `release` is set, then keeps it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.reached = threading.Event()  # a sender is talking to the server
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.reached.set()
        # Wait off the event loop, so the server (and its shutdown) keep working.
        released = await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        if not released:
            return "451 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def wait_for(condition, timeout: float = WAIT) -> bool:
    """Poll `condition` until it is true or the time is up; return its last value."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return bool(condition())


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 holding messages; yields (mailbox, port)."""
    mailbox = HeldMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        mailbox.release.set()
        mail.drain(WAIT)  # nothing of this test is left in the sender for the next one
        controller.stop()


@pytest.fixture
def smtp_app(make_app, smtp_server):
    """The app sending through the test's SMTP server, inside an app context."""
    _, port = smtp_server
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    with app.app_context():
        yield app


def post_while_mail_is_held(app, client, path: str, data: dict):
    """POST in another thread and return its response; fail if it is still waiting after REQUEST_WAIT."""
    result = {}

    def run():
        with app.app_context():
            result["response"] = client.post(path, data=data)

    db.session.commit()  # the test's own transaction must not hold SQLite's write lock
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(REQUEST_WAIT)
    assert not thread.is_alive(), "the request waited for the mail server: it sent the mail itself"
    return result["response"]


def test_a_reset_request_answers_while_its_link_waits_in_the_queue(smtp_app, smtp_server):
    """SECURITY.md 28: a known email's reset answers while the server holds the link; then it arrives."""
    mailbox, _ = smtp_server
    user = factories.make_user(name="Sam", email="sam@example.org")
    client = smtp_app.test_client()
    page = client.get("/reset").get_data(as_text=True)
    response = post_while_mail_is_held(smtp_app, client, "/reset", form_data(page, email=user.email))
    assert response.status_code == 200
    assert "link is on its way" in response.get_data(as_text=True)
    assert wait_for(mailbox.reached.is_set)  # the sender, not the request, is at the server
    assert mailbox.messages == []
    mailbox.release.set()
    assert wait_for(lambda: mailbox.messages)
    [message] = mailbox.messages
    assert message["To"] == "sam@example.org"
    assert message["Subject"] == "Reset your Mend password"
    [link] = [line.strip() for line in message.get_content().splitlines() if "/reset/" in line]
    assert link.startswith("http://mend.test/reset/")
    assert services.find_reset(link.rsplit("/", 1)[1]) is not None


def test_a_reset_request_for_an_unknown_email_sends_nothing(smtp_app, smtp_server):
    """SECURITY.md 28: an unknown email's reset answers the same and hands nothing to the sender."""
    mailbox, _ = smtp_server
    client = smtp_app.test_client()
    page = client.get("/reset").get_data(as_text=True)
    response = post_while_mail_is_held(smtp_app, client, "/reset", form_data(page, email="nobody@example.org"))
    assert response.status_code == 200
    assert "link is on its way" in response.get_data(as_text=True)
    # A handed-over message would be held at the server, and the sender would not be idle.
    assert mail.drain(WAIT)
    assert not mailbox.reached.is_set() and mailbox.messages == []


def _register(app, client, email: str):
    page = client.get("/register").get_data(as_text=True)
    data = form_data(page, display_name="Rene", email=email, password=PASSWORD, password_again=PASSWORD,
                     role="person")
    return post_while_mail_is_held(app, client, "/register", data)


def test_signing_up_answers_before_its_mail_is_sent_for_a_new_and_a_used_email(smtp_app, smtp_server):
    """SECURITY.md 28 and 4: both sign-ups answer the same page while their mail is held: a sign-in link for the
    new email, a notice for the used one."""
    mailbox, _ = smtp_server
    factories.make_user(email="taken@example.org")
    client = smtp_app.test_client()

    fresh = _register(smtp_app, client, "new@example.org")
    assert fresh.status_code == 200
    assert wait_for(mailbox.reached.is_set)  # the sign-in link is held at the server, after the answer
    assert mailbox.messages == []
    assert db.session.scalar(sa.select(User).where(User.email == "new@example.org")) is not None

    known = _register(smtp_app, client, "taken@example.org")
    assert known.status_code == 200
    assert (known.get_data(as_text=True).replace("taken@example.org", "")
            == fresh.get_data(as_text=True).replace("new@example.org", ""))
    assert mailbox.messages == []
    mailbox.release.set()
    assert wait_for(lambda: len(mailbox.messages) == 2)
    subjects = {message["To"]: message["Subject"] for message in mailbox.messages}
    assert subjects == {"new@example.org": "Start using Mend",
                        "taken@example.org": "Someone tried to sign up to Mend with your email"}


def test_an_email_change_is_mailed_only_once_committed(smtp_app, smtp_server):
    """SECURITY.md 28: the old address hears of a change only after the commit; a rolled-back change sends nothing."""
    mailbox, _ = smtp_server
    mailbox.release.set()  # let anything through: what must not arrive must not be sent at all
    user = factories.make_user(email="old@example.org")

    assert services.change_email(user, PASSWORD, "new@example.org")
    assert mail.drain(WAIT) and not mailbox.reached.is_set()  # queued, not sent
    db.session.rollback()
    assert mail.drain(WAIT) and not mailbox.reached.is_set()
    assert db.session.get(User, user.id).email == "old@example.org"

    assert services.change_email(user, PASSWORD, "new@example.org")
    assert mail.drain(WAIT) and not mailbox.reached.is_set()
    db.session.commit()
    assert wait_for(lambda: mailbox.messages)
    [message] = mailbox.messages
    assert message["To"] == "old@example.org"
    assert message["Subject"] == EMAIL_CHANGED_SUBJECT


def test_a_rolled_back_savepoint_drops_only_its_own_mail(app):
    """Mail queued in a savepoint that rolls back is dropped; the rest waits for the outer commit."""
    mail.queue_mail("kept@example.org", "Kept", "kept")
    with pytest.raises(LookupError), db.session.begin_nested():
        mail.queue_mail("dropped@example.org", "Dropped", "dropped")
        raise LookupError
    with db.session.begin_nested():
        mail.queue_mail("released@example.org", "Released", "released")
    assert mail.outbox() == []  # a released savepoint is not a commit
    db.session.commit()
    assert [m["To"] for m in mail.outbox()] == ["kept@example.org", "released@example.org"]


def test_mail_of_a_session_closed_without_commit_never_goes(app):
    """A session closed without committing drops its mail; a later commit doesn't send it."""
    mail.queue_mail("gone@example.org", "Gone", "gone")
    db.session.close()
    factories.make_user()  # commits a new transaction
    assert mail.outbox() == []


def test_mail_is_off_without_a_mail_server(make_app):
    """With no mail server, nothing is queued."""
    with make_app(MAIL_BACKEND="smtp", MAIL_SERVER=None).app_context():
        assert mail.queue_mail("a@example.org", "A", "a") is False
        db.session.commit()
        assert mail.drain(WAIT)


def _open(url: str, fields: dict | None = None) -> tuple[int, str]:
    data = urllib.parse.urlencode(fields, doseq=True).encode() if fields is not None else None
    request = urllib.request.Request(url, data=data, headers={"Connection": "close"})
    with urllib.request.urlopen(request, timeout=REQUEST_WAIT) as response:
        return response.status, response.read().decode()


def test_mail_queued_under_gunicorn_waits_for_the_consumer_and_goes_when_it_starts(app, database_url, tmp_path,
                                                                                    smtp_server):
    """Under gunicorn the request only queues the message (in the instance folder); `flask jobs` sends it.

    The queue is kept on disk: a message queued while no consumer runs is not lost, and goes once one starts.
    Ctrl-C (SIGINT) stops the consumer.
    """
    mailbox, port = smtp_server
    mailbox.release.set()
    factories.make_user(email="worker@example.org")
    db.session.commit()
    db.engine.dispose()
    env = {**os.environ, **TEST_ENV, "MEND_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database_url,
           "MEND_MAIL_SERVER": "127.0.0.1", "MEND_MAIL_PORT": str(port), "MEND_MAIL_USE_TLS": "false"}
    env.pop("MEND_TEST_DATABASE_URL", None)
    with gunicorn(env, workers=2) as base:
        _, page = _open(base + "/reset")
        status, answer = _open(base + "/reset", form_data(page, email="worker@example.org"))
        assert status == 200 and "link is on its way" in answer
    assert (tmp_path / "jobs.sqlite3").exists()
    assert not mailbox.reached.is_set(), "no consumer runs yet: the message must wait in the queue"
    consumer = subprocess.Popen([str(BIN / "flask"), "--app", "app", "jobs", "--workers", "1"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: mailbox.messages, 30), "the consumer did not send the queued message"
        assert mailbox.messages[0]["To"] == "worker@example.org"
        assert "Reset your Mend password" in mailbox.messages[0]["Subject"]
    finally:
        consumer.send_signal(signal.SIGINT)
        output = consumer.communicate(timeout=30)[0].decode()
    assert consumer.returncode == 0, output
    assert "job consumer is running" in output
    assert "worker@example.org" not in output  # nothing about who was written anywhere
