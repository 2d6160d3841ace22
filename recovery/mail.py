"""Email: queued by a request, handed over when its transaction commits, sent by a background thread.

Why a queue (SECURITY.md 28): whether a reset or sign-up sends a message depends on whether the
email has an account, so sending inside the request made the answer slower for known emails.
Here a request only adds the message to its database session (`queue_mail`); when the request
commits, the message goes to this process's sender thread, and a rolled-back request sends
nothing. A request never opens an SMTP connection.

The sender is one daemon thread per process (started on first use, and again in a forked gunicorn
worker). Messages waiting in it are lost if the process dies; at a normal exit it tries for a few
seconds to send what is left. A real job queue will replace the thread later: `_hand_over` is the
one place that changes.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import smtplib
import ssl
import threading
from email.message import EmailMessage

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from recovery.db import db

log = logging.getLogger(__name__)

_PENDING = "mend_mail_pending"  # key in Session.info: [(transaction, app, message), ...]
EXIT_WAIT_SECONDS = 5.0  # how long a stopping process waits for queued mail
TEST_WAIT_SECONDS = 10.0  # how long `outbox()` waits for the sender


def mail_enabled() -> bool:
    """Tell whether this Mend server can send email."""
    cfg = current_app.config
    return cfg["MAIL_BACKEND"] == "outbox" or bool(cfg.get("MAIL_SERVER"))


def outbox() -> list[EmailMessage]:
    """Return the messages kept in memory by the "outbox" backend (used by tests), once queued mail is out."""
    drain(TEST_WAIT_SECONDS)
    return current_app.extensions.setdefault("mend_outbox", [])


def queue_mail(to: str, subject: str, body: str) -> bool:
    """Queue a plain-text email to go out when the current transaction commits; return False if mail is off."""
    cfg = current_app.config
    if not mail_enabled():
        return False
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    session = db.session()
    if not session.in_transaction():
        session.begin()
    # Tied to the innermost transaction, so rolling back a savepoint drops only what it queued.
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((transaction, current_app._get_current_object(), msg))
    return True


def drain(timeout: float = EXIT_WAIT_SECONDS) -> bool:
    """Wait until this process's sender has dealt with every handed-over message; return whether it did."""
    sender = _current_sender()
    return sender is None or sender.wait_idle(timeout)


EMAIL_CHANGED_SUBJECT = "Your email address was changed"
EMAIL_CHANGED_BODY = (
    "The email address of your account was changed, so messages will no longer come to this address.\n\n"
    "If you didn't make this change, please contact the person who runs this server."
)


def send_email_changed_notice(old_address: str) -> bool:
    """Tell an account's old address that its email address was changed — that fact and nothing else.

    No name, no new address, no link: whoever reads the old mailbox (or a lock screen) learns only this.
    Queued like every message: it goes only if the change is committed.
    """
    return queue_mail(old_address, EMAIL_CHANGED_SUBJECT, EMAIL_CHANGED_BODY)


def init_app(app: Flask) -> None:
    """Hand queued mail over on commit and drop it on rollback, for every session of `db`."""
    for name, listener in (("after_commit", _after_commit), ("after_soft_rollback", _after_soft_rollback),
                           ("after_transaction_end", _after_transaction_end)):
        if not sa.event.contains(db.session, name, listener):
            sa.event.listen(db.session, name, listener)


# --- Session events --------------------------------------------------------------------------------


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: the outer transaction may still roll back
    pending = session.info.pop(_PENDING, None)
    if pending:
        _hand_over([(app, msg) for _, app, msg in pending])


def _after_soft_rollback(session: Session, previous) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [entry for entry in pending if not _within(entry[0], previous)]


def _after_transaction_end(session: Session, transaction) -> None:
    # The outermost transaction ended: whatever was not handed over at its commit (a rollback, or a
    # session closed without committing) must not go out with a later transaction.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


# --- The sender ------------------------------------------------------------------------------------


class _Sender:
    """One daemon thread sending queued messages for this process, and a count of those not yet done."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._queue: queue.SimpleQueue[tuple[Flask, EmailMessage]] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._unfinished = 0
        self._thread = threading.Thread(target=self._run, name="mend-mail", daemon=True)
        self._thread.start()

    def put(self, items: list[tuple[Flask, EmailMessage]]) -> None:
        with self._idle:
            self._unfinished += len(items)
        for item in items:
            self._queue.put(item)

    def wait_idle(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout)

    def _run(self) -> None:
        while True:
            app, msg = self._queue.get()
            try:
                with app.app_context():
                    _deliver(msg)
            except Exception as exc:  # the thread must outlive any one message
                log.warning("Could not send email (%s)", type(exc).__name__)
            finally:
                with self._idle:
                    self._unfinished -= 1
                    self._idle.notify_all()


_sender: _Sender | None = None
_sender_lock = threading.Lock()
_exit_hook_registered = False


def _current_sender() -> _Sender | None:
    sender = _sender
    return sender if sender is not None and sender.pid == os.getpid() else None


def _started_sender() -> _Sender:
    global _sender, _exit_hook_registered
    with _sender_lock:
        # A forked worker inherits the parent's object but not its thread: it starts its own.
        if _sender is None or _sender.pid != os.getpid():
            _sender = _Sender()
        if not _exit_hook_registered:
            atexit.register(drain, EXIT_WAIT_SECONDS)
            _exit_hook_registered = True
        return _sender


def _forget_sender_after_fork() -> None:
    global _sender, _sender_lock
    # The parent's lock may have been held at the fork, and its queue belongs to the parent.
    _sender, _sender_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork (the pid check still holds)
    os.register_at_fork(after_in_child=_forget_sender_after_fork)


def _hand_over(items: list[tuple[Flask, EmailMessage]]) -> None:
    """Give committed messages to the sender (the one place a job queue will take over)."""
    _started_sender().put(items)


def _deliver(msg: EmailMessage) -> None:
    """Send one message with the app's settings (in the sender thread, inside an app context)."""
    cfg = current_app.config
    if cfg["MAIL_BACKEND"] == "outbox":
        current_app.extensions.setdefault("mend_outbox", []).append(msg)
        return
    try:
        if cfg["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=15,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=15)
        with smtp:
            if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        # The message holds a token: log only that sending failed.
        current_app.logger.warning("Could not send email (%s)", type(exc).__name__)
