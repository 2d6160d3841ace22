"""Every model, imported in one place so the metadata is complete."""

from recovery.accounts.models import AuditEvent, LoginThrottle, PasswordReset, User, UserSession
from recovery.amends.models import AmendsEntry, AmendsOpenness, AmendsStep
from recovery.boundaries.models import Boundary, BoundaryAck, BoundaryEvent, BoundaryVersion
from recovery.calendar.models import CalendarFeed
from recovery.circle.models import AccessLogEntry, Connection, Invitation, ShareGrant
from recovery.conversations.models import ConversationPlan
from recovery.notifications.models import CircleAlert, Notification, NotificationSettings, PushSubscription
from recovery.plan.models import HardDaysPlan
from recovery.supporters.models import Consent, SupporterNote
from recovery.tracker.models import (
    CheckIn,
    CheckInAddendum,
    Commitment,
    Confirmation,
    ScheduleVersion,
    Setback,
    SmallWin,
)
from recovery.trust.models import TrustCheckIn
from recovery.wellbeing.models import WellbeingCheck, Worksheet

__all__ = [
    "Consent",
    "SupporterNote",
    "WellbeingCheck",
    "Worksheet",
    "HardDaysPlan",
    "CircleAlert",
    "Notification",
    "NotificationSettings",
    "PushSubscription",
    "AccessLogEntry",
    "AmendsEntry",
    "AmendsOpenness",
    "AmendsStep",
    "Boundary",
    "BoundaryAck",
    "BoundaryEvent",
    "BoundaryVersion",
    "CalendarFeed",
    "CheckIn",
    "CheckInAddendum",
    "Commitment",
    "Confirmation",
    "ScheduleVersion",
    "Setback",
    "SmallWin",
    "TrustCheckIn",
    "AuditEvent",
    "Connection",
    "ConversationPlan",
    "Invitation",
    "LoginThrottle",
    "PasswordReset",
    "ShareGrant",
    "User",
    "UserSession",
]
