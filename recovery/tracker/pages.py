"""What each tracker page and dashboard shows, each loaded in a fixed number of queries however long the history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from recovery.accounts.models import User
from recovery.circle.models import Connection
from recovery.circle.permissions import Access
from recovery.db import db, once
from recovery.tracker.checkins import OpenDay, open_days
from recovery.tracker.commitments import (
    area_of,
    as_schedule,
    own_commitments,
    shared_commitments,
    today_for,
)
from recovery.tracker.forms import checkin_form
from recovery.tracker.journey import Journey, journey
from recovery.tracker.models import (
    CHECKIN_STATUSES,
    KEPT,
    PARTLY,
    SAW,
    WEEKLY,
    CheckIn,
    CheckInAddendum,
    Commitment,
    Confirmation,
)
from recovery.tracker.progress import (
    HeatWeek,
    Overall,
    Summary,
    heatmap,
    heatmap_start,
    load_statuses,
    overall_of,
    summaries,
    summary_of,
)
from recovery.tracker.score import Schedule


@dataclass
class Overview:
    """The tracker's main page."""

    summaries: list[Summary]
    record: Overall  # the overall score, or while every commitment is young the plain record
    heatmap: list[HeatWeek]
    archived: list[Commitment] = field(default_factory=list)

    @property
    def overall(self) -> float | None:
        return self.record.score


def overview(owner: User, today: date | None = None) -> Overview:
    """Load the owner's tracker page: every commitment's score, the overall score and the heat map."""
    today = today or today_for(owner)
    commitments = own_commitments(owner, include_archived=True)
    current = [c for c in commitments if c.status != "archived"]
    items, statuses = summaries(commitments, today, since=heatmap_start(today))
    live = [s for s in items if s.commitment.status != "archived"]
    return Overview(summaries=live, record=overall_of(live), heatmap=heatmap(current, statuses, today),
                    archived=[c for c in commitments if c.status == "archived"])


def shared_overview(access: Access, today: date) -> Overview:
    """Load what the other member sees of the owner's commitments (the person's tracker, or a loved one's
    self-care), with the door's pass to it."""
    commitments = shared_commitments(access.require(area_of(access.owner)), access.owner.id)
    items, statuses = summaries(commitments, today, since=heatmap_start(today))
    return Overview(summaries=items, record=overall_of(items), heatmap=heatmap(commitments, statuses, today))


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



def today_page(owner: User, today: date | None = None) -> tuple[list[Summary], list[OpenDay]]:
    """Load what is due today and the recent days still waiting for a check-in, in one pass."""
    today = today or today_for(owner)
    active = [c for c in own_commitments(owner) if c.status == "active"]
    items, statuses = summaries(active, today)
    return _due(items), open_days(active, statuses, today)


@dataclass(frozen=True)
class Addendum:
    """A note added to a check-in after its day locked."""

    body: str
    created_at: datetime


@dataclass(frozen=True)
class Word:
    """A loved one's word on a check-in: "I saw this" or "I didn't see this", with any note."""

    confirmer_id: int
    confirmer_name: str
    verdict: str
    note: str


@dataclass
class RecentDay:
    """One check-in of a commitment's recent days, as its page shows it: plain values read in three statements,
    however many check-ins, notes and words there are."""

    id: int
    local_date: date
    status: str
    note: str
    addenda: list[Addendum] = field(default_factory=list)
    confirmations: list[Word] = field(default_factory=list)


@dataclass
class Detail:
    """One commitment's page."""

    summary: Summary
    weeks: list[HeatWeek]
    recent: list[RecentDay]
    confirmed: int
    confirmable: int
    history: list[Schedule]


def _in_recent_days():
    return sa.and_(CheckIn.commitment_id == sa.bindparam("commitment_id"), CheckIn.local_date > sa.bindparam("after"))


@once
def _recent_checkins():
    return (sa.select(CheckIn.id, CheckIn.local_date, CheckIn.status, CheckIn.note)
            .where(_in_recent_days()).order_by(CheckIn.local_date.desc()))


