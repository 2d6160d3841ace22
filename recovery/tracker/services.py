"""Tracker rules: commitments and schedules, check-ins, confirmations, scores, setbacks and milestones.

Every date here is the owner's local calendar date (ARCHITECTURE.md pattern 5). Pages load
what they show in a fixed number of queries, however long the history (pattern 6).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from recovery.accounts.models import User
from recovery.circle.models import ENDED, Connection
from recovery.db import db, insert_unless_present, utcnow
from recovery.errors import Refused
from recovery.timezones import local_today
from recovery.tracker.models import (
    CHECKIN_STATUSES,
    DAILY,
    KEPT,
    ONCE,
    PARTLY,
    PAUSED,
    SAW,
    VERDICTS,
    WEEKDAYS,
    WEEKLY,
    CheckIn,
    CheckInAddendum,
    Commitment,
    Confirmation,
    ScheduleVersion,
    Setback,
    SmallWin,
)
from recovery.tracker.score import (
    Occasion,
    Progress,
    Schedule,
    Streaks,
    day_records,
    fold,
    occasions,
    schedule_on,
    settled_through,
)

EDIT_WINDOW = timedelta(days=7)
START_WINDOW_BACK = timedelta(days=7)
PLAN_AHEAD = timedelta(days=366)
HEATMAP_WEEKS = 26
MILESTONE_DAYS = (1, 7, 30, 60, 90, 180, 365)
CONFIRM_WINDOW = timedelta(days=30)


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
                raise Refused("Please tick at least one day of the week.", field="weekdays")
        elif self.kind == WEEKLY:
            if not 1 <= self.times_per_week <= 7:
                raise Refused("Please choose between 1 and 7 times a week.", field="times_per_week")
        elif self.kind == ONCE:
            if self.once_on is None:
                raise Refused("Please choose the date.", field="once_on")
            if not today - START_WINDOW_BACK <= self.once_on <= today + PLAN_AHEAD:
                raise Refused("Please choose a date from the last week up to a year ahead.", field="once_on")
        elif self.kind != DAILY:
            raise Refused("Please choose how often.", field="kind")
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
    if version.kind == PAUSED:
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


# --- Commitments -------------------------------------------------------------------------


def _check_dates(start: date, end: date | None, today: date) -> None:
    if not today - START_WINDOW_BACK <= start <= today + PLAN_AHEAD:
        raise Refused("Please choose a start date from the last week up to a year ahead.", field="start_date")
    if end is not None and end < start:
        raise Refused("The end date can't be before the start date.", field="end_date")
    if end is not None and end > start + timedelta(days=5 * 366):
        raise Refused("Please choose an end date within five years, or leave it empty.", field="end_date")


def _check_connection(owner: User, connection_id: int | None) -> int | None:
    if connection_id is None:
        return None
    ok = db.session.scalar(
        sa.select(Connection.id).where(Connection.id == connection_id, Connection.person_id == owner.id,
                                       Connection.status != ENDED)
    )
    if ok is None:
        raise Refused("Please choose someone from your circle.", field="connection_id")
    return connection_id


def _check_amends(owner: User, amends_id: int | None) -> int | None:
    if amends_id is None:
        return None
    from recovery.amends.models import AmendsEntry

    ok = db.session.scalar(sa.select(AmendsEntry.id).where(AmendsEntry.id == amends_id,
                                                           AmendsEntry.owner_id == owner.id))
    if ok is None:
        raise Refused("Please choose someone from your amends list.", field="amends_id")
    return amends_id


def create_commitment(owner: User, title: str, why: str, schedule: ScheduleInput, start_date: date,
                      end_date: date | None = None, connection_id: int | None = None, private: bool = False,
                      today: date | None = None, amends_id: int | None = None) -> Commitment:
    """Create a commitment for a person in recovery, with its first schedule version."""
    if not owner.is_person:
        raise Refused("Commitments belong to the person in recovery.")
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
        raise Refused("The end date can't be before the start date.", field="end_date")
    commitment.title = title.strip()
    commitment.why = (why or "").strip()
    commitment.end_date = end_date
    commitment.private = private
    commitment.connection_id = _check_connection(owner, connection_id)
    commitment.amends_id = _check_amends(owner, amends_id)
    if commitment.status != "active":
        pause = current_version(commitment)
        if pause is not None and pause.kind == PAUSED:  # the new schedule starts on resume
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
        raise LookupError(action)
    if action == "pause" and commitment.status != "active":
        raise Refused("Only an active commitment can be paused.")
    if action == "archive" and commitment.status == "archived":
        raise Refused("That commitment is already archived.")
    if action == "resume" and commitment.status != "paused":
        raise Refused("That commitment isn't paused.")
    if action == "restore" and commitment.status != "archived":
        raise Refused("That commitment isn't archived.")
    if action in ("pause", "archive"):
        if commitment.status == "active":
            current = as_schedule(current_version(commitment))
            _set_version(commitment, from_day, PAUSED, current.weekdays, current.times_per_week, current.once_on,
                         resume_kind=current.kind)
        commitment.status = "paused" if action == "pause" else "archived"
    else:
        plan = planned_schedule(commitment)
        if plan is None:
            raise Refused("That commitment has no schedule to go back to.")
        _set_version(commitment, from_day, plan.kind, plan.weekdays, plan.times_per_week, plan.once_on)
        commitment.status = "active"


def own_commitments(owner: User, include_archived: bool = False) -> list[Commitment]:
    """Return the owner's commitments with their schedules, newest first."""
    stmt = (sa.select(Commitment).where(Commitment.owner_id == owner.id)
            .options(selectinload(Commitment.schedules)).order_by(Commitment.created_at.desc(), Commitment.id.desc()))
    if not include_archived:
        stmt = stmt.where(Commitment.status != "archived")
    return list(db.session.scalars(stmt))


