"""A user's own data: everything they wrote, as JSON (GDPR Art. 20), and deleting the account (Art. 17).

Export holds the user's own records only. Things other people wrote — a loved one's confirmation
of my check-in, their answer to my boundary, events they noted — stay theirs and are left out.
Deleting removes every row that belongs to the user (the database cascades from the users table)
and ends their connections and sessions; other people's records stay whole, with links to the
deleted account emptied.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from recovery import audit
from recovery.accounts import services as accounts
from recovery.accounts.models import AuditEvent, KnownDevice, User, UserSession
from recovery.amends.models import AmendsEntry, AmendsOpenness, AmendsStep
from recovery.boundaries.models import Boundary, BoundaryAck, BoundaryEvent, BoundaryVersion
from recovery.calendar.models import CalendarFeed
from recovery.circle.models import AccessLogEntry, Connection, Invitation, ShareGrant
from recovery.conversations.models import ConversationPlan
from recovery.db import db
from recovery.errors import Refused
from recovery.tracker.models import (
    CheckIn,
    CheckInAddendum,
    Commitment,
    ScheduleVersion,
    Setback,
    SmallWin,
)
from recovery.trust.models import TrustCheckIn

# Columns never exported: secrets and hashes.
SECRET_COLUMNS = {"password_hash", "token_hash"}


def _value(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


def _rows(model, where, skip: set[str] = frozenset()) -> list[dict]:
    columns = [c for c in model.__table__.columns if c.name not in SECRET_COLUMNS | set(skip)]
    result = []
    for row in db.session.execute(sa.select(*columns).where(where).order_by(*model.__table__.primary_key)):
        result.append({c.name: _value(v) for c, v in zip(columns, row, strict=True)})
    return result


def export(user: User) -> dict:
    """Gather every record the user owns, from every feature, with no secrets and nothing of anyone else's."""
    uid = user.id
    my_commitments = sa.select(Commitment.id).where(Commitment.owner_id == uid)
    my_checkins = sa.select(CheckIn.id).where(CheckIn.commitment_id.in_(my_commitments))
    my_entries = sa.select(AmendsEntry.id).where(AmendsEntry.owner_id == uid)
    my_boundaries = sa.select(Boundary.id).where(Boundary.owner_id == uid)
    mine_or_theirs = sa.or_(Connection.person_id == uid, Connection.loved_one_id == uid)
    connections = []
    for c in db.session.scalars(sa.select(Connection).where(mine_or_theirs).order_by(Connection.id)):
        connections.append({
            "id": c.id, "with": c.other(uid).display_name, "relationship": c.relationship_for(uid),
            "status": c.status, "created_at": _value(c.created_at), "ended_at": _value(c.ended_at),
            "i_share": sorted(g.area for g in c.grants if g.owner_id == uid),
        })
    return {
        "format": "mend-export-1",
        "exported_at": _value(datetime.now().astimezone()),
        "account": _rows(User, User.id == uid)[0],
        "sessions": _rows(UserSession, UserSession.user_id == uid),
        "known_devices": _rows(KnownDevice, KnownDevice.user_id == uid),
        "security_events": _rows(AuditEvent, AuditEvent.user_id == uid),
        "connections": connections,
        "sharing": _rows(ShareGrant, ShareGrant.owner_id == uid),
        "invitations": _rows(Invitation, Invitation.inviter_id == uid),
        "who_viewed_my_areas": [
            {"viewer": name or "Someone who has left Mend", "area": area, "viewed_at": _value(at)}
            for area, at, name in db.session.execute(
                sa.select(AccessLogEntry.area, AccessLogEntry.viewed_at, User.display_name)
                .outerjoin(User, User.id == AccessLogEntry.viewer_id).where(AccessLogEntry.owner_id == uid)
                .order_by(AccessLogEntry.viewed_at))
        ],
        "tracker": {
            "commitments": _rows(Commitment, Commitment.owner_id == uid),
            "schedules": _rows(ScheduleVersion, ScheduleVersion.commitment_id.in_(my_commitments)),
            "checkins": _rows(CheckIn, CheckIn.commitment_id.in_(my_commitments)),
            "checkin_notes": _rows(CheckInAddendum, CheckInAddendum.checkin_id.in_(my_checkins)),
            "setbacks": _rows(Setback, Setback.owner_id == uid),
            "small_wins": _rows(SmallWin, SmallWin.owner_id == uid),
            "calendar_link": bool(db.session.scalar(sa.select(CalendarFeed.id).where(CalendarFeed.user_id == uid))),
        },
        "trust_checkins": _rows(TrustCheckIn, TrustCheckIn.owner_id == uid),
        "amends": {
            "entries": _rows(AmendsEntry, AmendsEntry.owner_id == uid),
            "steps": _rows(AmendsStep, AmendsStep.entry_id.in_(my_entries)),
            "my_openness_answers": _rows(AmendsOpenness, AmendsOpenness.owner_id == uid),
        },
        "boundaries": {
            "boundaries": _rows(Boundary, Boundary.owner_id == uid),
            "versions": _rows(BoundaryVersion, BoundaryVersion.boundary_id.in_(my_boundaries)),
            "my_answers": _rows(BoundaryAck, BoundaryAck.viewer_id == uid),
            "events_i_noted": _rows(BoundaryEvent, BoundaryEvent.author_id == uid),
        },
        "conversation_plans": _rows(ConversationPlan, ConversationPlan.owner_id == uid),
    }


def record_export(user: User) -> None:
    """Note the export in the account's security events."""
    audit.record(user.id, "export")


def delete_account(user: User, password: str, confirm: str) -> None:
    """Delete the account and every row that belongs to it, after the password and a typed confirmation."""
    accounts.check_password(user, password)
    if (confirm or "").strip().lower() != "delete":
        raise Refused("Please type DELETE to confirm.", field="confirm")
    audit.record_in_log_only(user.id, "delete")
    # Words the user wrote on someone else's record go too: a note on another person's boundary would
    # otherwise stay behind with its author emptied. So do the login counters keyed by their email, from
    # every address (known devices go with the users row: the database cascades).
    db.session.execute(sa.delete(BoundaryEvent).where(BoundaryEvent.author_id == user.id))
    accounts.forget_login_counts(user)
    db.session.execute(sa.delete(User).where(User.id == user.id))
    db.session.expire_all()