@once
def _recent_addenda():
    return (sa.select(CheckInAddendum.checkin_id, CheckInAddendum.body, CheckInAddendum.created_at)
            .join(CheckIn, CheckIn.id == CheckInAddendum.checkin_id).where(_in_recent_days())
            .order_by(CheckInAddendum.created_at, CheckInAddendum.id))


@once
def _recent_words():
    return (sa.select(Confirmation.checkin_id, Confirmation.confirmer_id, User.display_name, Confirmation.verdict,
                      Confirmation.note)
            .join(CheckIn, CheckIn.id == Confirmation.checkin_id).join(User, User.id == Confirmation.confirmer_id)
            .where(_in_recent_days()).order_by(Confirmation.created_at, Confirmation.id))


def recent_days(commitment_id: int, after: date) -> list[RecentDay]:
    """A commitment's check-ins after `after`, newest first, each with its added notes and loved ones' words."""
    values = {"commitment_id": commitment_id, "after": after}
    days = [RecentDay(*row) for row in db.session.execute(_recent_checkins(), values)]
    if days:
        by_id = {d.id: d for d in days}
        for checkin_id, body, created_at in db.session.execute(_recent_addenda(), values):
            by_id[checkin_id].addenda.append(Addendum(body, created_at))
        for checkin_id, *word in db.session.execute(_recent_words(), values):
            by_id[checkin_id].confirmations.append(Word(*word))
    return days


def commitment_detail(commitment: Commitment, today: date, recent_days_shown: int = 30) -> Detail:
    """Load a commitment's page: score, streaks, a 12-week calendar, recent check-ins and confirmations."""
    statuses = load_statuses([commitment], today, since=heatmap_start(today, weeks=12))
    summary, _ = summary_of(commitment, statuses[commitment.id], today)
    recent = recent_days(commitment.id, today - timedelta(days=recent_days_shown))
    confirmable = [c for c in recent if c.status in (KEPT, PARTLY)]
    confirmed = sum(1 for c in confirmable if any(x.verdict == SAW for x in c.confirmations))
    return Detail(summary=summary, weeks=heatmap([commitment], statuses, today, weeks=12), recent=recent,
                  confirmed=confirmed, confirmable=len(confirmable),
                  history=[as_schedule(v) for v in commitment.schedules])


# --- Dashboards ------------------------------------------------------------------------


@dataclass
class PersonToday:
    """The tracker's part of the person's dashboard."""

    due: list[Summary]
    overall: float | None
    journey: Journey
    has_commitments: bool
    checked_in_ever: bool
    young: bool = False  # every commitment still in its first days: show record_words, not a score
    record_words: str = ""


def person_dashboard(owner: User, today: date | None = None) -> PersonToday:
    """Load what is due today, the overall score and the next milestone, in a fixed number of queries."""
    today = today or today_for(owner)
    commitments = own_commitments(owner)
    items, statuses = summaries(commitments, today)
    due = _due(items)
    checked_in = any(statuses[c.id] for c in commitments) or bool(db.session.scalar(
        sa.select(CheckIn.id).join(Commitment).where(Commitment.owner_id == owner.id).limit(1)))
    record = overall_of(items)
    return PersonToday(due=due, overall=record.score, journey=journey(owner, today, wins_limit=3),
                       has_commitments=bool(commitments), checked_in_ever=checked_in,
                       young=record.young, record_words=record.record_words)


@dataclass
class SharedTracker:
    """What a loved one's dashboard shows of one person's shared tracker."""

    overall: float | None
    commitments: int
    waiting: list[CheckIn]
    young: bool = False  # every shared commitment still in its first days: show record_words, not a score
    record_words: str = ""