def load_own_commitment(owner: User, commitment_id: int) -> Commitment:
    """Return one of the owner's commitments, or raise LookupError (shown as 404)."""
    commitment = db.session.scalar(
        sa.select(Commitment).where(Commitment.id == commitment_id, Commitment.owner_id == owner.id)
        .options(selectinload(Commitment.schedules))
    )
    if commitment is None:
        raise LookupError(commitment_id)
    return commitment


# --- What loved ones may see ----------------------------------------------------------------


def _visible_to_connection(connection: Connection):
    """Commitments a connection may see once the tracker is shared: not private, and not about someone else."""
    return sa.and_(
        Commitment.owner_id == connection.person_id,
        Commitment.private.is_(False),
        Commitment.status != "archived",
        sa.or_(Commitment.connection_id.is_(None), Commitment.connection_id == connection.id),
    )


def shared_commitments(connection: Connection) -> list[Commitment]:
    """Return the commitments the loved one in this connection may see (the caller checked the grant)."""
    return list(db.session.scalars(
        sa.select(Commitment).where(_visible_to_connection(connection))
        .options(selectinload(Commitment.schedules)).order_by(Commitment.created_at.desc(), Commitment.id.desc())
    ))


def load_shared_commitment(connection: Connection, commitment_id: int) -> Commitment:
    """Return one commitment visible through this connection, or raise LookupError."""
    commitment = db.session.scalar(
        sa.select(Commitment).where(Commitment.id == commitment_id, _visible_to_connection(connection))
        .options(selectinload(Commitment.schedules))
    )
    if commitment is None:
        raise LookupError(commitment_id)
    return commitment


def load_shared_commitment_of_checkin(connection: Connection, checkin_id: int) -> Commitment:
    """Return the commitment of a check-in visible through this connection, or raise LookupError."""
    commitment_id = db.session.scalar(sa.select(CheckIn.commitment_id).where(CheckIn.id == checkin_id))
    return load_shared_commitment(connection, commitment_id or 0)


# --- Check-ins --------------------------------------------------------------------------------


def is_due(commitment: Commitment, day: date) -> bool:
    """Tell whether a commitment asks for anything on a local date (any day, for N-a-week ones)."""
    if day < commitment.start_date or (commitment.end_date and day > commitment.end_date):
        return False
    schedule = schedule_on([as_schedule(v) for v in commitment.schedules], day)
    return schedule is not None and (schedule.kind == WEEKLY or schedule.due_on(day))


def can_edit(day: date, today: date) -> bool:
    """Tell whether a day's check-in may still change (today and the 7 days before)."""
    return today - EDIT_WINDOW <= day <= today


