"""What a supporter reads of the people who chose them: the overview's facts and a session's summary.

These are other people's records, so they are read only through the door (circle/permissions.py):
- the overview asks `SharedPage` once for every tie, reads the tracker facts of the people who share
  their commitments now, and notes each of them with `show`, so each visit is logged. Its SQL is the
  same for 1 person as for 50 (tests/supporters/test_overview.py pins it);
- a session summary takes a pass from `shared_through` for each part the person shares now (each
  visit logged), and every loader here takes that pass first and checks its part (`access.require`).
Nothing is read for a tie whose consent ended or ran out.

Setbacks are the most private entries Mend keeps: each stays hidden unless the person chose to tell
"people who see my milestones" about it (tracker/journey.py). So a session summary shows, with the
milestones, only the setbacks the person chose to tell about; the overview counts them only when the
person shares their tracker and their milestones. Small wins belong with milestones too, as on the
milestones page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from recovery.accounts.models import User
from recovery.boundaries import services as boundary_services
from recovery.boundaries.models import Boundary, BoundaryAck, BoundaryEvent
from recovery.circle.models import Connection, Invitation
from recovery.circle.permissions import (
    Access,
    SharedPage,
    areas_shared_with,
    consent_holds,
    live,
    shared_through,
)
from recovery.conversations import services as talk_services
from recovery.conversations.models import ConversationPlan
from recovery.db import db
from recovery.errors import NotFound
from recovery.i18n import lazy_gettext as _l
from recovery.plan import services as plan_services
from recovery.plan.models import HardDaysPlan
from recovery.supporters import services
from recovery.supporters.models import Consent
from recovery.timezones import local_today, to_local
from recovery.tracker.commitments import area_of, keeps_commitments, shared_commitments, visible_to_connection
from recovery.tracker.journey import Journey, shared_journey
from recovery.tracker.models import KEPT, MISSED, PARTLY, CheckIn, Commitment, Setback, SmallWin
from recovery.trust.models import TrustCheckIn

RECENT_SETBACK_DAYS = 14  # the overview counts setbacks in the last two weeks
SOON_DAYS = 14  # "Consent ends in N days" from this many days before its last day
SORTS = {"name": _l("Name"), "ends": _l("Consent ends soonest"), "last": _l("Last check-in")}
DEFAULT_SORT = "name"
WEEKS = (2, 4)  # a session summary looks back this many weeks
DEFAULT_WEEKS = 2


def today_for(user: User) -> date:
    """Today where the person lives: their week and their window are counted in their own days."""
    return local_today(user.timezone)


# --- The overview ---------------------------------------------------------------------------------------


@dataclass
class Counts:
    """How many check-ins were kept, partly kept and missed."""

    kept: int = 0
    partly: int = 0
    missed: int = 0

    def add(self, status: str) -> None:
        """Count one check-in."""
        if status == KEPT:
            self.kept += 1
        elif status == PARTLY:
            self.partly += 1
        elif status == MISSED:
            self.missed += 1


@dataclass
class Person:
    """One person who chose the supporter, as the overview shows them."""

    tie: Connection
    user: User
    last_day: date | None  # the consent's last day (in the person's time zone)
    today: date  # the person's today
    shares: list[str] = field(default_factory=list)  # what they share now (names only)
    # Their commitments' part ("tracker", or a loved one's "self_care") when it is shared now: the
    # facts below are read and shown only then.
    commitments_area: str | None = None
    last_checkin: date | None = None
    week: Counts | None = None
    setbacks: int | None = None  # only when the person lets the supporter see setbacks (see the module)

    @property
    def kind(self) -> str:
        """"Person in recovery" or "Loved one"."""
        return self.user.role_label

    @property
    def ends_in(self) -> int | None:
        """Days left before the consent's last day, when it is SOON_DAYS or fewer (0: today is the last)."""
        if self.last_day is None:
            return None
        left = (self.last_day - self.today).days
        return left if 0 <= left <= SOON_DAYS else None

    @property
    def week_start(self) -> date:
        """This week's Monday, where the person lives."""
        return self.today - timedelta(days=self.today.weekday())


@dataclass
class Overview:
    """A supporter's home: the people whose consent holds, those whose consent ran out, links still open."""

    people: list[Person]
    ran_out: list[Person]
    sort: str
    invitations: list[Invitation]

    @property
    def empty(self) -> bool:
        """No one has chosen this supporter yet (or every consent ended)."""
        return not self.people and not self.ran_out


