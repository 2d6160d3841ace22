"""The demo circle's self-care (issue 18): Sam, Jordan's partner, keeps two promises to themselves.

Called by recovery/demo.py once the circle exists. Sam shares self-care with Jordan, so the person's side
of a loved one's shared self-care can be seen too; one of the two stays just for Sam.
"""

from __future__ import annotations

import random
from datetime import timedelta

from flask_babel import gettext as _

from recovery.accounts.models import User
from recovery.circle import services as circle
from recovery.circle.models import Connection
from recovery.circle.permissions import shared_areas
from recovery.db import db
from recovery.tracker import commitments
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import WEEKDAYS, WEEKLY, CheckIn

WEEKS = 4


def add_demo(people: dict[str, User], connections: dict[str, Connection]) -> None:
    """Give Sam two self-care commitments with four weeks of check-ins, and share self-care with Jordan."""
    sam, with_sam = people["sam"], connections["sam"]
    rng = random.Random(18)
    today = commitments.today_for(sam)
    start = today - timedelta(weeks=WEEKS)

    walk = commitments.create_commitment(
        sam, _("Evening walk with Dana"), _("I feel calmer after, and I see people who aren't part of all this."),
        ScheduleInput(WEEKLY, times_per_week=2), start, today=start)
    meeting = commitments.create_commitment(
        sam, _("Go to an Al-Anon meeting on Thursdays"), _("It helps to hear from people who get it."),
        ScheduleInput(WEEKDAYS, weekdays=frozenset({3})), start, today=start, private=True)

    walk_notes = {"kept": ["", "", _("Walked by the river with Dana."), _("Good to laugh for an hour.")],
                  "partly": [_("Only twenty minutes, but I went.")]}
    meeting_notes = {"kept": ["", _("Someone told a story that sounded like ours."),
                              _("I said a few words this time.")],
                     "missed": [_("Too tired tonight. Next week.")]}
    rows = []
    week_count: dict[tuple[int, int], int] = {}
    for days_ago in range((today - start).days, 0, -1):
        day = today - timedelta(days=days_ago)
        week = day.isocalendar()[:2]
        # Twice a week, on any days: most weeks both walks happen.
        if week_count.get(week, 0) < 2 and rng.random() < 0.4:
            week_count[week] = week_count.get(week, 0) + 1
            status = "kept" if rng.random() < 0.85 else "partly"
            rows.append(CheckIn(commitment_id=walk.id, local_date=day, status=status,
                                note=rng.choice(walk_notes[status])))
        if commitments.is_due(meeting, day):
            status = "kept" if rng.random() < 0.75 else "missed"
            rows.append(CheckIn(commitment_id=meeting.id, local_date=day, status=status,
                                note=rng.choice(meeting_notes[status])))
    db.session.add_all(rows)
    db.session.flush()
    circle.set_sharing(sam, with_sam, shared_areas(with_sam, sam.id) | {"self_care"})
    db.session.flush()