def record_checkin(commitment: Commitment, day: date, status: str, note: str = "",
                   today: date | None = None) -> CheckIn:
    """Record or change how a commitment went on a day; past days lock after 7 days."""
    today = today or today_for(commitment.owner)
    if status not in CHECKIN_STATUSES:
        raise Refused("Please choose kept, partly or missed.", field="status")
    if day > today:
        raise Refused("You can only check in for today or earlier.", field="day")
    if not can_edit(day, today):
        raise Refused("Check-ins lock after 7 days so the record stays honest. You can still add a note.",
                      field="day")
    if not is_due(commitment, day):
        raise Refused("This commitment wasn't due that day, so there's nothing to check in.", field="day")
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
    """Return a check-in on one of the owner's commitments, or raise LookupError."""
    checkin = db.session.scalar(
        sa.select(CheckIn).join(Commitment).where(CheckIn.id == checkin_id, Commitment.owner_id == owner.id)
    )
    if checkin is None:
        raise LookupError(checkin_id)
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
        raise Refused("Please write the note first.", field="body")
    note = CheckInAddendum(checkin_id=checkin.id, body=body)
    db.session.add(note)
    db.session.flush()
    return note


# --- Confirmations ------------------------------------------------------------------------------


def confirm(viewer: User, connection: Connection, checkin_id: int, verdict: str, note: str = "",
            today: date | None = None) -> Confirmation:
    """Record a loved one's "I saw this" or "I didn't see this" on a check-in they can see."""
    if verdict not in VERDICTS:
        raise Refused("Please choose one of the two answers.", field="verdict")
    checkin = db.session.scalar(
        sa.select(CheckIn).join(Commitment).where(CheckIn.id == checkin_id, _visible_to_connection(connection))
    )
    if checkin is None or viewer.id != connection.loved_one_id:
        raise LookupError(checkin_id)
    if not connection.loved_one_confirms:
        raise Refused("You chose not to be asked about check-ins. You can change that in My circle.",
                      field="verdict")
    if checkin.status not in (KEPT, PARTLY):
        raise Refused("Only kept or partly kept days can be confirmed.")
    today = today or today_for(viewer)
    if checkin.local_date < today - CONFIRM_WINDOW - timedelta(days=1):
        raise Refused("This check-in is too old to confirm now.")
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


# --- Summaries for pages ----------------------------------------------------------------------------


@dataclass
class Summary:
    """A commitment with what its pages show about it."""

    commitment: Commitment
    schedule: Schedule | None
    score: float
    streaks: Streaks
    due_today: bool
    today_status: str | None
    week_done: int = 0
    settled: int = 0

    @property
    def percent(self) -> int:
        return round(self.score * 100)


# Every page needs this many recent days of check-ins: today, this week, the 7 days still open.
RECENT_DAYS = 14


def _progress_key(commitment: Commitment, versions: list[Schedule], through: date) -> str:
    """Name the dates and schedules that decide the occasions up to `through`."""
    end = commitment.end_date if commitment.end_date and commitment.end_date <= through else None
    parts = [str(commitment.start_date), str(end)] + [
        f"{v.valid_from}:{v.kind}:{v.weekdays}:{v.times_per_week}:{v.once_on}" for v in versions
        if v.valid_from <= through]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def _saved_progress(commitment: Commitment, versions: list[Schedule]) -> tuple[date, Progress] | None:
    """The progress saved on a commitment, if it still holds for its dates and schedules."""
    through = commitment.progress_through
    if through is None or commitment.progress_key != _progress_key(commitment, versions, through):
        return None
    return through, Progress(score=commitment.progress_score, current=commitment.progress_current,
                             best=commitment.progress_best, settled=commitment.progress_settled)


def _replay_from(commitment: Commitment) -> date:
    """The first day whose check-ins a summary of this commitment needs."""
    saved = _saved_progress(commitment, [as_schedule(v) for v in commitment.schedules])
    return saved[0] + timedelta(days=1) if saved else commitment.start_date


def _statuses(commitments: list[Commitment], today: date, since: date | None = None) -> dict[int, dict[date, str]]:
    """Load, in one query, the check-in statuses the pages need, as {id: {day: status}}.

    That is the days after each commitment's saved progress (so years of history are never
    loaded again), the recent days every page shows, and anything from `since` (a calendar).
    """
    result: dict[int, dict[date, str]] = defaultdict(dict)
    if commitments:
        first = min([today - timedelta(days=RECENT_DAYS), *([since] if since else []),
                     *(_replay_from(c) for c in commitments)])
        rows = db.session.execute(
            sa.select(CheckIn.commitment_id, CheckIn.local_date, CheckIn.status)
            .where(CheckIn.commitment_id.in_([c.id for c in commitments]), CheckIn.local_date >= first)
        )
        for cid, day, status in rows:
            result[cid][day] = status
    return result


