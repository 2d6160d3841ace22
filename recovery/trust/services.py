"""Trust check-ins: the rules for recording them, reading their trend, and who may see them.

A loved one answers three questions about one person in recovery they support, each on
a 1-7 scale (predictability, dependability, faith: the three facets of Rempel, Holmes &
Zanna's 1985 trust scale, in our own words), at most once every 7 days per person,
counted in the loved one's local dates. Check-ins are private to the loved one unless
they share the "trust" area with that person in their connection; even then the person
sees only the check-ins about them.

The reading rule (`reading`), applied to a series of check-ins, oldest first:

1. Fewer than 3 check-ins: "too early to tell".
2. Otherwise take the last 8 check-ins (all of them if there are fewer) and score each
   by its average, the mean of its three answers (1 to 7).
3. Fit a straight line to those scores by least squares, with the check-ins numbered
   0, 1, 2, ... (one step per check-in, whatever the days between them). Its slope is
   the change per check-in.
4. Slope >= +0.2 per check-in: "rising". Slope <= -0.2 per check-in: "falling".
5. Otherwise, by the mean of the last 3 scores: >= 5 "persistently high",
   <= 3 "persistently low", anything between "holding steady".

All arithmetic is exact (fractions), so a series sitting exactly on a threshold gets
the reading the rule names. The low / rising / high readings borrow the three trust
trajectories that King et al. (J Addict Med 2022) found in patients' trust in their
clinicians; that is an analogy, not a finding about families, and the pages say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import gettext as _

from recovery.accounts.models import LOVED_ONE, User
from recovery.circle import services as circle
from recovery.circle.models import ACTIVE, ENDED, Connection
from recovery.circle.permissions import Access, shared_areas, sharing
from recovery.db import db, once
from recovery.errors import NotFound, Refused
from recovery.i18n import format_day
from recovery.i18n import lazy_gettext as _l
from recovery.timezones import local_today
from recovery.trust.chart import Chart, build_chart
from recovery.trust.models import TrustCheckIn

AREA = "trust"
FACETS = ("predictability", "dependability", "faith")
SCALE = range(1, 8)
NOTE_MAX = 1000
DAYS_BETWEEN = 7
NOTE_MAX_WORDS = f"{NOTE_MAX:,}"  # "1,000", as the messages say it

# The reading rule's numbers (see the module docstring).
MIN_CHECKINS = 3
WINDOW = 8
SLOPE_STEP = Fraction(1, 5)
RECENT = 3
HIGH = 5
LOW = 3

# How many check-ins per person the overview page plots.
OVERVIEW_POINTS = 12

TOO_EARLY = "too early to tell"
RISING = "rising"
FALLING = "falling"
HIGH_READING = "persistently high"
LOW_READING = "persistently low"
STEADY = "holding steady"

# Each reading in words, as the pages show it (the readings themselves are codes: CSS classes, the rule's names).
READING_WORDS: dict[str, str] = {
    TOO_EARLY: _l("too early to tell"),
    RISING: _l("rising"),
    FALLING: _l("falling"),
    HIGH_READING: _l("persistently high"),
    LOW_READING: _l("persistently low"),
    STEADY: _l("holding steady"),
}
# The same, at the start of a badge.
READING_TITLES: dict[str, str] = {
    TOO_EARLY: _l("Too early to tell"),
    RISING: _l("Rising"),
    FALLING: _l("Falling"),
    HIGH_READING: _l("Persistently high"),
    LOW_READING: _l("Persistently low"),
    STEADY: _l("Holding steady"),
}

# reading -> (what it means, said to the loved one; the same, said to the person about "{name}")
EXPLANATIONS: dict[str, tuple[str, str]] = {
    TOO_EARLY: (
        _l("After three check-ins, Mend can show you which way your trust is moving."),
        _l("After three check-ins, Mend can show which way {name}'s trust is moving."),
    ),
    RISING: (
        _l("Your trust has been going up over your recent check-ins."),
        _l("{name}'s trust has been going up over their recent check-ins."),
    ),
    FALLING: (
        _l("Your trust has been going down over your recent check-ins. That's worth noticing, and it's okay "
           "to feel it. Talking it over with someone you trust can help."),
        _l("{name}'s trust has been going down over their recent check-ins. It can come back through steady "
           "actions over time. Talking it over with someone you trust can help."),
    ),
    HIGH_READING: (
        _l("Your trust has stayed high across your recent check-ins."),
        _l("{name}'s trust has stayed high across their recent check-ins."),
    ),
    LOW_READING: (
        _l("Your trust has stayed low across your recent check-ins. That's an honest answer. "
           "Trust comes back slowly, at its own pace, if and when you're ready."),
        _l("{name}'s trust has stayed low across their recent check-ins. That's their honest answer. "
           "Trust comes back slowly, through steady actions over time."),
    ),
    STEADY: (
        _l("Your trust has stayed about the same, somewhere in the middle, across your recent check-ins."),
        _l("{name}'s trust has stayed about the same, somewhere in the middle, across their recent check-ins."),
    ),
}


@dataclass(frozen=True)
class Reading:
    """Which way a loved one's trust is moving, with a plain sentence about it."""

    label: str
    explanation: str
    shared_explanation: str
    based_on: int  # how many check-ins the reading looked at

    @property
    def key(self) -> str:
        """The label as a CSS-friendly word."""
        return self.label.replace(" ", "-")

    @property
    def words(self) -> str:
        """The reading as the page says it, in the reader's language ("rising")."""
        return str(READING_WORDS[self.label])

    @property
    def title(self) -> str:
        """The reading at the start of a badge ("Rising")."""
        return str(READING_TITLES[self.label])


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def slope(values: Sequence[Fraction]) -> Fraction:
    """Return the least-squares slope of values against 0, 1, 2, ... (change per step)."""
    n = len(values)
    if n < 2:
        return Fraction(0)
    x_mean = Fraction(n - 1, 2)
    y_mean = _mean(values)
    num = sum(((i - x_mean) * (y - y_mean) for i, y in enumerate(values)), Fraction(0))
    den = sum(((i - x_mean) ** 2 for i in range(n)), Fraction(0))
    return num / den