def clean_sort(value: str | None) -> str:
    """One of SORTS; anything else is the default."""
    return value if value in SORTS else DEFAULT_SORT


def _name_key(p: Person):
    return (p.user.display_name.casefold(), p.tie.id)


SORT_KEYS = {
    "name": _name_key,
    # Soonest first; a consent without a known end goes last.
    "ends": lambda p: (p.last_day is None, p.last_day or date.max, *_name_key(p)),
    # Most recent first; no check-in (or nothing shared) goes last.
    "last": lambda p: (p.last_checkin is None, -(p.last_checkin or date.min).toordinal(), *_name_key(p)),
}


def last_days(ties: list[Connection]) -> dict[int, date]:
    """The last day of each tie's consent in force (its newest version), in one query for all of them."""
    if not ties:
        return {}
    newest = (sa.select(sa.func.max(Consent.id)).where(Consent.connection_id.in_([t.id for t in ties]))
              .group_by(Consent.connection_id))
    found = dict(db.session.execute(
        sa.select(Consent.connection_id, Consent.ends_on).where(Consent.id.in_(newest))).all())
    for tie in ties:  # a tie always has a version; should one be missing, read the end from the tie itself
        if tie.id not in found and tie.consent_ends_at is not None:
            found[tie.id] = to_local(tie.consent_ends_at, tie.supported.timezone).date() - timedelta(days=1)
    return found


def _visible(people: list[Person]):
    """The commitments these people show their supporter: as a loved one sees them (not private, not archived,
    not about someone else)."""
    return sa.or_(*[visible_to_connection(p.tie, p.user.id) for p in people])


def _read_tracker_facts(people: list[Person]) -> None:
    """The last check-in and this week's counts of each person, in two queries for all of them."""
    if not people:
        return
    visible = _visible(people)
    last = dict(db.session.execute(
        sa.select(Commitment.owner_id, sa.func.max(CheckIn.local_date))
        .join(Commitment, Commitment.id == CheckIn.commitment_id).where(visible).group_by(Commitment.owner_id)).all())
    rows = db.session.execute(
        sa.select(Commitment.owner_id, CheckIn.local_date, CheckIn.status)
        .join(Commitment, Commitment.id == CheckIn.commitment_id)
        .where(visible, CheckIn.local_date >= min(p.week_start for p in people)))
    weeks = {p.user.id: Counts() for p in people}
    by_owner = {p.user.id: p for p in people}
    for owner_id, day, status in rows:
        person = by_owner[owner_id]
        if person.week_start <= day <= person.today:
            weeks[owner_id].add(status)
    for p in people:
        p.last_checkin, p.week = last.get(p.user.id), weeks[p.user.id]


def _count_setbacks(people: list[Person]) -> None:
    """Setbacks each person chose to tell about, in their last RECENT_SETBACK_DAYS days, in one query."""
    if not people:
        return
    firsts = {p.user.id: p.today - timedelta(days=RECENT_SETBACK_DAYS - 1) for p in people}
    counts: Counter[int] = Counter()
    for owner_id, day in db.session.execute(
            sa.select(Setback.owner_id, Setback.local_date)
            .where(Setback.owner_id.in_(list(firsts)), Setback.shared.is_(True),
                   Setback.local_date >= min(firsts.values()))):
        if day >= firsts[owner_id]:
            counts[owner_id] += 1
    for p in people:
        p.setbacks = counts[p.user.id]


def sees_setbacks(shares) -> bool:
    """A supporter sees the setbacks a person tells about when they share their tracker and milestones."""
    return "tracker" in shares and "milestones" in shares