def _progress(commitment: Commitment, versions: list[Schedule], statuses: dict[date, str],
              today: date) -> tuple[Progress, list[Occasion]]:
    """Score and streaks up to today, carrying on from the saved progress; returns the occasions replayed.

    Days up to score.settled_through(today) can never change, so the progress over them is saved
    on the commitment (after the request, by db.save_cache_writes) and later requests replay only
    the days after it: the cost of a page no longer grows with years of history.
    """
    saved = _saved_progress(commitment, versions)
    through, progress = saved if saved else (None, Progress())
    first = through + timedelta(days=1) if through else None
    cutoff = settled_through(today)
    if cutoff >= commitment.start_date and (through is None or through < cutoff):
        settled = occasions(commitment.start_date, commitment.end_date, versions, statuses, today,
                            first=first, until=cutoff)
        progress = fold(settled, progress)
        first = cutoff + timedelta(days=1)
        # Saved after the page is drawn (db.save_cache_writes), never mid-read.
        db.session.info.setdefault("cache_writes", []).append((Commitment, commitment.id, {
            "progress_through": cutoff, "progress_key": _progress_key(commitment, versions, cutoff),
            "progress_score": progress.score, "progress_current": progress.current,
            "progress_best": progress.best, "progress_settled": progress.settled}))
    recent = occasions(commitment.start_date, commitment.end_date, versions, statuses, today, first=first)
    return fold(recent, progress), recent


def _summary(commitment: Commitment, statuses: dict[date, str], today: date) -> tuple[Summary, list[Occasion]]:
    versions = [as_schedule(v) for v in commitment.schedules]
    progress, items = _progress(commitment, versions, statuses, today)
    schedule = schedule_on(versions, today) if today >= commitment.start_date else (versions[0] if versions else None)
    week_start = today - timedelta(days=today.weekday())
    week_done = sum(1 for d, s in statuses.items() if week_start <= d <= today and s in (KEPT, PARTLY))
    summary = Summary(
        commitment=commitment,
        schedule=schedule,
        score=progress.score,
        streaks=Streaks(current=progress.current, best=progress.best),
        due_today=commitment.status == "active" and is_due(commitment, today),
        today_status=statuses.get(today),
        week_done=week_done,
        settled=progress.settled,
    )
    return summary, items


def summaries(commitments: list[Commitment], today: date,
              since: date | None = None) -> tuple[list[Summary], dict[int, dict[date, str]]]:
    """Summarize commitments (schedules already loaded) with one query for all their check-ins."""
    statuses = _statuses(commitments, today, since)
    return [_summary(c, statuses[c.id], today)[0] for c in commitments], statuses


def overall(items: list[Summary]) -> float | None:
    """Return the mean score of the commitments that have any settled occasion, or None."""
    scored = [s.score for s in items if s.settled]
    return sum(scored) / len(scored) if scored else None


@dataclass
class HeatDay:
    """One square of the calendar heat map."""

    day: date
    due: int
    done: float
    future: bool = False
    today: bool = False

    @property
    def level(self) -> str:
        if self.future:
            return "future"
        if not self.due:
            return "none"
        ratio = self.done / self.due
        if self.today and ratio < 0.999:
            return "open"  # the day isn't over: nothing counts as missed yet
        if ratio >= 0.999:
            return "full"
        if ratio >= 0.5:
            return "most"
        if ratio > 0:
            return "some"
        return "zero"

    @property
    def label(self) -> str:
        when = f"{self.day:%A %-d %B %Y}"
        if self.future:
            return f"{when}: still to come"
        if not self.due:
            return f"{when}: nothing due"
        if self.today and self.level == "open":
            return f"{when} (today): {self.due} due, still open"
        done = f"{self.done:g}".rstrip("0").rstrip(".") if self.done % 1 else f"{int(self.done)}"
        return f"{when}: {done} of {self.due} kept"


