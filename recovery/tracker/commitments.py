"""Commitments and their schedules: create, change, pause and list them, and what the other side may see.

The person in recovery keeps commitments on their tracker; a loved one keeps their own on the same
engine as "self-care" (issue 18). Each is shared through its own area of the door: the person's
"tracker", a loved one's "self_care" (`area_of`). Only the person's can carry out an amends.

Every date here is the owner's local calendar date (ARCHITECTURE.md pattern 5). A schedule
change applies from a day on, so days before keep the schedule they were due under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from recovery.accounts.models import LOVED_ONE, PERSON, User
from recovery.circle.models import ENDED, Connection
from recovery.circle.permissions import Access
from recovery.db import db, once
from recovery.errors import NotFound, Refused
from recovery.timezones import local_today
from recovery.tracker.models import DAILY, ONCE, PAUSED_SCHEDULE, WEEKDAYS, WEEKLY, CheckIn, Commitment, ScheduleVersion
from recovery.tracker.score import Schedule, schedule_on

START_WINDOW_BACK = timedelta(days=7)
PLAN_AHEAD = timedelta(days=366)

# Who keeps commitments, and the sharing area (circle/permissions.py) their commitments are shown through.
AREA_OF_ROLE = {PERSON: "tracker", LOVED_ONE: "self_care"}


def keeps_commitments(user: User) -> bool:
    """Tell whether the user has commitments of their own: the person's tracker, a loved one's self-care."""
    return user.role in AREA_OF_ROLE


def area_of(owner: User) -> str:
    """The sharing area the owner's commitments are shown through: "tracker" or "self_care"."""
    return AREA_OF_ROLE[owner.role]


def today_for(user: User) -> date:
    """Return today's date where the user lives."""
    return local_today(user.timezone)


# --- Schedules ------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleInput:
    """A schedule as the user chose it in the form."""

    kind: str
    weekdays: frozenset[int] = frozenset()
    times_per_week: int = 0
    once_on: date | None = None

    def checked(self, today: date) -> ScheduleInput:
        """Return the schedule if it makes sense, or raise Refused naming the field to fix."""
        if self.kind == WEEKDAYS:
            if not self.weekdays or not self.weekdays <= set(range(7)):
                raise Refused(_("Please tick at least one day of the week."), field="weekdays")
        elif self.kind == WEEKLY:
            if not 1 <= self.times_per_week <= 7:
                raise Refused(_("Please choose between 1 and 7 times a week."), field="times_per_week")
        elif self.kind == ONCE:
            if self.once_on is None:
                raise Refused(_("Please choose the date."), field="once_on")
            if not today - START_WINDOW_BACK <= self.once_on <= today + PLAN_AHEAD:
                raise Refused(_("Please choose a date from the last week up to a year ahead."), field="once_on")
        elif self.kind != DAILY:
            raise Refused(_("Please choose how often."), field="kind")
        return self

    def bitmask(self) -> int:
        return sum(1 << d for d in self.weekdays) if self.kind == WEEKDAYS else 0

    def same_as(self, version: ScheduleVersion | Schedule | None) -> bool:
        if version is None:
            return False
        return (version.kind, version.weekdays, version.times_per_week, version.once_on) == (
            self.kind, self.bitmask(), self.times_per_week if self.kind == WEEKLY else 0,
            self.once_on if self.kind == ONCE else None)


def as_schedule(version: ScheduleVersion) -> Schedule:
    """Turn a stored schedule version into the score engine's value."""
    return Schedule(version.valid_from, version.kind, version.weekdays, version.times_per_week, version.once_on)


def current_version(commitment: Commitment) -> ScheduleVersion | None:
    """Return the newest schedule version of a commitment."""
    return commitment.schedules[-1] if commitment.schedules else None


def planned_schedule(commitment: Commitment) -> Schedule | None:
    """Return the schedule in use, or for a paused commitment the one it will resume with."""
    version = current_version(commitment)
    if version is None:
        return None
    if version.kind == PAUSED_SCHEDULE:
        if version.resume_kind is None:
            return None
        return Schedule(version.valid_from, version.resume_kind, version.weekdays, version.times_per_week,
                        version.once_on)
    return as_schedule(version)


