"""Circle rules: invitations, connections, sharing grants and the access log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from recovery import audit
from recovery.accounts.models import PERSON, SUPPORTER, User
from recovery.circle.models import (
    ACTIVE,
    CIRCLE,
    ENDED,
    PAUSED,
    RELATIONSHIPS,
    AccessLogEntry,
    Connection,
    Invitation,
    ShareGrant,
    inverse_relationship,
)
from recovery.circle.permissions import AREAS, areas_for_role

# Who shares what is read only through the door; these names stay here for callers that import them.
from recovery.circle.permissions import areas_shared_with as areas_shared_with
from recovery.circle.permissions import shared_areas as shared_areas
from recovery.db import db, once, utcnow
from recovery.errors import NotFound, Refused
from recovery.security import hash_token, new_token

INVITE_PURPOSE = "invitation"


# --- Invitations -------------------------------------------------------------------


def create_invitation(inviter: User, relationship: str, invitee_label: str = "") -> tuple[Invitation, str]:
    """Make a single-use invitation link; return the row and the token (shown once, stored hashed)."""
    if relationship not in RELATIONSHIPS:
        raise Refused(_("Please choose how you are related."), field="relationship")
    token = new_token()
    invitation = Invitation(
        inviter_id=inviter.id,
        relationship=relationship,
        invitee_label=invitee_label.strip(),
        token_hash=hash_token(token, INVITE_PURPOSE),
        expires_at=utcnow() + current_app.config["INVITATION_LIFETIME"],
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(inviter.id, "invite.create")
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    """Return the invitation behind a token, whatever its state, or None."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == hash_token(token, INVITE_PURPOSE),
                                    Invitation.kind == CIRCLE)  # a supporter's link opens /supporters/join only
    )


def invitation_problem(invitation: Invitation | None, user: User | None, now: datetime | None = None) -> str | None:
    """Return why this invitation can't be answered (by this user), or None when it can."""
    now = now or utcnow()
    if invitation is None:
        return _("This invitation link isn't valid. Please ask for a new one.")
    if invitation.status != "pending":
        return _already_answered()
    if invitation.expires_at <= now:
        return _("This invitation link has expired (links last 7 days). Please ask for a new one.")
    if user is None:
        return None
    if user.id == invitation.inviter_id:
        return _("This is your own invitation link. Send it to the person you want to connect with.")
    if invitation.kind != CIRCLE or SUPPORTER in (user.role, invitation.inviter.role):
        return _("This link joins a person in recovery and a loved one. A supporter joins with a supporter's link, "
                 "which has a consent form.")
    if user.role == invitation.inviter.role:
        name = invitation.inviter.display_name
        if user.role == PERSON:
            return _("You and %(name)s are both people in recovery. "
                     "A connection joins one person in recovery with one loved one.", name=name)
        return _("You and %(name)s are both loved ones. "
                 "A connection joins one person in recovery with one loved one.", name=name)
    person_id, loved_one_id = _pair(invitation.inviter, user)
    existing = db.session.scalar(
        sa.select(Connection).where(Connection.person_id == person_id, Connection.loved_one_id == loved_one_id)
    )
    if existing is not None and existing.status != ENDED:
        return _("You are already connected with %(name)s.", name=invitation.inviter.display_name)
    return None


def _pair(a: User, b: User) -> tuple[int, int]:
    return (a.id, b.id) if a.role == PERSON else (b.id, a.id)


def _already_answered() -> str:
    return _("This invitation link was already used or cancelled. Please ask for a new one.")