def heatmap_start(today: date, weeks: int = HEATMAP_WEEKS) -> date:
    """The Monday the calendar starts on: `weeks` columns ending with this week."""
    last_sunday = today + timedelta(days=6 - today.weekday())
    return last_sunday - timedelta(days=7 * weeks - 1)


def heatmap(commitments: list[Commitment], statuses: dict[int, dict[date, str]], today: date,
            weeks: int = HEATMAP_WEEKS) -> list[list[HeatDay]]:
    """Build week columns (Monday to Sunday) of kept-versus-due for the last `weeks` weeks."""
    first = heatmap_start(today, weeks)
    due = defaultdict(int)
    done = defaultdict(float)
    values = {KEPT: 1.0, PARTLY: 0.5}
    for c in commitments:
        versions = [as_schedule(v) for v in c.schedules]
        for record in day_records(c.start_date, c.end_date, versions, statuses[c.id], first, today, today):
            if record.due:
                due[record.day] += 1
                done[record.day] += values.get(record.status, 0.0)
    columns = []
    for w in range(weeks):
        start = first + timedelta(days=7 * w)
        days = [start + timedelta(days=i) for i in range(7)]
        columns.append([HeatDay(d, due[d], done[d], future=d > today, today=d == today) for d in days])
    return columns


@dataclass
class Overview:
    """The tracker's main page."""

    summaries: list[Summary]
    overall: float | None
    heatmap: list[list[HeatDay]]
    archived: list[Commitment] = field(default_factory=list)


def overview(owner: User, today: date | None = None) -> Overview:
    """Load the owner's tracker page: every commitment's score, the overall score and the heat map."""
    today = today or today_for(owner)
    commitments = own_commitments(owner, include_archived=True)
    current = [c for c in commitments if c.status != "archived"]
    items, statuses = summaries(commitments, today, since=heatmap_start(today))
    live = [s for s in items if s.commitment.status != "archived"]
    return Overview(summaries=live, overall=overall(live), heatmap=heatmap(current, statuses, today),
                    archived=[c for c in commitments if c.status == "archived"])


def shared_overview(connection: Connection, today: date) -> Overview:
    """Load what a loved one sees of the person's tracker in this connection."""
    commitments = shared_commitments(connection)
    items, statuses = summaries(commitments, today, since=heatmap_start(today))
    return Overview(summaries=items, overall=overall(items), heatmap=heatmap(commitments, statuses, today))


def _due(items: list[Summary]) -> list[Summary]:
    """Keep active commitments due today; "N a week" ones only until this week's target is met."""
    result = []
    for s in items:
        if s.commitment.status != "active" or not s.due_today:
            continue
        if s.schedule and s.schedule.kind == WEEKLY and s.week_done >= s.schedule.times_per_week \
                and s.today_status is None:
            continue
        result.append(s)
    return result


def due_today(owner: User, today: date | None = None) -> list[Summary]:
    """List the owner's active commitments due today."""
    return today_page(owner, today)[0]


def today_page(owner: User, today: date | None = None) -> tuple[list[Summary], list[OpenDay]]:
    """Load what is due today and the recent days still waiting for a check-in, in one pass."""
    today = today or today_for(owner)
    active = [c for c in own_commitments(owner) if c.status == "active"]
    items, statuses = summaries(active, today)
    return _due(items), open_days(active, statuses, today)


@dataclass
class Detail:
    """One commitment's page."""

    summary: Summary
    weeks: list[list[HeatDay]]
    recent: list[CheckIn]
    confirmed: int
    confirmable: int
    history: list[Schedule]


def commitment_detail(commitment: Commitment, today: date, recent_days: int = 30) -> Detail:
    """Load a commitment's page: score, streaks, a 12-week calendar, recent check-ins and confirmations."""
    statuses = _statuses([commitment], today, since=heatmap_start(today, weeks=12))
    summary, _ = _summary(commitment, statuses[commitment.id], today)
    recent = list(db.session.scalars(
        sa.select(CheckIn).where(CheckIn.commitment_id == commitment.id,
                                 CheckIn.local_date > today - timedelta(days=recent_days))
        .order_by(CheckIn.local_date.desc())
        .options(selectinload(CheckIn.addenda),
                 selectinload(CheckIn.confirmations).selectinload(Confirmation.confirmer))
    ))
    confirmable = [c for c in recent if c.status in (KEPT, PARTLY)]
    confirmed = sum(1 for c in confirmable if any(x.verdict == SAW for x in c.confirmations))
    return Detail(summary=summary, weeks=heatmap([commitment], statuses, today, weeks=12), recent=recent,
                  confirmed=confirmed, confirmable=len(confirmable),
                  history=[as_schedule(v) for v in commitment.schedules])


