"""Moments worth celebrating today: a milestone, a first week kept, a loved one's first "I saw this".

Each is worked out from what is already stored (no table of its own): a milestone is today's count of
recovery days (journey.py); the others happened in the last 24 hours, by the rows' own timestamps.

A first week kept: a commitment's first 7 due days (for "N times a week", its first 7 times) were all
kept or partly kept. A missed day among them, or a due day left without a check-in, means that first
week was not kept; the record goes on and the score counts everything as before. The moment belongs to
the check-in that made the 7 complete: the dashboard shows it for 24 hours after the last of those 7
check-ins was written (check-ins change only within 7 days, so only a first week that ended in the last
8 days can be new), and the check-in page says it once, when that check-in makes it true.

A boundary heard (someone answered "I understand and will respect this") belongs to the boundaries
feature, which the tracker must not import: `heard()` words it, and the dashboards put the two together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import identity_key

from recovery.accounts.models import User
from recovery.db import db, once, utcnow
from recovery.tracker.checkins import EDIT_WINDOW
from recovery.tracker.commitments import as_schedule, today_for
from recovery.tracker.journey import Journey, journey, milestone_label
from recovery.tracker.models import KEPT, PARTLY, SAW, WEEKLY, CheckIn, Commitment, Confirmation, ScheduleVersion
from recovery.tracker.score import Schedule, occasions, schedule_on

# How long a moment stays on the dashboard.
CELEBRATE_FOR = timedelta(hours=24)
FIRST_WEEK = 7
# The first check-ins of a commitment that can hold its first 7 due occasions: at most 7 check-ins a week
# before each of them ("once a week" with a check-in every day), and the week it started in.
FIRST_CHECKINS = 8 * 7
# A check-in written in the last day can be for a date this far back (the edit window, plus a day for a
# person whose time zone changed).
WRITABLE = EDIT_WINDOW + timedelta(days=1)

MILESTONE, FIRST_WEEK_KEPT, FIRST_CONFIRMATION, BOUNDARY_HEARD = (
    "milestone", "first_week", "first_confirmation", "boundary_heard")


@dataclass(frozen=True)
class Celebration:
    """One moment: a short heading and a sentence, and when it happened (None for today's milestone)."""

    kind: str
    title: str
    text: str
    at: datetime | None = None


def since(now: datetime | None = None) -> datetime:
    """The earliest instant whose events the dashboard still celebrates."""
    return (now or utcnow()) - CELEBRATE_FOR


# --- Words ---------------------------------------------------------------------------------------------


def milestone(days: int) -> Celebration:
    return Celebration(MILESTONE, _("Today is %(milestone)s", milestone=milestone_label(days)),
                       _("Take a moment — you earned this."))


def first_week_words(title: str, weekly: bool = False, self_care: bool = False) -> str:
    """What the check-in page and the dashboard say when a first week is kept (a loved one's self-care: about
    looking after themselves, not trust), in the page's language."""
    if self_care and weekly:
        return _("You kept the first %(num)d times of “%(title)s”. Taking care of yourself matters too.",
                 num=FIRST_WEEK, title=title)
    if self_care:
        return _("You kept the first %(num)d days of “%(title)s”. Taking care of yourself matters too.",
                 num=FIRST_WEEK, title=title)
    if weekly:
        return _("You kept the first %(num)d times of “%(title)s”. Small steps, again and again: this is how "
                 "trust grows.", num=FIRST_WEEK, title=title)
    return _("You kept the first %(num)d days of “%(title)s”. Small steps, again and again: this is how trust "
             "grows.", num=FIRST_WEEK, title=title)


def first_week(commitment: Commitment, weekly: bool, at: datetime | None = None) -> Celebration:
    return Celebration(FIRST_WEEK_KEPT, _("A first week kept"), first_week_words(commitment.title, weekly), at)


def first_confirmation(name: str, at: datetime | None = None) -> Celebration:
    return Celebration(FIRST_CONFIRMATION, _("Someone noticed"),
                       _("%(name)s said “I saw this” about one of your check-ins — the first time.", name=name), at)


def heard(name: str, boundary: str, at: datetime | None = None) -> Celebration:
    """Someone answered one of the user's boundaries (named by its situation) with "I understand and will
    respect this"."""
    return Celebration(BOUNDARY_HEARD, _("Your boundary was heard"),
                       _("%(name)s said “I understand and will respect this” about your boundary “%(boundary)s”.",
                         name=name, boundary=boundary), at)


# --- A first week kept ------------------------------------------------------------------------------------


def first_week_days(start: date, end: date | None, versions: list[Schedule], statuses: dict[date, str],
                    today: date) -> list[date] | None:
    """The days of a commitment's first 7 due occasions if each was kept or partly kept, else None.

    `statuses` holds its check-ins from the start (at least the first FIRST_CHECKINS of them): occasions
    after the last one loaded can only be missed or open, so they are not worked out.
    """
    if not statuses:
        return None
    items = occasions(start, end, versions, statuses, today, until=max(statuses))[:FIRST_WEEK]
    if len(items) < FIRST_WEEK or any(o.value is None or o.value <= 0 for o in items):
        return None
    return [o.day for o in items]


def _weekly(versions: list[Schedule], day: date) -> bool:
    version = schedule_on(versions, day)
    return version is not None and version.kind == WEEKLY


def first_week_kept(commitment: Commitment, today: date | None = None) -> bool:
    """Tell whether the commitment's first 7 due days were all kept or partly kept (two queries at most)."""
    today = today or today_for(commitment.owner)
    statuses = dict(db.session.execute(_first_checkins(), {"commitment_id": commitment.id}).all())
    versions = [as_schedule(v) for v in commitment.schedules]
    return first_week_days(commitment.start_date, commitment.end_date, versions, statuses, today) is not None


@once
def _first_checkins():
    return (sa.select(CheckIn.local_date, CheckIn.status).where(CheckIn.commitment_id == sa.bindparam("commitment_id"))
            .order_by(CheckIn.local_date).limit(FIRST_CHECKINS))


def moment_after_checkin(commitment: Commitment, kept_before: bool, today: date | None = None) -> str | None:
    """What to celebrate after a check-in on the commitment, given whether its first week was kept before it."""
    if kept_before or not first_week_kept(commitment, today):
        return None
    today = today or today_for(commitment.owner)
    return first_week_words(commitment.title, _weekly([as_schedule(v) for v in commitment.schedules], today),
                            self_care=not commitment.owner.is_person)


def _first_weeks(owner: User, today: date, after: datetime) -> list[Celebration]:
    """First weeks kept whose last check-in was written after `after`: two queries however many commitments."""
    cutoff = today - WRITABLE
    statuses: dict[int, dict[date, str]] = defaultdict(dict)
    written: dict[int, dict[date, datetime]] = defaultdict(dict)
    values = {"owner_id": owner.id, "after": after, "cutoff": cutoff}
    for cid, day, status, updated, _rank in db.session.execute(_young_first_checkins(), values):
        statuses[cid][day] = status
        written[cid][day] = updated
    if not statuses:
        return []
    commitments, versions = _with_schedules(owner, list(statuses))
    result = []
    for cid, commitment in commitments.items():
        days = first_week_days(commitment.start_date, commitment.end_date, versions[cid], statuses[cid], today)
        if days is None:
            continue
        when = [written[cid][d] for d in days if d in written[cid] and d >= cutoff]
        if when and max(when) >= after:
            result.append(first_week(commitment, _weekly(versions[cid], days[-1]), max(when)))
    return result


@once
def _young_first_checkins():
    """The first FIRST_CHECKINS check-ins of the owner's commitments with a kept or partly kept day written
    after `after` for a date from `cutoff` on, whose first week can still be new."""
    cutoff = sa.bindparam("cutoff")
    # A commitment with FIRST_CHECKINS check-ins before the cutoff has its first week wholly before it (every
    # occasion worked out in _first_weeks is on or before its FIRST_CHECKINS-th check-in), so it has nothing
    # to celebrate: one index seek leaves out long histories before any of their rows are read.
    earlier = aliased(CheckIn)
    nth = (sa.select(earlier.local_date).where(earlier.commitment_id == Commitment.id)
           .order_by(earlier.local_date).limit(1).offset(FIRST_CHECKINS - 1).correlate(Commitment).scalar_subquery())
    recent = (sa.select(CheckIn.commitment_id).join(Commitment, Commitment.id == CheckIn.commitment_id)
              .where(Commitment.owner_id == sa.bindparam("owner_id"), CheckIn.updated_at >= sa.bindparam("after"),
                     CheckIn.local_date >= cutoff, CheckIn.status.in_((KEPT, PARTLY)),
                     sa.or_(nth.is_(None), nth >= cutoff)))
    number = sa.func.row_number().over(partition_by=CheckIn.commitment_id, order_by=CheckIn.local_date)
    ranked = (sa.select(CheckIn.commitment_id, CheckIn.local_date, CheckIn.status, CheckIn.updated_at,
                        number.label("n"))
              .where(CheckIn.commitment_id.in_(recent)).subquery())
    return sa.select(ranked).where(ranked.c.n <= FIRST_CHECKINS)


def _with_schedules(owner: User, ids: list[int]) -> tuple[dict[int, Commitment], dict[int, list[Schedule]]]:
    """The owner's commitments among `ids` with their schedules: those this request already loaded with their
    schedules (the person's home has) are used as they are, the rest come in one query."""
    commitments: dict[int, Commitment] = {}
    versions: dict[int, list[Schedule]] = defaultdict(list)
    missing = []
    for cid in ids:
        loaded = db.session.identity_map.get(identity_key(Commitment, cid))
        if loaded is not None and "schedules" not in sa.inspect(loaded).unloaded:
            if loaded.owner_id == owner.id:
                commitments[cid] = loaded
                versions[cid] = [as_schedule(v) for v in loaded.schedules]
        else:
            missing.append(cid)
    if missing:
        for commitment, version in db.session.execute(
                sa.select(Commitment, ScheduleVersion)
                .join(ScheduleVersion, ScheduleVersion.commitment_id == Commitment.id)
                .where(Commitment.id.in_(missing), Commitment.owner_id == owner.id)
                .order_by(ScheduleVersion.valid_from)):
            commitments[commitment.id] = commitment
            versions[commitment.id].append(as_schedule(version))
    return commitments, versions


# --- A loved one's first "I saw this" ---------------------------------------------------------------------


def _first_confirmations(owner: User, after: datetime) -> list[Celebration]:
    """Each loved one whose first "I saw this" on the owner's check-ins came after `after`: one query."""
    rows = db.session.execute(_first_saw(), {"owner_id": owner.id, "after": after})
    return [first_confirmation(name, at) for name, at in rows]


@once
def _first_saw():
    first = (sa.select(Confirmation.confirmer_id, sa.func.min(Confirmation.created_at).label("at"))
             .join(CheckIn, CheckIn.id == Confirmation.checkin_id)
             .join(Commitment, Commitment.id == CheckIn.commitment_id)
             .where(Commitment.owner_id == sa.bindparam("owner_id"), Confirmation.verdict == SAW)
             .group_by(Confirmation.confirmer_id).subquery())
    return (sa.select(User.display_name, first.c.at).join(first, first.c.confirmer_id == User.id)
            .where(first.c.at >= sa.bindparam("after", type_=Confirmation.created_at.type)))


# --- Together ----------------------------------------------------------------------------------------------


def celebrations_for(user: User, today: date | None = None, now: datetime | None = None,
                     journey_today: Journey | None = None) -> list[Celebration]:
    """Today's moments from the tracker for the user: today's milestone first, then the newest first.

    A loved one has no tracker of their own: nothing here (their boundaries are celebrated by the
    dashboards). For the person: three queries (and the journey's, unless given), however much history.
    """
    if not user.is_person:
        return []
    today = today or today_for(user)
    after = since(now)
    j = journey_today if journey_today is not None else journey(user, today, wins_limit=0)
    found = _first_weeks(user, today, after) + _first_confirmations(user, after)
    return ([milestone(j.days)] if j.today_is_milestone else []) + in_order(found)


def in_order(items: list[Celebration]) -> list[Celebration]:
    """Newest first; a milestone (no time: it is today's) before the rest."""
    return sorted(items, key=lambda c: (c.at is not None, -(c.at.timestamp() if c.at else 0)))