def _set_version(commitment: Commitment, valid_from: date, kind: str, weekdays: int = 0,
                 times_per_week: int = 0, once_on: date | None = None, resume_kind: str | None = None) -> None:
    """Add a schedule version from a date, replacing one that starts that same day."""
    existing = next((v for v in commitment.schedules if v.valid_from == valid_from), None)
    if existing is None:
        commitment.schedules.append(ScheduleVersion(valid_from=valid_from, kind=kind, weekdays=weekdays,
                                                    times_per_week=times_per_week, once_on=once_on,
                                                    resume_kind=resume_kind))
        commitment.schedules.sort(key=lambda v: v.valid_from)
    else:
        existing.kind, existing.weekdays = kind, weekdays
        existing.times_per_week, existing.once_on = times_per_week, once_on
        existing.resume_kind = resume_kind
    # Versions after this one were plans for the future; the new choice replaces them.
    for later in [v for v in commitment.schedules if v.valid_from > valid_from]:
        commitment.schedules.remove(later)


def _apply_schedule(commitment: Commitment, schedule: ScheduleInput, valid_from: date) -> None:
    _set_version(commitment, valid_from, schedule.kind, schedule.bitmask(),
                 schedule.times_per_week if schedule.kind == WEEKLY else 0,
                 schedule.once_on if schedule.kind == ONCE else None)


def is_due(commitment: Commitment, day: date) -> bool:
    """Tell whether a commitment asks for anything on a local date (any day, for N-a-week ones)."""
    if day < commitment.start_date or (commitment.end_date and day > commitment.end_date):
        return False
    schedule = schedule_on([as_schedule(v) for v in commitment.schedules], day)
    return schedule is not None and (schedule.kind == WEEKLY or schedule.due_on(day))


# --- Commitments -------------------------------------------------------------------------


def _check_dates(start: date, end: date | None, today: date) -> None:
    if not today - START_WINDOW_BACK <= start <= today + PLAN_AHEAD:
        raise Refused(_("Please choose a start date from the last week up to a year ahead."), field="start_date")
    if end is not None and end < start:
        raise Refused(_("The end date can't be before the start date."), field="end_date")
    if end is not None and end > start + timedelta(days=5 * 366):
        raise Refused(_("Please choose an end date within five years, or leave it empty."), field="end_date")


def _check_connection(owner: User, connection_id: int | None) -> int | None:
    if connection_id is None:
        return None
    mine = Connection.person_id == owner.id if owner.is_person else Connection.loved_one_id == owner.id
    ok = db.session.scalar(
        sa.select(Connection.id).where(Connection.id == connection_id, mine, Connection.status != ENDED,
                                       Connection.supporter_id.is_(None))
    )
    if ok is None:
        raise Refused(_("Please choose someone from your circle."), field="connection_id")
    return connection_id


def _check_amends(owner: User, amends_id: int | None) -> int | None:
    if amends_id is None:
        return None
    if not owner.is_person:
        raise Refused(_("Only the person in recovery can link a commitment to an amends."), field="amends_id")
    from recovery.amends.models import AmendsEntry

    ok = db.session.scalar(sa.select(AmendsEntry.id).where(AmendsEntry.id == amends_id,
                                                           AmendsEntry.owner_id == owner.id))
    if ok is None:
        raise Refused(_("Please choose someone from your amends list."), field="amends_id")
    return amends_id


def living_commitments(entry) -> list[Commitment]:
    """Return the owner's commitments that carry out this amends entry over time, oldest first.

    Registered with amends' list of what carries out an amends (recovery/tracker/data.py), so the
    amends entry page can show them without amends importing the tracker.
    """
    return list(db.session.scalars(sa.select(Commitment).where(Commitment.amends_id == entry.id,
                                                               Commitment.owner_id == entry.owner_id)
                                   .order_by(Commitment.created_at)))