def overview(supporter: User, sort: str | None = None) -> Overview:
    """The people who chose the supporter, with what they share now; a constant number of queries for any number.

    Tracker facts are read only for the people who share their commitments now, and each of those visits
    is noted for the owner's access log (SharedPage.show): the facts are their records.
    """
    sort = clean_sort(sort)
    ties = services.ties_of_supporter(supporter)  # not ended; a consent past its last day is listed apart
    door = SharedPage(supporter, ties)
    ends = last_days(ties)
    people, ran_out = [], []
    for tie in ties:
        user = tie.supported
        person = Person(tie=tie, user=user, last_day=ends.get(tie.id), today=today_for(user))
        if not consent_holds(tie):
            ran_out.append(person)
            continue
        person.shares = door.areas(tie)  # nothing unless the tie is live
        if keeps_commitments(user) and area_of(user) in person.shares:
            person.commitments_area = area_of(user)
        people.append(person)
    tracking = [p for p in people if p.commitments_area]
    _read_tracker_facts(tracking)
    telling = [p for p in tracking if p.user.is_person and sees_setbacks(p.shares)]
    _count_setbacks(telling)
    for p in tracking:
        door.show(p.tie, p.commitments_area)
    for p in telling:
        door.show(p.tie, "milestones")
    people.sort(key=SORT_KEYS[sort])
    ran_out.sort(key=SORT_KEYS["ends" if sort == "ends" else "name"])
    return Overview(people=people, ran_out=ran_out, sort=sort, invitations=services.pending_invitations(supporter))


# --- Preparing for a session ------------------------------------------------------------------------------

# The parts a session summary reads, in the order the page shows them. Anything else the person shares
# (their amends) is named with a link to its own page, and not read here.
SUMMARISED = ("tracker", "self_care", "milestones", "trust", "boundaries", "plan", "conversations")


def clean_weeks(value) -> int:
    """2 or 4; anything else is 2."""
    return int(value) if value in {str(w) for w in WEEKS} else DEFAULT_WEEKS


@dataclass(frozen=True)
class Window:
    """The days a summary covers, in the person's time zone: the last `weeks` weeks up to today."""

    weeks: int
    first: date
    last: date

    @classmethod
    def ending(cls, today: date, weeks: int) -> Window:
        """The `weeks` weeks up to and including today."""
        return cls(weeks, today - timedelta(days=7 * weeks - 1), today)

    def holds(self, day: date) -> bool:
        """Whether a day falls in the window."""
        return self.first <= day <= self.last


@dataclass
class CommitmentWeeks:
    """One shared commitment and how its check-ins went in the window."""

    commitment: Commitment
    counts: Counts


@dataclass
class BoundaryWeeks:
    """One active boundary with its current words, and what happened to it in the window."""

    boundary: Boundary
    written_on: date | None  # the day its current words were written, when that is in the window
    events: list[BoundaryEvent]
    answers: Counter  # answers given in the window, by kind (no names: the answers are other people's)


@dataclass
class TrustLine:
    """One of a loved one's trust check-ins, and who it is about."""

    checkin: TrustCheckIn
    about: str


@dataclass
class Session:
    """A one-page summary of what one person shares, over the last 2 or 4 weeks."""

    tie: Connection
    user: User
    window: Window
    shares: list[str]
    commitments_area: str | None = None
    commitments: list[CommitmentWeeks] = field(default_factory=list)
    journey: Journey | None = None
    setbacks: list[Setback] = field(default_factory=list)
    wins: list[SmallWin] = field(default_factory=list)
    trust: list[TrustLine] | None = None
    boundaries: list[BoundaryWeeks] | None = None
    plan: HardDaysPlan | None = None
    plan_updated: date | None = None
    talks: list[ConversationPlan] | None = None

    @property
    def kind(self) -> str:
        """"Person in recovery" or "Loved one"."""
        return self.user.role_label

    @property
    def not_summarised(self) -> list[str]:
        """What they share that this page doesn't summarise (it has its own page)."""
        return [a for a in self.shares if a not in SUMMARISED]


def commitments_in(access: Access, window: Window) -> list[CommitmentWeeks]:
    """The owner's commitments shown to the pass's holder, each with its check-ins counted in the window."""
    connection = access.require(area_of(access.owner))
    items = shared_commitments(connection, access.owner.id)
    counts = {c.id: Counts() for c in items}
    if items:
        for commitment_id, status in db.session.execute(
                sa.select(CheckIn.commitment_id, CheckIn.status)
                .where(CheckIn.commitment_id.in_(list(counts)), CheckIn.local_date >= window.first,
                       CheckIn.local_date <= window.last)):
            counts[commitment_id].add(status)
    return [CommitmentWeeks(c, counts[c.id]) for c in items]


def wins_in(access: Access, window: Window) -> list[SmallWin]:
    """The small wins the owner noted in the window, newest first (they come with the milestones)."""
    access.require("milestones")
    return list(db.session.scalars(
        sa.select(SmallWin).where(SmallWin.owner_id == access.owner.id, SmallWin.local_date >= window.first,
                                  SmallWin.local_date <= window.last)
        .order_by(SmallWin.local_date.desc(), SmallWin.id.desc())))


