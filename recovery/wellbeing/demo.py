"""Looking after me in the demo circle: Sam's four weekly wellbeing checks and one worksheet of each kind.

`add_demo(people, connections)` is called by recovery/demo.py once the circle exists; it only flushes.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from recovery.db import db, utcnow
from recovery.wellbeing import services
from recovery.wellbeing.models import GOOD_DAYS, PROBLEM_SOLVING, STEPPING_BACK


def sam_weeks() -> list[tuple[tuple[int, ...], str]]:
    """Four weeks, oldest first: a hard start, a week that helped, a dip after a rough weekend, then steadier.

    Each: (sleep, daily, friends, health, me_time, money, feelings, relationship), note (in the demo's language).
    """
    return [
        ((3, 5, 3, 5, 2, 3, 3, 4), _("Tired all the time. I keep waiting for the phone to ring.")),
        ((5, 6, 4, 5, 4, 4, 5, 5), _("Went to my first family group. I didn't say much, but I went.")),
        ((3, 5, 5, 4, 3, 4, 3, 4), _("Rough weekend. I slept badly, but I called Dana instead of keeping it in.")),
        ((6, 6, 6, 6, 5, 4, 6, 6), _("Walked three mornings this week. Money still worries me.")),
    ]


def add_demo(people: dict, connections: dict) -> None:
    """Give Sam four weeks of wellbeing checks, the last one a week ago (so a new one is due), and three worksheets."""
    sam = people["sam"]
    today = services.today_for(sam)
    weeks = sam_weeks()
    for weeks_ago, (scores, note) in zip(range(len(weeks), 0, -1), weeks, strict=True):
        services.record_check(sam, dict(zip(services.AREAS, scores, strict=True)), note,
                              today=today - timedelta(days=7 * weeks_ago))

    good_days = services.create_worksheet(sam, GOOD_DAYS, _("Evenings at home"), {
        "signs": _("Jordan is home by six, eats with us and helps with the dishes."),
        "words": _("I really liked having dinner with you tonight."),
        "together": _("A walk with the dog after dinner, or a film on the couch."),
        "when": _("The next evening Jordan is home by six."),
        "happened": _("Tuesday: I said it at the sink. Jordan smiled and asked to walk the dog together tomorrow."),
        "next_time": _("Keep it short. It felt better than a long talk."),
    }, today=today - timedelta(days=12))
    stepping_back = services.create_worksheet(sam, STEPPING_BACK, _("Calling in sick for Jordan"), {
        "usual": _("When Jordan can't get up after a night out, I call their work and say they're sick."),
        "step_back": _("I won't call their work for them any more."),
        "say": _("I love you. I'm not going to call your boss for you. That's yours to sort out."),
        "look_after": _("Call Dana. Go to my Tuesday group."),
    }, safety={key: services.SAFE for key in services.SAFETY_QUESTIONS}, today=today - timedelta(days=9))
    problem_solving = services.create_worksheet(sam, PROBLEM_SOLVING, _("Money fights on weeknights"), {
        "problem": _("Weekday evenings end in fights about money."),
        "ideas": _("Talk about money only on Sundays. Keep our own accounts. Ask my sister how she does it. "
                   "Write the bills on the fridge."),
        "choice": _("Talk about money only on Sundays, after lunch."),
        "steps": _("Tell Jordan my idea on Saturday. If money comes up on a weekday, say \"Let's keep this for "
                   "Sunday.\""),
        "look_back": _("Two Sundays so far. The first was tense, the second was calm. Keep it."),
    }, today=today - timedelta(days=20))
    # Started on the days above, each changed since (the afterwards notes came later).
    now = utcnow()
    for sheet, started, changed in ((good_days, 12, 5), (stepping_back, 9, 9), (problem_solving, 20, 2)):
        sheet.created_at = now - timedelta(days=started)
        sheet.updated_at = now - timedelta(days=changed)
    db.session.flush()