def score(checkin: TrustCheckIn) -> Fraction:
    """Return a check-in's average as an exact fraction."""
    return Fraction(checkin.predictability + checkin.dependability + checkin.faith, 3)


def reading_label(scores: Sequence[Fraction]) -> str:
    """Name the trend of a series of check-in averages (oldest first) by the documented rule."""
    if len(scores) < MIN_CHECKINS:
        return TOO_EARLY
    window = list(scores[-WINDOW:])
    s = slope(window)
    if s >= SLOPE_STEP:
        return RISING
    if s <= -SLOPE_STEP:
        return FALLING
    recent = _mean(window[-RECENT:])
    if recent >= HIGH:
        return HIGH_READING
    if recent <= LOW:
        return LOW_READING
    return STEADY


def reading(checkins: Sequence[TrustCheckIn]) -> Reading:
    """Read a loved one's check-ins about one person (oldest first) and explain the reading plainly."""
    label = reading_label([score(c) for c in checkins])
    mine, theirs = EXPLANATIONS[label]
    return Reading(label=label, explanation=mine, shared_explanation=theirs,
                   based_on=0 if label == TOO_EARLY else min(len(checkins), WINDOW))


# --- Who a loved one checks in about -----------------------------------------------------


def people_i_support(loved_one: User) -> list[Connection]:
    """Return the loved one's active or paused connections, each with the person loaded."""
    if loved_one.role != LOVED_ONE:
        return []
    return [c for c in circle.connections_of(loved_one) if c.loved_one_id == loved_one.id]


def connection_to(loved_one: User, person_id: int) -> Connection:
    """Return the loved one's active or paused connection with this person, or raise NotFound."""
    if loved_one.role != LOVED_ONE or not isinstance(person_id, int) or isinstance(person_id, bool):
        raise NotFound(person_id)
    connection = db.session.scalar(
        sa.select(Connection).where(
            Connection.loved_one_id == loved_one.id,
            Connection.person_id == person_id,
            Connection.status != ENDED,
        )
    )
    if connection is None:
        raise NotFound(person_id)
    return connection


def is_shared(connection: Connection) -> bool:
    """Tell whether the loved one shares trust check-ins in this connection right now."""
    return connection.status == ACTIVE and AREA in shared_areas(connection, connection.loved_one_id)


# --- Recording -----------------------------------------------------------------------------


def today_for(user: User) -> date:
    """Return today's date where the user lives."""
    return local_today(user.timezone)


def next_possible(last: date | None) -> date | None:
    """Return the first local date a new check-in may be made after one on `last`."""
    return None if last is None else last + timedelta(days=DAYS_BETWEEN)


def _last_date(loved_one: User, person_id: int) -> date | None:
    return db.session.scalar(
        sa.select(sa.func.max(TrustCheckIn.local_date))
        .where(TrustCheckIn.owner_id == loved_one.id, TrustCheckIn.person_id == person_id)
    )