def _answer(invitation_id: int, status: str, *conditions) -> bool:
    """Move a pending invitation to `status` in one statement; False when another answer got there first.

    Several requests can read a link as pending at once (people press the button twice, or share the
    link). The UPDATE's WHERE decides: PostgreSQL makes a second UPDATE of the row wait, then re-checks
    it against the committed answer; on SQLite, writers are already serialised by BEGIN IMMEDIATE. So a
    link is answered once, and callers refuse the losers as they refuse a used link.
    """
    result = db.session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.status == "pending", *conditions)
        .values(status=status, responded_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def accept_invitation(token: str, user: User) -> Connection:
    """Join the inviter's circle; a connection that had ended is started afresh, with nothing shared."""
    invitation = find_invitation(token)
    problem = invitation_problem(invitation, user)
    if problem:
        raise Refused(problem)
    now = utcnow()
    if not _answer(invitation.id, "accepted", Invitation.expires_at > now):
        raise Refused(_already_answered())
    inviter = invitation.inviter
    person_id, loved_one_id = _pair(inviter, user)
    already = Refused(_("You are already connected with %(name)s.", name=inviter.display_name))
    # Store what the loved one is to the person; the inviter named what the invitee is to them.
    if inviter.id == person_id:
        rel = invitation.relationship
    else:
        rel = inverse_relationship(invitation.relationship)
    # Locked and read afresh: another of the pair's links may have been accepted meanwhile.
    connection = db.session.scalar(
        sa.select(Connection)
        .where(Connection.person_id == person_id, Connection.loved_one_id == loved_one_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if connection is None:
        connection = Connection(person_id=person_id, loved_one_id=loved_one_id, relationship=rel,
                                loved_one_confirms=rel != "child")
        try:
            with db.session.begin_nested():
                db.session.add(connection)
        except sa.exc.IntegrityError:  # the pair's other link won the race to connect them
            raise already from None
    elif connection.status != ENDED:
        raise already
    else:  # reconnecting after an ended connection
        connection.relationship = rel
        connection.loved_one_confirms = rel != "child"
        connection.status = ACTIVE
        connection.paused_by_id = None
        connection.ended_at = None
        connection.created_at = now
    db.session.flush()
    audit.record(user.id, "connection.create", f"connection:{connection.id}")
    audit.record(inviter.id, "connection.create", f"connection:{connection.id}")
    return connection


def decline_invitation(token: str, user: User) -> None:
    """Say no to an invitation; the link stops working."""
    invitation = find_invitation(token)
    if invitation is None or invitation.inviter_id == user.id:
        raise Refused(_("This invitation link isn't valid any more."))
    if not _answer(invitation.id, "declined", Invitation.expires_at > utcnow()):
        raise Refused(_already_answered())


def cancel_invitation(inviter: User, invitation_id: int) -> None:
    """Cancel one of the user's own pending invitations; others' are not found."""
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.id == invitation_id, Invitation.inviter_id == inviter.id)
    )
    if invitation is None:
        raise NotFound(invitation_id)
    if not _answer(invitation.id, "cancelled"):
        raise Refused(_("That invitation was already answered or cancelled."))
    audit.record(inviter.id, "invite.cancel")


def pending_invitations(user: User) -> list[Invitation]:
    """Return the user's circle invitations still waiting for an answer (supporters' links: recovery/supporters)."""
    return list(db.session.scalars(_pending_invitations(), {"inviter_id": user.id, "now": utcnow()}))


@once
def _pending_invitations():
    return (sa.select(Invitation)
            .where(Invitation.inviter_id == sa.bindparam("inviter_id"), Invitation.status == "pending",
                   Invitation.kind == CIRCLE, Invitation.expires_at > sa.bindparam("now"))
            .order_by(Invitation.created_at.desc()))


# --- Connections -------------------------------------------------------------------


def connections_of(user: User, include_ended: bool = False) -> list[Connection]:
    """Return the user's circle connections with both people loaded (what each shares is read through the door).

    A supporter's tie is not one of them: circle pages, alerts and "reach out" never see supporters.
    """
    return list(db.session.scalars(_connections_of(include_ended), {"user_id": user.id}))


@once
def _all_connections_of():
    user_id = sa.bindparam("user_id")
    return (
        sa.select(Connection)
        .where(sa.or_(Connection.person_id == user_id, Connection.loved_one_id == user_id),
               Connection.supporter_id.is_(None))  # supporters' ties are listed by recovery/supporters
        .options(
            joinedload(Connection.person),  # many-to-one: joined in the same query
            joinedload(Connection.loved_one),
        )
        .order_by(Connection.created_at)
    )


@once
def _live_connections_of():
    return _all_connections_of().where(Connection.status != ENDED)


def _connections_of(include_ended: bool):
    return _all_connections_of() if include_ended else _live_connections_of()


def pause_connection(user: User, connection: Connection) -> None:
    """Pause a connection: nothing is shared while paused, and choices are kept for later."""
    if connection.status != ACTIVE:
        raise Refused(_("Only an active connection can be paused."))
    connection.status = PAUSED
    connection.paused_by_id = user.id
    audit.record(user.id, "connection.pause", f"connection:{connection.id}")


def resume_connection(user: User, connection: Connection) -> None:
    """Resume a paused connection; only the person who paused it can."""
    if connection.status != PAUSED:
        raise Refused(_("This connection isn't paused."))
    if connection.paused_by_id not in (None, user.id):
        raise Refused(_("%(name)s paused this connection. Only they can resume it.",
                        name=connection.other(user.id).display_name))
    connection.status = ACTIVE
    connection.paused_by_id = None
    audit.record(user.id, "connection.resume", f"connection:{connection.id}")


def set_confirming(user: User, connection: Connection, on: bool) -> None:
    """Let the loved one choose whether they are asked to say "I saw this" about check-ins."""
    if user.id != connection.loved_one_id:
        raise Refused(_("Only the loved one in a connection chooses this."))
    if connection.status == ENDED:
        raise Refused(_("This connection has ended."))
    connection.loved_one_confirms = on


def start_confirming(user: User, connection: Connection) -> None:
    """Ask me to confirm check-ins from now on."""
    set_confirming(user, connection, True)


def stop_confirming(user: User, connection: Connection) -> None:
    """Stop asking me to confirm check-ins."""
    set_confirming(user, connection, False)


def end_connection(user: User, connection: Connection) -> None:
    """End a connection and remove all sharing in it at once, both ways."""
    if connection.status == ENDED:
        raise Refused(_("This connection has already ended."))
    for grant in list(connection.grants):
        db.session.delete(grant)
    connection.status = ENDED
    connection.paused_by_id = None
    connection.ended_at = utcnow()
    audit.record(user.id, "connection.end", f"connection:{connection.id}")
    audit.record(connection.other(user.id).id, "connection.end", f"connection:{connection.id}")


# --- Sharing -------------------------------------------------------------------------


def set_sharing(owner: User, connection: Connection, wanted: set[str]) -> tuple[set[str], set[str]]:
    """Make the owner's grants in this connection exactly `wanted`; return (added, removed)."""
    allowed = {a.key for a in areas_for_role(owner.role)}
    unknown = wanted - allowed
    if unknown:
        raise Refused(_("Please choose only from the list."))
    if connection.status == ENDED:
        raise Refused(_("This connection has ended, so nothing can be shared in it."))
    current = {g.area: g for g in connection.grants if g.owner_id == owner.id}
    added = wanted - current.keys()
    removed = current.keys() - wanted
    for area in sorted(added):
        connection.grants.append(ShareGrant(owner_id=owner.id, area=area))
        audit.record(owner.id, "share.grant", f"{area} connection:{connection.id}")
    for area in sorted(removed):
        connection.grants.remove(current[area])
        audit.record(owner.id, "share.revoke", f"{area} connection:{connection.id}")
    db.session.flush()
    return added, removed


@dataclass
class AccessRow:
    """One line of the owner's access log."""

    viewer_name: str
    area_label: str
    viewed_at: datetime


def access_log(owner: User, limit: int = 50) -> list[AccessRow]:
    """Return who in the owner's circle viewed which of the owner's areas, newest first."""
    rows = db.session.execute(
        sa.select(AccessLogEntry.area, AccessLogEntry.viewed_at, User.display_name)
        .outerjoin(User, User.id == AccessLogEntry.viewer_id)
        .where(AccessLogEntry.owner_id == owner.id)
        .order_by(AccessLogEntry.viewed_at.desc())
        .limit(limit)
    )
    return [
        AccessRow(viewer_name=name or _("Someone who has left Mend"),
                  area_label=AREAS[area].label if area in AREAS else area,
                  viewed_at=viewed_at)
        for area, viewed_at, name in rows
    ]
