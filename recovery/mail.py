"""Sending email over SMTP when the server is configured to."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app


def mail_enabled() -> bool:
    """Tell whether this Mend server can send email."""
    cfg = current_app.config
    return cfg["MAIL_BACKEND"] == "outbox" or bool(cfg.get("MAIL_SERVER"))


def outbox() -> list[EmailMessage]:
    """Return the messages kept in memory by the "outbox" backend (used by tests)."""
    return current_app.extensions.setdefault("mend_outbox", [])


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send a plain-text email; return False (and log no content) when it cannot be sent."""
    cfg = current_app.config
    if not mail_enabled():
        return False
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    if cfg["MAIL_BACKEND"] == "outbox":
        outbox().append(msg)
        return True
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
        return True
    except (OSError, smtplib.SMTPException) as exc:
        # The message holds a token: log only that sending failed.
        current_app.logger.warning("Could not send email (%s)", type(exc).__name__)
        return False


EMAIL_CHANGED_SUBJECT = "Your email address was changed"
EMAIL_CHANGED_BODY = (
    "The email address of your account was changed, so messages will no longer come to this address.\n\n"
    "If you didn't make this change, please contact the person who runs this server."
)


def send_email_changed_notice(old_address: str) -> bool:
    """Tell an account's old address that its email address was changed — that fact and nothing else.

    No name, no new address, no link: whoever reads the old mailbox (or a lock screen) learns only this.
    """
    return send_mail(old_address, EMAIL_CHANGED_SUBJECT, EMAIL_CHANGED_BODY)