def waiting_for_confirmation(connection: Connection, viewer: User, today: date, limit: int = 20) -> list[CheckIn]:
    """List recent kept or partly kept check-ins this loved one hasn't answered yet (if they chose to be asked)."""
    if not connection.loved_one_confirms:
        return []
    answered = sa.select(Confirmation.checkin_id).where(Confirmation.confirmer_id == viewer.id)
    return list(db.session.scalars(
        sa.select(CheckIn).join(Commitment)
        .where(_visible_to_connection(connection), CheckIn.status.in_((KEPT, PARTLY)),
               CheckIn.local_date >= today - timedelta(days=7), CheckIn.id.not_in(answered))
        .options(selectinload(CheckIn.commitment))
        .order_by(CheckIn.local_date.desc()).limit(limit)
    ))


# --- Setbacks, small wins and milestones ---------------------------------------------------------------


def log_setback(owner: User, day: date, what_happened: str, next_step: str, shared: bool = False,
                today: date | None = None) -> Setback:
    """Record a setback honestly; it restarts "days since" but wipes nothing."""
    today = today or today_for(owner)
    if not owner.is_person:
        raise Refused("Setbacks belong to the person in recovery.")
    if day > today:
        raise Refused("Please choose today or a day before.", field="local_date")
    if day < today - timedelta(days=366 * 5):
        raise Refused("Please choose a date in the last five years.", field="local_date")
    setback = Setback(owner_id=owner.id, local_date=day, what_happened=(what_happened or "").strip(),
                      next_step=(next_step or "").strip(), shared=shared)
    db.session.add(setback)
    db.session.flush()
    return setback


def load_own_setback(owner: User, setback_id: int) -> Setback:
    """Return one of the owner's setbacks, or raise LookupError."""
    setback = db.session.scalar(sa.select(Setback).where(Setback.id == setback_id, Setback.owner_id == owner.id))
    if setback is None:
        raise LookupError(setback_id)
    return setback


def add_small_win(owner: User, text: str, today: date | None = None) -> SmallWin:
    """Note something the person did right today."""
    text = (text or "").strip()
    if not text:
        raise Refused("Please write what went well.", field="text")
    win = SmallWin(owner_id=owner.id, local_date=today or today_for(owner), text=text)
    db.session.add(win)
    db.session.flush()
    return win


def set_recovery_start(owner: User, day: date | None, today: date | None = None) -> None:
    """Set or clear the day the person counts their recovery from."""
    today = today or today_for(owner)
    if day is not None and day > today:
        raise Refused("Please choose today or a day before.", field="recovery_start")
    if day is not None and day < date(1950, 1, 1):
        raise Refused("Please check the year.", field="recovery_start")
    owner.recovery_start = day


def milestone_days(up_to: int) -> list[int]:
    """Return the milestones up to a number of days: 1, 7, 30, 60, 90, 180, 365, then every year."""
    result = [d for d in MILESTONE_DAYS if d <= up_to]
    year = 2
    while 365 * year <= up_to:
        result.append(365 * year)
        year += 1
    return result


