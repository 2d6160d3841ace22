"""The recovery journey: the day recovery counts from, setbacks, milestones and small wins.

A setback restarts "days since" but wipes nothing: the start date, the history and the
streaks from before all stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from recovery.accounts.models import User
from recovery.circle.permissions import Access
from recovery.db import db, once
from recovery.errors import NotFound, Refused
from recovery.tracker.commitments import today_for
from recovery.tracker.models import Setback, SmallWin

MILESTONE_DAYS = (1, 7, 30, 60, 90, 180, 365)


def log_setback(owner: User, day: date, what_happened: str, next_step: str, shared: bool = False,
                today: date | None = None) -> Setback:
    """Record a setback honestly; it restarts "days since" but wipes nothing."""
    today = today or today_for(owner)
    if not owner.is_person:
        raise Refused(_("Setbacks belong to the person in recovery."))
    if day > today:
        raise Refused(_("Please choose today or a day before."), field="local_date")
    if day < today - timedelta(days=366 * 5):
        raise Refused(_("Please choose a date in the last five years."), field="local_date")
    setback = Setback(owner_id=owner.id, local_date=day, what_happened=(what_happened or "").strip(),
                      next_step=(next_step or "").strip(), shared=shared)
    db.session.add(setback)
    db.session.flush()
    return setback


def load_own_setback(owner: User, setback_id: int) -> Setback:
    """Return one of the owner's setbacks, or raise NotFound."""
    setback = db.session.scalar(sa.select(Setback).where(Setback.id == setback_id, Setback.owner_id == owner.id))
    if setback is None:
        raise NotFound(setback_id)
    return setback


def toggle_setback_shared(owner: User, setback_id: int) -> Setback:
    """Show one of the owner's setbacks to people who see their milestones, or hide it again."""
    setback = load_own_setback(owner, setback_id)
    setback.shared = not setback.shared
    db.session.flush()
    return setback


def add_small_win(owner: User, text: str, today: date | None = None) -> SmallWin:
    """Note something the person did right today."""
    text = (text or "").strip()
    if not text:
        raise Refused(_("Please write what went well."), field="text")
    win = SmallWin(owner_id=owner.id, local_date=today or today_for(owner), text=text)
    db.session.add(win)
    db.session.flush()
    return win


def set_recovery_start(owner: User, day: date | None, today: date | None = None) -> None:
    """Set or clear the day the person counts their recovery from."""
    today = today or today_for(owner)
    if day is not None and day > today:
        raise Refused(_("Please choose today or a day before."), field="recovery_start")
    if day is not None and day < date(1950, 1, 1):
        raise Refused(_("Please check the year."), field="recovery_start")
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
    """Say a milestone in words, in the page's language."""
    if days % 365 == 0:
        years = days // 365
        return ngettext("%(num)d year", "%(num)d years", years)
    return ngettext("%(num)d day", "%(num)d days", days)


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


def shared_journey(access: Access) -> Journey:
    """What someone the person shares milestones with sees: milestones, shared setbacks, small wins."""
    access.require("milestones")
    return journey(access.owner, shared_only=True)


@once
def _setbacks():
    return (sa.select(Setback).where(Setback.owner_id == sa.bindparam("owner_id"))
            .order_by(Setback.local_date.desc(), Setback.id.desc()))


@once
def _shared_setbacks():
    return _setbacks().where(Setback.shared.is_(True))


@once
def _last_setback():
    return sa.select(sa.func.max(Setback.local_date)).where(Setback.owner_id == sa.bindparam("owner_id"))


@once
def _wins():
    return (sa.select(SmallWin).where(SmallWin.owner_id == sa.bindparam("owner_id"))
            .order_by(SmallWin.local_date.desc(), SmallWin.id.desc()).limit(sa.bindparam("limit")))


def journey(owner: User, today: date | None = None, shared_only: bool = False, wins_limit: int = 30) -> Journey:
    """Work out days since the start or the last setback, milestones, and recent setbacks and wins."""
    today = today or today_for(owner)
    mine = {"owner_id": owner.id}
    setbacks = list(db.session.scalars(_shared_setbacks() if shared_only else _setbacks(), mine))
    last_setback = db.session.scalar(_last_setback(), mine)
    wins = list(db.session.scalars(_wins(), {**mine, "limit": wins_limit}))
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

