"""Email: queued by a request, handed to the job queue when its transaction commits, sent by a consumer.

Why a queue (SECURITY.md 28): whether a reset or sign-up sends a message depends on whether the
email has an account, so sending inside the request made the answer slower for known emails.
Here a request only adds the message to its database session (`queue_mail`); when the request
commits, the message becomes a job (`jobs.after_commit`), and a rolled-back request sends nothing.
A request never opens an SMTP connection. Jobs are stored (in the instance folder, or Redis), so a
message queued while no consumer runs goes out when one starts.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email import message_from_bytes, policy
from email.message import EmailMessage

from flask import current_app

from recovery import jobs
from recovery.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)

SEND_JOB = "mail.send"
EXIT_WAIT_SECONDS = 5.0  # how long `drain` waits by default
TEST_WAIT_SECONDS = 10.0  # how long `outbox()` waits for the jobs that send


def mail_enabled() -> bool:
    """Tell whether this Mend server can send email."""
    cfg = current_app.config
    return cfg["MAIL_BACKEND"] == "outbox" or bool(cfg.get("MAIL_SERVER"))


def outbox() -> list[EmailMessage]:
    """Return the messages kept in memory by the "outbox" backend (used by tests), once queued mail is out."""
    drain(TEST_WAIT_SECONDS)
    return current_app.extensions.setdefault("mend_outbox", [])


def queue_mail(to: str, subject: str, body: str, html: str | None = None,
               headers: dict[str, str] | None = None) -> bool:
    """Queue an email (plain text, and simple HTML if given) to go out when the current transaction commits.

    Returns False if this server sends no mail.
    """
    cfg = current_app.config
    if not mail_enabled():
        return False
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    jobs.after_commit(SEND_JOB, msg.as_bytes())
    return True


def drain(timeout: float = EXIT_WAIT_SECONDS) -> bool:
    """Wait until the jobs this process runs itself (JOBS_EMBEDDED) have sent what was queued."""
    return jobs.drain(timeout)


EMAIL_CHANGED_SUBJECT = _l("Your email address was changed")
EMAIL_CHANGED_BODY = _l(
    "The email address of your account was changed, so messages will no longer come to this address.\n\n"
    "If you didn't make this change, please contact the person who runs this server."
)


def send_email_changed_notice(old_address: str) -> bool:
    """Tell an account's old address that its email address was changed — that fact and nothing else.

    No name, no new address, no link: whoever reads the old mailbox (or a lock screen) learns only this.
    Queued like every message: it goes only if the change is committed.
    """
    # In the language of the request that changed it: the account owner's own.
    return queue_mail(old_address, str(EMAIL_CHANGED_SUBJECT), str(EMAIL_CHANGED_BODY))


@jobs.job(SEND_JOB)
def _send(raw: bytes) -> None:
    """The job: send one queued message with the app's settings."""
    _deliver(message_from_bytes(raw, policy=policy.default))


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