def create_commitment(owner: User, title: str, why: str, schedule: ScheduleInput, start_date: date,
                      end_date: date | None = None, connection_id: int | None = None, private: bool = False,
                      today: date | None = None, amends_id: int | None = None) -> Commitment:
    """Create a commitment (the person's, or a loved one's self-care), with its first schedule version."""
    if not keeps_commitments(owner):
        raise Refused(_("Commitments belong to the person in recovery and their loved ones."))
    today = today or today_for(owner)
    schedule.checked(today)
    _check_dates(start_date, end_date, today)
    commitment = Commitment(owner_id=owner.id, title=title.strip(), why=(why or "").strip(),
                            start_date=start_date, end_date=end_date, private=private,
                            connection_id=_check_connection(owner, connection_id),
                            amends_id=_check_amends(owner, amends_id))
    commitment.schedules = []
    _apply_schedule(commitment, schedule, start_date)
    db.session.add(commitment)
    db.session.flush()
    return commitment


def update_commitment(commitment: Commitment, title: str, why: str, schedule: ScheduleInput,
                      end_date: date | None, connection_id: int | None, private: bool,
                      today: date | None = None, amends_id: int | None = None) -> None:
    """Change a commitment. A new schedule applies from today on; days before keep the old one."""
    owner = commitment.owner
    today = today or today_for(owner)
    schedule.checked(today)
    if end_date is not None and end_date < commitment.start_date:
        raise Refused(_("The end date can't be before the start date."), field="end_date")
    commitment.title = title.strip()
    commitment.why = (why or "").strip()
    commitment.end_date = end_date
    commitment.private = private
    commitment.connection_id = _check_connection(owner, connection_id)
    commitment.amends_id = _check_amends(owner, amends_id)
    if commitment.status != "active":
        pause = current_version(commitment)
        if pause is not None and pause.kind == PAUSED_SCHEDULE:  # the new schedule starts on resume
            pause.resume_kind = schedule.kind
            pause.weekdays = schedule.bitmask()
            pause.times_per_week = schedule.times_per_week if schedule.kind == WEEKLY else 0
            pause.once_on = schedule.once_on if schedule.kind == ONCE else None
    elif not schedule.same_as(current_version(commitment)):
        _apply_schedule(commitment, schedule, max(today, commitment.start_date))


STATUS_ACTIONS = ("pause", "resume", "archive", "restore")


def change_status(commitment: Commitment, action: str, today: date | None = None) -> None:
    """Pause, resume, archive or restore a commitment; paused and archived days are never due."""
    today = today or today_for(commitment.owner)
    from_day = max(today, commitment.start_date)
    if action not in STATUS_ACTIONS:
        raise NotFound(action)
    if action == "pause" and commitment.status != "active":
        raise Refused(_("Only an active commitment can be paused."))
    if action == "archive" and commitment.status == "archived":
        raise Refused(_("That commitment is already archived."))
    if action == "resume" and commitment.status != "paused":
        raise Refused(_("That commitment isn't paused."))
    if action == "restore" and commitment.status != "archived":
        raise Refused(_("That commitment isn't archived."))
    if action in ("pause", "archive"):
        if commitment.status == "active":
            current = as_schedule(current_version(commitment))
            _set_version(commitment, from_day, PAUSED_SCHEDULE, current.weekdays, current.times_per_week,
                         current.once_on, resume_kind=current.kind)
        commitment.status = "paused" if action == "pause" else "archived"
    else:
        plan = planned_schedule(commitment)
        if plan is None:
            raise Refused(_("That commitment has no schedule to go back to."))
        _set_version(commitment, from_day, plan.kind, plan.weekdays, plan.times_per_week, plan.once_on)
        commitment.status = "active"


def own_commitments(owner: User, include_archived: bool = False) -> list[Commitment]:
    """Return the owner's commitments with their schedules, newest first."""
    stmt = _all_commitments() if include_archived else _current_commitments()
    return list(db.session.scalars(stmt, {"owner_id": owner.id}))


@once
def _all_commitments():
    return (sa.select(Commitment).where(Commitment.owner_id == sa.bindparam("owner_id"))
            .options(selectinload(Commitment.schedules)).order_by(Commitment.created_at.desc(), Commitment.id.desc()))


@once
def _current_commitments():
    return _all_commitments().where(Commitment.status != "archived")


