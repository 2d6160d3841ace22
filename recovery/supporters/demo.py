"""The demo's supporters: Dr. Rivera, a counsellor who supports three people, one consent near its end.

- Jordan chose Dr. Rivera "to prepare for our sessions": the tracker, milestones and plan for hard days, for
  five months; an earlier version shared less (the record shows the change).
- Sam chose Dr. Rivera for family sessions: Sam's boundaries and trust check-ins.
- Morgan, another person in recovery, shares the tracker and milestones (so a setback she chose to tell about
  shows); she gave the consent twelve weeks ago and it ends in six days, so she is told it is ending and the
  overview asks Dr. Rivera to talk about renewing it.
Dr. Rivera keeps two notes about Jordan's sessions and shared one of them.
"""

from __future__ import annotations

import random
from datetime import timedelta

from flask_babel import gettext as _

from recovery.accounts.models import PERSON, SUPPORTER, User
from recovery.circle.models import Connection
from recovery.db import db, utcnow
from recovery.supporters import services
from recovery.supporters.models import SupporterNote


def add_demo(people: dict[str, User], connections: dict[str, Connection], make_user) -> dict[str, User]:
    """Add Dr. Rivera and Morgan (made with `make_user(name, email, role, tz)`); return them. Only flushes."""
    rivera = make_user("Dr. Rivera", "rivera", SUPPORTER, "America/New_York")
    rivera.supporter_kind, rivera.approved_at = "counsellor", utcnow()
    morgan = make_user("Morgan", "morgan", PERSON, "America/Chicago")
    db.session.flush()
    jordan, sam = people["jordan"], people["sam"]

    def offer(owner: User, areas: set[str], purpose: str, days: int) -> services.Offer:
        return services.clean_offer(owner, areas, purpose, services.today_for(owner) + timedelta(days=days))

    # Jordan first shared the tracker only, then added milestones and the plan for hard days.
    with_jordan = services.start_tie(jordan, rivera,
                                     offer(jordan, {"tracker"}, _("To prepare for our sessions."), 150))
    services.change_consent(jordan, with_jordan, offer(
        jordan, {"tracker", "milestones", "plan"}, _("To prepare for our sessions."), 150))
    services.start_tie(sam, rivera, offer(sam, {"boundaries", "trust"}, _("For our family sessions."), 120))
    # Morgan gave hers twelve weeks ago, for thirteen: it ends in six days, so she is told it is ending (What's new,
    # from her reminder time on the first tick) and the overview asks Dr. Rivera to talk about renewing it.
    given = services.today_for(morgan) - timedelta(weeks=12)
    with_morgan = services.start_tie(morgan, rivera, offer(morgan, {"tracker", "milestones"},
                                                           _("So we can look back at each week together."), 6),
                                     today=given)
    services.current_consent(with_morgan).created_at = with_morgan.created_at = utcnow() - timedelta(weeks=12)
    _morgans_tracker(morgan)

    today = services.today_for(rivera)
    db.session.add_all([
        SupporterNote(author_id=rivera.id, about_id=jordan.id, on_date=today - timedelta(days=7),
                      text=_("Talked about the work party and what Jordan would do differently. Jordan named "
                             "Friday nights as the hardest time. Next time: look at the plan for hard days together."),
                      shared=False),
        SupporterNote(author_id=rivera.id, about_id=jordan.id, on_date=today - timedelta(days=14),
                      text=_("Homework for this week: one honest check-in a day, even on a missed day. "
                             "You're doing the hard part already by showing up."),
                      shared=True),
    ])
    db.session.flush()
    return {"rivera": rivera, "morgan": morgan}


def _morgans_tracker(morgan: User) -> None:
    """Morgan's last five weeks: a daily walk and a weekly group, mostly kept, one setback ten days ago."""
    from recovery.tracker import commitments, journey
    from recovery.tracker.commitments import ScheduleInput
    from recovery.tracker.models import DAILY, WEEKDAYS, CheckIn

    rng = random.Random(19)
    today = commitments.today_for(morgan)
    start = today - timedelta(days=35)
    walk = commitments.create_commitment(morgan, _("A walk after work"), _("It clears my head."),
                                         ScheduleInput(DAILY), start, today=start)
    group = commitments.create_commitment(morgan, _("Tuesday group"), "", ScheduleInput(WEEKDAYS,
                                          weekdays=frozenset({1})), start, today=start)
    rows = []
    for c in (walk, group):
        for days_ago in range(35, 0, -1):
            day = today - timedelta(days=days_ago)
            if commitments.is_due(c, day):
                roll = rng.random()
                status = "kept" if roll < 0.7 else ("partly" if roll < 0.85 else "missed")
                rows.append(CheckIn(commitment_id=c.id, local_date=day, status=status, note=""))
    db.session.add_all(rows)
    journey.log_setback(morgan, today - timedelta(days=10), _("I drank after a fight with my brother."),
                        _("I called my sponsor the next morning and went to group."), shared=True, today=today)
    db.session.flush()
