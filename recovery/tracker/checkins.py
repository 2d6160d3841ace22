"""Check-ins and confirmations: record how a day went, add notes, list open days, and a loved one's "I saw this".

A check-in belongs to the owner's local calendar date and may change for 7 days; after
that the record stays as it was, and only notes can be added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from recovery.accounts.models import User
from recovery.circle.models import Connection
from recovery.circle.permissions import Access
from recovery.db import db, insert_unless_present, once, utcnow
from recovery.errors import NotFound, Refused
from recovery.tracker.commitments import (
    as_schedule,
    is_due,
    today_for,
    visible_rule,
    visible_rule_of,
    visible_to_connection,
)
from recovery.tracker.models import (
    CHECKIN_STATUSES,
    KEPT,
    PARTLY,
    VERDICTS,
    WEEKLY,
    CheckIn,
    CheckInAddendum,
    Commitment,
    Confirmation,
)
from recovery.tracker.score import schedule_on

EDIT_WINDOW = timedelta(days=7)
CONFIRM_WINDOW = timedelta(days=30)


# --- Check-ins --------------------------------------------------------------------------


def can_edit(day: date, today: date) -> bool:
    """Tell whether a day's check-in may still change (today and the 7 days before)."""
    return today - EDIT_WINDOW <= day <= today


def record_checkin(commitment: Commitment, day: date, status: str, note: str = "",
                   today: date | None = None) -> CheckIn:
    """Record or change how a commitment went on a day; past days lock after 7 days."""
    today = today or today_for(commitment.owner)
    if status not in CHECKIN_STATUSES:
        raise Refused(_("Please choose kept, partly or missed."), field="status")
    if day > today:
        raise Refused(_("You can only check in for today or earlier."), field="day")
    if not can_edit(day, today):
        raise Refused(_("Check-ins lock after 7 days so the record stays honest. You can still add a note."),
                      field="day")
    if not is_due(commitment, day):
        raise Refused(_("This commitment wasn't due that day, so there's nothing to check in."), field="day")
    note = (note or "").strip()
    insert_unless_present(CheckIn, ["commitment_id", "local_date"], commitment_id=commitment.id, local_date=day,
                          status=status, note=note)
    checkin = db.session.scalar(
        sa.select(CheckIn).where(CheckIn.commitment_id == commitment.id, CheckIn.local_date == day)
        .with_for_update().execution_options(populate_existing=True)
    )
    if (checkin.status, checkin.note) != (status, note):
        checkin.status = status
        checkin.note = note
        checkin.updated_at = utcnow()
    db.session.flush()
    return checkin


def load_own_checkin(owner: User, checkin_id: int) -> CheckIn:
    """Return a check-in on one of the owner's commitments, or raise NotFound."""
    checkin = db.session.scalar(
        sa.select(CheckIn).join(Commitment).where(CheckIn.id == checkin_id, Commitment.owner_id == owner.id)
    )
    if checkin is None:
        raise NotFound(checkin_id)
    return checkin


def checkin_on(commitment: Commitment, day: date) -> CheckIn | None:
    """Return the check-in of a commitment on a day, with its notes and confirmations."""
    return db.session.scalar(
        sa.select(CheckIn).where(CheckIn.commitment_id == commitment.id, CheckIn.local_date == day)
        .options(selectinload(CheckIn.addenda),
                 selectinload(CheckIn.confirmations).selectinload(Confirmation.confirmer))
    )


def add_note(checkin: CheckIn, body: str) -> CheckInAddendum:
    """Add a note to a check-in, even a locked one; the original stays as it was."""
    body = (body or "").strip()
    if not body:
        raise Refused(_("Please write the note first."), field="body")
    note = CheckInAddendum(checkin_id=checkin.id, body=body)
    db.session.add(note)
    db.session.flush()
    return note


# --- Confirmations ----------------------------------------------------------------------


def confirm(access: Access, checkin_id: int, verdict: str, note: str = "",
            today: date | None = None) -> Confirmation:
    """Record a loved one's "I saw this" or "I didn't see this" on a check-in the door's pass lets them see."""
    connection, viewer = access.require("tracker"), access.viewer
    if verdict not in VERDICTS:
        raise Refused(_("Please choose one of the two answers."), field="verdict")
    checkin = db.session.scalar(
        sa.select(CheckIn).join(Commitment).where(CheckIn.id == checkin_id, visible_to_connection(connection))
    )
    if checkin is None or viewer.id != connection.loved_one_id:
        raise NotFound(checkin_id)
    if not connection.loved_one_confirms:
        raise Refused(_("You chose not to be asked about check-ins. You can change that in My circle."),
                      field="verdict")
    if checkin.status not in (KEPT, PARTLY):
        raise Refused(_("Only kept or partly kept days can be confirmed."))
    today = today or today_for(viewer)
    if checkin.local_date < today - CONFIRM_WINDOW - timedelta(days=1):
        raise Refused(_("This check-in is too old to confirm now."))
    note = (note or "").strip()
    insert_unless_present(Confirmation, ["checkin_id", "confirmer_id"], checkin_id=checkin.id,
                          confirmer_id=viewer.id, verdict=verdict, note=note)
    confirmation = db.session.scalar(
        sa.select(Confirmation).where(Confirmation.checkin_id == checkin.id, Confirmation.confirmer_id == viewer.id)
        .with_for_update().execution_options(populate_existing=True)
    )
    confirmation.verdict = verdict
    confirmation.note = note
    db.session.flush()
    return confirmation


def waiting_for_confirmation(connection: Connection, viewer: User, today: date, limit: int = 20) -> list[CheckIn]:
    """List recent kept or partly kept check-ins this loved one hasn't answered yet (if they chose to be asked)."""
    rule = visible_rule(connection)
    if not connection.loved_one_confirms or rule is None:
        return []
    values = rule[1]
    statement = _waiting_in_support() if connection.is_support else _waiting_in_circle()
    return list(db.session.scalars(statement, {**values, "viewer_id": viewer.id,
                                               "since": today - timedelta(days=7), "limit": limit}))


@once
def _waiting_in_circle():
    return _waiting(visible_rule_of(support=False))


@once
def _waiting_in_support():
    return _waiting(visible_rule_of(support=True))


def _waiting(visible):
    answered = sa.select(Confirmation.checkin_id).where(Confirmation.confirmer_id == sa.bindparam("viewer_id"))
    return (sa.select(CheckIn).join(Commitment)
            .where(visible, CheckIn.status.in_((KEPT, PARTLY)),
                   CheckIn.local_date >= sa.bindparam("since"), CheckIn.id.not_in(answered))
            .options(selectinload(CheckIn.commitment))
            .order_by(CheckIn.local_date.desc()).limit(sa.bindparam("limit")))


@dataclass(frozen=True)
class OpenDay:
    """A recent due day with no check-in yet, which can still be filled in."""

    commitment: Commitment
    day: date


def open_days(commitments: list[Commitment], statuses: dict[int, dict[date, str]], today: date) -> list[OpenDay]:
    """List due days of the last 7 (not today) that have no check-in, newest first."""
    result = []
    for back in range(1, EDIT_WINDOW.days + 1):
        day = today - timedelta(days=back)
        for c in commitments:
            if day in statuses[c.id] or not is_due(c, day):
                continue
            version = schedule_on([as_schedule(v) for v in c.schedules], day)
            if version is not None and version.kind != WEEKLY:  # "N a week" has no missed single days
                result.append(OpenDay(c, day))
    return result

