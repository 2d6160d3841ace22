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
from recovery.i18n import lazy_gettext as _l

log = logging.getLogger("mend.audit")
_PENDING = "mend.audit.pending"

# Every kind of event, with the words shown to the account's owner.
KINDS = {
    "login.ok": _l("Logged in"),
    "login.link": _l("Logged in with the link from the sign-up email"),
    "login.failed": _l("A login with the wrong password"),
    "login.locked": _l("Logins paused after too many wrong passwords"),
    "reauth.failed": _l("A wrong password when confirming a download or a change"),
    "reauth.locked": _l("Confirming paused after too many wrong passwords"),
    "logout": _l("Logged out"),
    "password.change": _l("Password changed"),
    "password.reset": _l("Password reset by email link"),
    "password.reset_requested": _l("Password reset link created"),
    "email.change": _l("Email address changed"),
    "session.revoke": _l("Signed out a device"),
    "account.create": _l("Account created"),
    "invite.create": _l("Invitation link made"),
    "invite.cancel": _l("Invitation cancelled"),
    "connection.create": _l("Joined a circle"),
    "connection.pause": _l("Connection paused"),
    "connection.resume": _l("Connection resumed"),
    "connection.end": _l("Connection ended"),
    "consent.give": _l("Gave a supporter my consent to see some things"),
    "consent.change": _l("Changed or renewed a supporter's consent"),
    "consent.end": _l("Ended a supporter's consent"),
    "share.grant": _l("Started sharing something with someone in my circle"),
    "share.revoke": _l("Stopped sharing something with someone in my circle"),
    "calendar.create": _l("Calendar link made"),
    "calendar.revoke": _l("Calendar link turned off"),
    "export": _l("Downloaded my data"),
    "delete": _l("Deleted account"),
    "notify.sent": _l("A reminder or message was sent to me"),
    "notify.settings": _l("Reminder settings changed"),
    "notify.unsubscribe": _l("Stopped some emails with an unsubscribe link"),
    "notify.alert": _l("Chose who hears if I go quiet, or who I can reach out to"),
    "notify.reach_out": _l("Reached out to my circle"),
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