def load_own_commitment(owner: User, commitment_id: int) -> Commitment:
    """Return one of the owner's commitments, or raise NotFound (shown as 404)."""
    commitment = db.session.scalar(_own_commitment(), {"id": commitment_id, "owner_id": owner.id})
    if commitment is None:
        raise NotFound(commitment_id)
    return commitment


@once
def _own_commitment():
    return (sa.select(Commitment)
            .where(Commitment.id == sa.bindparam("id"), Commitment.owner_id == sa.bindparam("owner_id"))
            .options(selectinload(Commitment.schedules)))


# --- What the other member may see ----------------------------------------------------------------


def visible_to_connection(connection: Connection, owner_id: int | None = None):
    """Return the rule for the owner's commitments the connection's other member may see once shared: not
    private, not archived, not about someone else. The owner is the person in recovery unless named (a loved
    one's self-care, seen by the person)."""
    owner_id = connection.person_id if owner_id is None else owner_id
    if owner_id not in (connection.person_id, connection.loved_one_id):
        return sa.false()
    return _rule(owner_id, connection.id, connection.is_support)


def _rule(owner_id, connection_id, support: bool) -> sa.ColumnElement:
    """The owner's commitments that are not private or archived; in a circle connection, only those about no
    one in particular or about this connection (a supporter the owner chose sees every one not private)."""
    rule = sa.and_(Commitment.owner_id == owner_id, Commitment.private.is_(False), Commitment.status != "archived")
    if support:
        return rule
    return sa.and_(rule, sa.or_(Commitment.connection_id.is_(None), Commitment.connection_id == connection_id))


def visible_rule(connection: Connection, owner_id: int | None = None) -> tuple[sa.ColumnElement, dict] | None:
    """visible_to_connection() as a rule built once and the values it takes (`owner_id`, `connection_id`):
    for statements kept with recovery.db.once. None when nothing can be visible."""
    owner_id = connection.person_id if owner_id is None else owner_id
    if owner_id not in (connection.person_id, connection.loved_one_id):
        return None
    return visible_rule_of(connection.is_support), {"owner_id": owner_id, "connection_id": connection.id}


def visible_rule_of(support: bool) -> sa.ColumnElement:
    """The same rule, taking `owner_id` and `connection_id` by name."""
    return _rule(sa.bindparam("owner_id"), sa.bindparam("connection_id"), support)


@once
def _shared_commitments_support():
    return _shared_commitments(True)


@once
def _shared_commitments_circle():
    return _shared_commitments(False)


def _shared_commitments(support: bool):
    return (sa.select(Commitment).where(visible_rule_of(support)).options(selectinload(Commitment.schedules))
            .order_by(Commitment.created_at.desc(), Commitment.id.desc()))


def shared_commitments(connection: Connection, owner_id: int | None = None) -> list[Commitment]:
    """Return the owner's commitments the other member of this connection may see (the caller checked the
    grant); the owner is the person in recovery unless named."""
    rule = visible_rule(connection, owner_id)
    if rule is None:
        return []
    statement = _shared_commitments_support() if connection.is_support else _shared_commitments_circle()
    return list(db.session.scalars(statement, rule[1]))


def load_shared_commitment(access: Access, commitment_id: int) -> Commitment:
    """Return one commitment the door's pass lets the viewer see (to the person's tracker, or to a loved one's
    self-care), or raise NotFound."""
    connection = access.require(area_of(access.owner))
    commitment = db.session.scalar(
        sa.select(Commitment).where(Commitment.id == commitment_id,
                                    visible_to_connection(connection, access.owner.id))
        .options(selectinload(Commitment.schedules))
    )
    if commitment is None:
        raise NotFound(commitment_id)
    return commitment


def load_shared_commitment_of_checkin(access: Access, checkin_id: int) -> Commitment:
    """Return the commitment of a check-in the door's pass to the tracker lets the viewer see, or raise NotFound."""
    access.require("tracker")
    commitment_id = db.session.scalar(sa.select(CheckIn.commitment_id).where(CheckIn.id == checkin_id))
    return load_shared_commitment(access, commitment_id or 0)