def next_milestone(days: int) -> int:
    """Return the next milestone after a number of days."""
    for d in MILESTONE_DAYS:
        if d > days:
            return d
    return 365 * (days // 365 + 1)


def milestone_label(days: int) -> str:
    """Say a milestone in words."""
    if days % 365 == 0:
        years = days // 365
        return "1 year" if years == 1 else f"{years} years"
    return "1 day" if days == 1 else f"{days} days"


@dataclass
class Journey:
    """Recovery days, milestones, setbacks and small wins."""

    start: date | None
    run_start: date | None
    days: int | None
    total_days: int | None
    reached: list[int]
    next_days: int | None
    today_is_milestone: bool
    setbacks: list[Setback]
    wins: list[SmallWin]

    @property
    def next_in(self) -> int | None:
        return None if self.days is None or self.next_days is None else self.next_days - self.days


def journey(owner: User, today: date | None = None, shared_only: bool = False, wins_limit: int = 30) -> Journey:
    """Work out days since the start or the last setback, milestones, and recent setbacks and wins."""
    today = today or today_for(owner)
    stmt = sa.select(Setback).where(Setback.owner_id == owner.id).order_by(Setback.local_date.desc(),
                                                                           Setback.id.desc())
    if shared_only:
        stmt = stmt.where(Setback.shared.is_(True))
    setbacks = list(db.session.scalars(stmt))
    last_setback = db.session.scalar(sa.select(sa.func.max(Setback.local_date)).where(Setback.owner_id == owner.id))
    wins = list(db.session.scalars(
        sa.select(SmallWin).where(SmallWin.owner_id == owner.id)
        .order_by(SmallWin.local_date.desc(), SmallWin.id.desc()).limit(wins_limit)))
    start = owner.recovery_start
    if start is None:
        return Journey(None, None, None, None, [], None, False, setbacks, wins)
    run_start = start
    if last_setback is not None and last_setback >= start:
        run_start = last_setback + timedelta(days=1)
    days = max(0, (today - run_start).days)
    return Journey(start=start, run_start=run_start, days=days, total_days=(today - start).days,
                   reached=milestone_days(days), next_days=next_milestone(days),
                   today_is_milestone=days in milestone_days(days) and days > 0, setbacks=setbacks, wins=wins)


# --- Dashboards ---------------------------------------------------------------------------------------------


@dataclass
class PersonToday:
    """The tracker's part of the person's dashboard."""

    due: list[Summary]
    overall: float | None
    journey: Journey
    has_commitments: bool
    checked_in_ever: bool


def person_dashboard(owner: User, today: date | None = None) -> PersonToday:
    """Load what is due today, the overall score and the next milestone, in a fixed number of queries."""
    today = today or today_for(owner)
    commitments = own_commitments(owner)
    items, statuses = summaries(commitments, today)
    due = _due(items)
    checked_in = any(statuses[c.id] for c in commitments) or bool(db.session.scalar(
        sa.select(CheckIn.id).join(Commitment).where(Commitment.owner_id == owner.id).limit(1)))
    return PersonToday(due=due, overall=overall(items), journey=journey(owner, today, wins_limit=3),
                       has_commitments=bool(commitments), checked_in_ever=checked_in)


@dataclass
class SharedTracker:
    """What a loved one's dashboard shows of one person's shared tracker."""

    overall: float | None
    commitments: int
    waiting: list[CheckIn]


def loved_one_dashboard(viewer: User, connections: list[Connection]) -> dict[int, SharedTracker]:
    """For each connection sharing its tracker with the viewer, the person's consistency and days to confirm.

    Loads everything in three queries however many people the viewer supports.
    """
    if not connections:
        return {}
    visible = sa.or_(*[_visible_to_connection(c) for c in connections])
    commitments = list(db.session.scalars(
        sa.select(Commitment).where(visible).options(selectinload(Commitment.schedules))))
    statuses = _statuses(commitments, min(today_for(c.person) for c in connections))
    answered = sa.select(Confirmation.checkin_id).where(Confirmation.confirmer_id == viewer.id)
    earliest = min(today_for(c.person) for c in connections) - timedelta(days=7)
    waiting = list(db.session.scalars(
        sa.select(CheckIn).join(Commitment)
        .where(visible, CheckIn.status.in_((KEPT, PARTLY)), CheckIn.local_date >= earliest,
               CheckIn.id.not_in(answered))
        .options(selectinload(CheckIn.commitment)).order_by(CheckIn.local_date.desc())))
    result = {}
    for connection in connections:
        today = today_for(connection.person)
        mine = [c for c in commitments if c.owner_id == connection.person_id
                and (c.connection_id is None or c.connection_id == connection.id)]
        items = [_summary(c, statuses[c.id], today)[0] for c in mine]
        ids = {c.id for c in mine}
        result[connection.id] = SharedTracker(
            overall=overall(items), commitments=len(mine),
            waiting=[w for w in waiting if w.commitment_id in ids and w.local_date >= today - timedelta(days=7)]
            if connection.loved_one_confirms else [])
    return result


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


def catch_up(owner: User, today: date | None = None) -> list[OpenDay]:
    """List the owner's recent due days without a check-in."""
    today = today or today_for(owner)
    active = own_commitments(owner)
    return open_days(active, _statuses(active, today), today)
