"""Every model, imported in one place so the metadata is complete."""

from recovery.accounts.models import AuditEvent, LoginThrottle, PasswordReset, User, UserSession
from recovery.circle.models import AccessLogEntry, Connection, Invitation, ShareGrant

__all__ = [
    "AccessLogEntry",
    "AuditEvent",
    "Connection",
    "Invitation",
    "LoginThrottle",
    "PasswordReset",
    "ShareGrant",
    "User",
    "UserSession",
]
