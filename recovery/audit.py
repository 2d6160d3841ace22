"""Security audit events: what happened to an account, never what anyone wrote.

Each event is a row the account's owner can read on their activity page, and a line in the
`mend.audit` log for the host — written only once the event's transaction commits. A deleted
account takes its rows with it (erasure), so its deletion lives on in the log alone: the event
kind and the account's number, nothing more.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from recovery.accounts.models import AuditEvent
from recovery.db import db

log = logging.getLogger("mend.audit")
_PENDING = "mend.audit.pending"

# Every kind of event, with the words shown to the account's owner.
KINDS = {
    "login.ok": "Logged in",
    "login.link": "Logged in with the link from the sign-up email",
    "login.failed": "A login with the wrong password",
    "login.locked": "Logins paused after too many wrong passwords",
    "reauth.failed": "A wrong password when confirming a download or a change",
    "reauth.locked": "Confirming paused after too many wrong passwords",
    "logout": "Logged out",
    "password.change": "Password changed",
    "password.reset": "Password reset by email link",
    "password.reset_requested": "Password reset link created",
    "email.change": "Email address changed",
    "session.revoke": "Signed out a device",
    "account.create": "Account created",
    "invite.create": "Invitation link made",
    "invite.cancel": "Invitation cancelled",
    "connection.create": "Joined a circle",
    "connection.pause": "Connection paused",
    "connection.resume": "Connection resumed",
    "connection.end": "Connection ended",
    "consent.give": "Gave a supporter my consent to see some things",
    "consent.change": "Changed or renewed a supporter's consent",
    "consent.end": "Ended a supporter's consent",
    "share.grant": "Started sharing something with someone in my circle",
    "share.revoke": "Stopped sharing something with someone in my circle",
    "calendar.create": "Calendar link made",
    "calendar.revoke": "Calendar link turned off",
    "export": "Downloaded my data",
    "delete": "Deleted account",
    "notify.sent": "A reminder or message was sent to me",
    "notify.settings": "Reminder settings changed",
    "notify.unsubscribe": "Stopped some emails with an unsubscribe link",
    "notify.alert": "Chose who hears if I go quiet, or who I can reach out to",
    "notify.reach_out": "Reached out to my circle",
}


def record(user_id: int, kind: str, detail: str = "") -> None:
    """Add an audit event for a user; detail is a short code such as an area name, never content."""
    if kind not in KINDS:
        raise ValueError(f"unknown audit event kind {kind!r}")
    detail = detail[:80]
    db.session.add(AuditEvent(user_id=user_id, kind=kind, detail=detail))
    db.session.info.setdefault(_PENDING, []).append((kind, user_id, detail))


def record_in_log_only(user_id: int, kind: str) -> None:
    """Log an event for an account whose rows are going away (its deletion), when the transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown audit event kind {kind!r}")
    db.session.info.setdefault(_PENDING, []).append((kind, user_id, ""))


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _log_committed(session) -> None:
    if session.in_nested_transaction():
        return  # only a savepoint was released: the outer transaction may still roll back
    for kind, user_id, detail in session.info.pop(_PENDING, ()):
        log.info("audit %s account=%s%s", kind, user_id, f" detail={detail}" if detail else "")


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _forget_rolled_back(session) -> None:
    session.info.pop(_PENDING, None)