def loved_one_dashboard(viewer: User, connections: list[Connection]) -> dict[int, SharedTracker]:
    """For each connection sharing its tracker with the viewer, the person's consistency and days to confirm.

    Loads everything in three queries however many people the viewer supports.
    """
    if not connections:
        return {}
    # The same two statements for one person or twenty: the people and the ties are values, not clauses.
    values = {"people": sorted({c.person_id for c in connections}),
              "ties": sorted({(c.person_id, c.id) for c in connections}),
              "viewer_id": viewer.id,
              "earliest": min(today_for(c.person) for c in connections) - timedelta(days=7)}
    commitments = list(db.session.scalars(_circle_commitments(), values))
    statuses = load_statuses(commitments, min(today_for(c.person) for c in connections))
    waiting = list(db.session.scalars(_waiting_for_word(), values))
    result = {}
    for connection in connections:
        today = today_for(connection.person)
        mine = [c for c in commitments if c.owner_id == connection.person_id
                and (c.connection_id is None or c.connection_id == connection.id)]
        items = [summary_of(c, statuses[c.id], today)[0] for c in mine]
        ids = {c.id for c in mine}
        record = overall_of(items)
        result[connection.id] = SharedTracker(
            overall=record.score, commitments=len(mine), young=record.young, record_words=record.record_words,
            waiting=[w for w in waiting if w.commitment_id in ids and w.local_date >= today - timedelta(days=7)]
            if connection.loved_one_confirms else [])
    return result



def _visible_in_circle():
    """visible_to_connection() for all of a loved one's circle ties at once: a person's commitment that is not
    private or archived, about no one in particular or about that very tie (`ties`: (person, connection))."""
    return sa.and_(Commitment.owner_id.in_(sa.bindparam("people", expanding=True)),
                   Commitment.private.is_(False), Commitment.status != "archived",
                   sa.or_(Commitment.connection_id.is_(None),
                          sa.tuple_(Commitment.owner_id, Commitment.connection_id)
                          .in_(sa.bindparam("ties", expanding=True))))


@once
def _circle_commitments():
    return sa.select(Commitment).where(_visible_in_circle()).options(selectinload(Commitment.schedules))


@once
def _waiting_for_word():
    """Kept or partly kept check-ins from `earliest` on that the viewer has not answered yet."""
    answered = sa.select(Confirmation.checkin_id).where(Confirmation.confirmer_id == sa.bindparam("viewer_id"))
    return (sa.select(CheckIn).join(Commitment)
            .where(_visible_in_circle(), CheckIn.status.in_((KEPT, PARTLY)),
                   CheckIn.local_date >= sa.bindparam("earliest"), CheckIn.id.not_in(answered))
            .options(selectinload(CheckIn.commitment)).order_by(CheckIn.local_date.desc()))


# --- A loved one's self-care on their home ----------------------------------------------------------------


@dataclass
class SelfCareToday:
    """What a loved one's home shows of their own self-care: what is due today, with a quick check-in each."""

    today: date
    due: list[Summary]
    has_commitments: bool
    statuses: dict[str, str] = field(default_factory=lambda: dict(CHECKIN_STATUSES))

    def form(self, item: Summary):
        """The quick check-in form for one due commitment, showing any answer already given today."""
        return checkin_form(item.commitment.id, self.today, item.today_status)


@once
def _self_care():
    return (sa.select(Commitment)
            .where(Commitment.owner_id == sa.bindparam("owner_id"), Commitment.status != "archived")
            .options(joinedload(Commitment.schedules)).order_by(Commitment.created_at.desc(), Commitment.id.desc()))


def self_care_home(owner: User, today: date | None = None) -> SelfCareToday:
    """Load a loved one's self-care due today for their home: two queries at most (one with no commitments)."""
    today = today or today_for(owner)
    commitments = list(db.session.scalars(_self_care(), {"owner_id": owner.id}).unique())
    active = [c for c in commitments if c.status == "active"]
    items, _ = summaries(active, today) if active else ([], {})
    return SelfCareToday(today=today, due=_due(items), has_commitments=bool(commitments))