def trust_in(access: Access, window: Window) -> list[TrustLine]:
    """A loved one's trust check-ins in the window, newest first, each with whom it is about."""
    access.require("trust")
    rows = db.session.execute(
        sa.select(TrustCheckIn, User.display_name).outerjoin(User, User.id == TrustCheckIn.person_id)
        .where(TrustCheckIn.owner_id == access.owner.id, TrustCheckIn.local_date >= window.first,
               TrustCheckIn.local_date <= window.last)
        .order_by(TrustCheckIn.local_date.desc(), TrustCheckIn.id.desc()))
    return [TrustLine(checkin, name or _("Someone who has left Mend")) for checkin, name in rows]


def boundaries_in(access: Access, window: Window) -> list[BoundaryWeeks]:
    """The owner's active boundaries (current words), with the events and answers of the window."""
    access.require("boundaries")
    items = list(db.session.scalars(
        sa.select(Boundary).where(Boundary.owner_id == access.owner.id, Boundary.status == "active")
        .options(selectinload(Boundary.versions)).order_by(Boundary.created_at.desc(), Boundary.id.desc())))
    if not items:
        return []
    ids = [b.id for b in items]
    events: dict[int, list[BoundaryEvent]] = defaultdict(list)
    for event in db.session.scalars(
            sa.select(BoundaryEvent).where(BoundaryEvent.boundary_id.in_(ids), BoundaryEvent.local_date >= window.first,
                                           BoundaryEvent.local_date <= window.last)
            .options(selectinload(BoundaryEvent.author))
            .order_by(BoundaryEvent.local_date.desc(), BoundaryEvent.id.desc())):
        events[event.boundary_id].append(event)
    tz = access.owner.timezone
    answers: dict[int, Counter] = defaultdict(Counter)
    for boundary_id, kind, at in db.session.execute(
            sa.select(BoundaryAck.boundary_id, BoundaryAck.kind, BoundaryAck.created_at)
            .where(BoundaryAck.boundary_id.in_(ids))):
        if window.holds(to_local(at, tz).date()):
            answers[boundary_id][kind] += 1
    result = []
    for b in items:
        written = to_local(b.current.created_at, tz).date()
        result.append(BoundaryWeeks(b, written if window.holds(written) else None, events[b.id], answers[b.id]))
    return result


def prepare(supporter: User, connection_id: int, weeks: int = DEFAULT_WEEKS) -> Session:
    """Summarise what one person shares now over the last `weeks` weeks; each part through the door, logged.

    Not one of the supporter's ties, or its consent ended or ran out: NotFound (the page is 404).
    """
    tie = services.tie_of_supporter(supporter, connection_id)
    if not live(tie):
        raise NotFound(connection_id)
    user = tie.supported
    window = Window.ending(today_for(user), weeks if weeks in WEEKS else DEFAULT_WEEKS)
    shares = areas_shared_with(supporter, tie)
    passes = {area: shared_through(supporter, tie.id, area) for area in SUMMARISED if area in shares}
    session = Session(tie=tie, user=user, window=window, shares=shares)
    mine = area_of(user) if keeps_commitments(user) else None
    if mine in passes:
        session.commitments_area = mine
        session.commitments = commitments_in(passes[mine], window)
    if "milestones" in passes:
        session.journey = shared_journey(passes["milestones"])  # setbacks: only those they chose to tell about
        session.setbacks = [s for s in session.journey.setbacks if window.holds(s.local_date)]
        session.wins = wins_in(passes["milestones"], window)
    if "trust" in passes:
        session.trust = trust_in(passes["trust"], window)
    if "boundaries" in passes:
        session.boundaries = boundaries_in(passes["boundaries"], window)
    if "plan" in passes:
        session.plan = plan_services.load_shared(passes["plan"])
        if not plan_services.is_empty(session.plan):
            session.plan_updated = plan_services.last_saved_day(session.plan, user.timezone)
    if "conversations" in passes:
        session.talks = talk_services.shared_plans(passes["conversations"])
    return session


def boundary_words(boundary: Boundary):
    """A boundary's current words as pages print them (no lead-in twice)."""
    return boundary_services.shown(boundary.current)