def _answer(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise Refused(_("Please choose a number from 1 to 7."), field=name)
    return value


def _clean_note(note) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        raise Refused(_("Please write your note as plain text."), field="note")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Refused(_("Please keep your note to %(count)s characters or fewer.", count=NOTE_MAX_WORDS),
                      field="note")
    if any((ord(ch) < 32 and ch not in "\n\r\t") or ord(ch) == 127 for ch in note):
        raise Refused(_("Please remove the invisible characters from your note."), field="note")
    return note


def long_date(day: date) -> str:
    """Write a date the way people say it, in the page's language: "Monday 10 June"."""
    return format_day(day, "%A %-d %B")


def record_checkin(loved_one: User, person_id: int, predictability, dependability, faith,
                   note: str | None = "", today: date | None = None) -> TrustCheckIn:
    """Save the loved one's three answers about a person they support, at most once every 7 days."""
    connection = connection_to(loved_one, person_id)
    answers = {name: _answer(name, value)
               for name, value in zip(FACETS, (predictability, dependability, faith), strict=True)}
    note = _clean_note(note)
    today = today or today_for(loved_one)
    allowed_from = next_possible(_last_date(loved_one, person_id))
    if allowed_from is not None and today < allowed_from:
        name = connection.person.display_name
        last = allowed_from - timedelta(days=DAYS_BETWEEN)
        raise Refused(_(
            "You last checked in about %(name)s on %(last)s. Trust changes slowly, so check-ins "
            "are once every 7 days. Your next one can be on %(next)s.",
            name=name, last=long_date(last), next=long_date(allowed_from)))
    checkin = TrustCheckIn(owner_id=loved_one.id, person_id=person_id, local_date=today, note=note, **answers)
    db.session.add(checkin)
    db.session.flush()
    return checkin


# --- Reading back ------------------------------------------------------------------------


def history(loved_one: User, person_id: int, limit: int | None = None) -> list[TrustCheckIn]:
    """Return the loved one's check-ins about one person they support, newest first."""
    connection_to(loved_one, person_id)
    return _checkins(loved_one.id, person_id, limit)


def _checkins(owner_id: int, person_id: int, limit: int | None = None) -> list[TrustCheckIn]:
    stmt = (
        sa.select(TrustCheckIn)
        .where(TrustCheckIn.owner_id == owner_id, TrustCheckIn.person_id == person_id)
        .order_by(TrustCheckIn.local_date.desc(), TrustCheckIn.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


@dataclass
class PersonTrust:
    """A loved one's check-ins about one person, read and charted."""

    person: User
    connection: Connection
    checkins: list[TrustCheckIn]  # newest first
    reading: Reading
    chart: Chart
    shared: bool
    today: date
    next_date: date | None = None

    @property
    def latest(self) -> TrustCheckIn | None:
        return self.checkins[0] if self.checkins else None

    @property
    def can_check_in(self) -> bool:
        return self.next_date is None or self.today >= self.next_date


def _person_trust(connection: Connection, newest_first: list[TrustCheckIn], today: date,
                  chart_id: str, shared: bool) -> PersonTrust:
    oldest_first = list(reversed(newest_first))
    return PersonTrust(
        person=connection.person,
        connection=connection,
        checkins=newest_first,
        reading=reading(oldest_first),
        chart=build_chart(oldest_first, chart_id),
        shared=shared,
        today=today,
        next_date=next_possible(newest_first[0].local_date if newest_first else None),
    )


def person_trust(loved_one: User, person_id: int, limit: int | None = None) -> PersonTrust:
    """Load one person's page for the loved one: history, reading and chart; LookupError if not connected."""
    connection = connection_to(loved_one, person_id)
    return _person_trust(connection, _checkins(loved_one.id, person_id, limit), today_for(loved_one),
                         f"trust-chart-{person_id}", is_shared(connection))


def overview(loved_one: User) -> list[PersonTrust]:
    """Load each person the loved one supports with their recent check-ins, in a fixed number of queries."""
    connections = people_i_support(loved_one)
    by_person = _recent_by_person(loved_one.id, [c.person_id for c in connections], OVERVIEW_POINTS)
    today = today_for(loved_one)
    shares = sharing(loved_one, connections)  # the loved one's own choices, for all of them in one query
    return [_person_trust(c, by_person.get(c.person_id, []), today, f"trust-chart-{c.person_id}",
                          c.status == ACTIVE and AREA in shares[c.id].mine)
            for c in connections]


def _recent_by_person(owner_id: int, person_ids: list[int], per_person: int) -> dict[int, list[TrustCheckIn]]:
    """Return each person's newest check-ins (newest first), at most `per_person` each, in one query."""
    if not person_ids:
        return {}
    rank = sa.func.row_number().over(
        partition_by=TrustCheckIn.person_id,
        order_by=(TrustCheckIn.local_date.desc(), TrustCheckIn.id.desc()),
    ).label("rank")
    ranked = (
        sa.select(TrustCheckIn.id, rank)
        .where(TrustCheckIn.owner_id == owner_id, TrustCheckIn.person_id.in_(person_ids))
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(TrustCheckIn)
        .join(ranked, ranked.c.id == TrustCheckIn.id)
        .where(ranked.c.rank <= per_person)
        .order_by(TrustCheckIn.person_id, TrustCheckIn.local_date.desc(), TrustCheckIn.id.desc())
    )
    out: dict[int, list[TrustCheckIn]] = {}
    for row in rows:
        out.setdefault(row.person_id, []).append(row)
    return out


# --- What the person sees, when the loved one shares -----------------------------------------


@dataclass
class SharedTrust:
    """The loved one's check-ins about the viewing person, as that person may see them."""

    loved_one: User
    checkins: list[TrustCheckIn]  # newest first
    reading: Reading
    chart: Chart

    @property
    def explanation(self) -> str:
        return str(self.reading.shared_explanation).format(name=self.loved_one.display_name)


def shared_trust_for(access: Access) -> SharedTrust:
    """Load what the loved one shares with the person holding the door's pass: their check-ins about them only."""
    connection, person = access.require("trust"), access.viewer
    if person.id != connection.person_id or not is_shared(connection):
        raise NotFound(connection.id)
    newest_first = _checkins(connection.loved_one_id, person.id)
    oldest_first = list(reversed(newest_first))
    return SharedTrust(loved_one=connection.loved_one, checkins=newest_first, reading=reading(oldest_first),
                       chart=build_chart(oldest_first, "trust-chart-shared"))


def supporter_trust_for(access: Access) -> list[tuple[str, SharedTrust]]:
    """For a supporter the loved one chose (family sessions): all their check-ins, about each person in turn.

    Returns (who the check-ins are about, their reading), the person with the newest check-in first.
    """
    connection = access.require("trust")
    if not connection.is_support or access.viewer.id != connection.supporter_id:
        raise NotFound(connection.id)
    loved_one = access.owner
    rows = list(db.session.execute(
        sa.select(TrustCheckIn, User.display_name).outerjoin(User, User.id == TrustCheckIn.person_id)
        .where(TrustCheckIn.owner_id == loved_one.id)
        .order_by(TrustCheckIn.local_date.desc(), TrustCheckIn.id.desc())))
    groups: dict[int | None, tuple[str, list[TrustCheckIn]]] = {}
    for checkin, name in rows:
        groups.setdefault(checkin.person_id, (name or _("Someone who has left Mend"), []))[1].append(checkin)
    found = []
    for n, (name, newest_first) in enumerate(groups.values()):
        oldest_first = list(reversed(newest_first))
        found.append((name, SharedTrust(loved_one=loved_one, checkins=newest_first, reading=reading(oldest_first),
                                        chart=build_chart(oldest_first, f"trust-chart-shared-{n}"))))
    return found


# --- The loved one's dashboard -----------------------------------------------------------------


@dataclass
class DashboardTrust:
    """One line of the dashboard's trust card."""

    person: User
    last_date: date | None
    next_date: date | None
    due: bool


@dataclass
class TrustSummary:
    """What the loved one's dashboard shows of trust check-ins."""

    rows: list[DashboardTrust] = field(default_factory=list)
    total: int = 0


@once
def _checkins_per_person():
    return (sa.select(TrustCheckIn.person_id, sa.func.count(TrustCheckIn.id), sa.func.max(TrustCheckIn.local_date))
            .where(TrustCheckIn.owner_id == sa.bindparam("owner_id"))
            .group_by(TrustCheckIn.person_id))


def dashboard_summary(loved_one: User, connections: Sequence[Connection]) -> TrustSummary:
    """Summarise the loved one's check-ins per person in one query, whatever the history's length."""
    if loved_one.role != LOVED_ONE:
        return TrustSummary()
    stats = {
        person_id: (count, last)
        for person_id, count, last in db.session.execute(_checkins_per_person(), {"owner_id": loved_one.id})
    }
    today = today_for(loved_one)
    rows = []
    for c in connections:
        if c.loved_one_id != loved_one.id:
            continue
        last = stats.get(c.person_id, (0, None))[1]
        next_date = next_possible(last)
        rows.append(DashboardTrust(person=c.person, last_date=last, next_date=next_date,
                                   due=next_date is None or today >= next_date))
    return TrustSummary(rows=rows, total=sum(count for count, _last in stats.values()))
