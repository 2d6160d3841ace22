"""Security audit events: what happened to an account, never what anyone wrote."""

from __future__ import annotations

from recovery.accounts.models import AuditEvent
from recovery.db import db

# Every kind of event, with the words shown to the account's owner.
KINDS = {
    "login.ok": "Logged in",
    "login.failed": "A login with the wrong password",
    "login.locked": "Logins paused after too many wrong passwords",
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
    "share.grant": "Started sharing an area",
    "share.revoke": "Stopped sharing an area",
    "calendar.create": "Calendar link made",
    "calendar.revoke": "Calendar link turned off",
    "export": "Downloaded my data",
    "delete": "Deleted account",
}


def record(user_id: int, kind: str, detail: str = "") -> None:
    """Add an audit event for a user; detail is a short code such as an area name, never content."""
    if kind not in KINDS:
        raise ValueError(f"unknown audit event kind {kind!r}")
    db.session.add(AuditEvent(user_id=user_id, kind=kind, detail=detail[:80]))
