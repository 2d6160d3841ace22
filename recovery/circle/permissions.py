"""The one door: may viewer V see area A of owner O? Every shared view asks here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import abort

from recovery.accounts.models import LOVED_ONE, PERSON, User
from recovery.circle.models import ACTIVE, AccessLogEntry, Connection, ShareGrant
from recovery.db import db, prepare_to_write, utcnow


@dataclass(frozen=True)
class Area:
    """Something a user owns and may share, area by area."""

    key: str
    label: str
    roles: frozenset[str]
    blurb: str


AREAS: dict[str, Area] = {
    a.key: a
    for a in [
        Area("tracker", "Tracker", frozenset({PERSON}),
             "Your commitments, check-ins and consistency score."),
        Area("amends", "Amends", frozenset({PERSON}),
             "Only the amends entries about this person are ever shown to them."),
        Area("boundaries", "Boundaries", frozenset({PERSON, LOVED_ONE}),
             "The boundaries you have written, so they can read and acknowledge them."),
        Area("conversations", "Talks", frozenset({PERSON, LOVED_ONE}),
             "Plans for a talk that you choose to share, such as a letter to read before you talk."),
        Area("milestones", "Milestones", frozenset({PERSON}),
             "Your recovery start date, milestones and small wins."),
        Area("trust", "Trust check-ins", frozenset({LOVED_ONE}),
             "How your trust has changed over time, in your own check-ins."),
    ]
}

# How long repeated views of one area count as one visit in the access log.
ACCESS_LOG_COALESCE = timedelta(minutes=10)
ACCESS_LOG_TOUCH = timedelta(minutes=1)


def areas_for_role(role: str) -> list[Area]:
    """Return the areas a user in this role owns and can share."""
    return [a for a in AREAS.values() if role in a.roles]


def _party(connection: Connection, user_id: int) -> bool:
    return user_id in (connection.person_id, connection.loved_one_id)


def granting_connection(viewer: User, owner_id: int, area: str) -> Connection | None:
    """Return the active connection through which the owner shares this area with the viewer, if any."""
    if area not in AREAS or viewer.id == owner_id:
        return None
    return db.session.scalar(
        sa.select(Connection)
        .join(ShareGrant, ShareGrant.connection_id == Connection.id)
        .where(
            Connection.status == ACTIVE,
            ShareGrant.owner_id == owner_id,
            ShareGrant.area == area,
            sa.or_(
                sa.and_(Connection.person_id == owner_id, Connection.loved_one_id == viewer.id),
                sa.and_(Connection.loved_one_id == owner_id, Connection.person_id == viewer.id),
            ),
        )
    )


def can_view(viewer: User, owner_id: int, area: str) -> bool:
    """Answer: may this viewer see this area of this owner? Owners always may see their own."""
    if area not in AREAS:
        return False
    if viewer.id == owner_id:
        return True
    return granting_connection(viewer, owner_id, area) is not None


def require_view(viewer: User, owner_id: int, area: str) -> Connection | None:
    """Let the viewer through to the owner's area or stop with 404; log the visit for the owner.

    Returns the granting connection, or None when the viewer is the owner.
    """
    if area not in AREAS:
        abort(404)
    if viewer.id == owner_id:
        return None
    connection = granting_connection(viewer, owner_id, area)
    if connection is None:
        abort(404)
    log_access(owner_id, viewer.id, area)
    return connection


def log_access(owner_id: int, viewer_id: int, area: str) -> None:
    """Record that a viewer opened an owner's area; a quick reload counts as the same visit.

    A visit seen less than a minute ago is left as it is, so that reading pages rarely write.
    """
    now = utcnow()
    query = (
        sa.select(AccessLogEntry)
        .where(
            AccessLogEntry.owner_id == owner_id,
            AccessLogEntry.viewer_id == viewer_id,
            AccessLogEntry.area == area,
            AccessLogEntry.viewed_at > now - ACCESS_LOG_COALESCE,
        )
        .order_by(AccessLogEntry.viewed_at.desc())
        .limit(1)
    )
    recent = db.session.scalar(query)
    if recent is not None and now - recent.viewed_at < ACCESS_LOG_TOUCH:
        return
    prepare_to_write()  # a reading page is about to write: take the lock, then look again
    recent = db.session.scalar(query.execution_options(populate_existing=True))
    if recent is not None:
        recent.viewed_at = now
    else:
        db.session.add(AccessLogEntry(owner_id=owner_id, viewer_id=viewer_id, area=area, viewed_at=now))


def connection_for_member(user: User, connection_id: int) -> Connection:
    """Load a connection the user belongs to, or stop with 404."""
    connection = db.session.get(Connection, connection_id) if isinstance(connection_id, int) else None
    if connection is None or not _party(connection, user.id):
        abort(404)
    return connection


def shared_through(viewer: User, connection_id: int, area: str) -> tuple[Connection, User]:
    """The door to the other member's area in one of my connections: live, shared with me now, or 404.

    Returns the connection and its other member (the owner), and logs the visit for the owner.
    """
    connection = connection_for_member(viewer, connection_id)
    if connection.status != ACTIVE:
        abort(404)
    owner = connection.other(viewer.id)
    require_view(viewer, owner.id, area)
    return connection, owner
