"""The plan's review reminder: every three months, through the notifications' queue (recovery/notifications).

Once per plan per 90 days since it was last saved or read through; only for people who turned on daily
reminders; at their reminder time, outside quiet hours; the words come from the kind, never the plan.
"""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa

from recovery import mail
from recovery.accounts.models import PERSON
from recovery.db import db
from recovery.notifications import services
from recovery.notifications.models import PLAN_REVIEW, Notification
from recovery.notifications.words import CHOICE_OF, NEUTRAL, NEUTRAL_SUBJECT, words_for
from recovery.plan import services as plan
from recovery.plan.sections import BY_KEY
from tests import factories
from tests.notifications.test_reminders import at, turn_on

ZONE = "America/New_York"
SECRET = "zebra-plan-sentinel-4471"


def reviews(user) -> list[Notification]:
    db.session.commit()
    return list(db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == PLAN_REVIEW).order_by(Notification.id)))


def person_with_plan(saved_at, **choices):
    person = factories.make_user(PERSON, timezone=ZONE)
    written = plan.save_lines(person, BY_KEY["warning-signs"], f"I stop answering texts {SECRET}")
    written.updated_at = saved_at
    db.session.commit()
    if choices is not None:
        turn_on(person, **{"daily_on": True, "daily_time": time(19, 0), **choices})
    return person, written


def test_the_review_comes_three_months_after_the_last_save_once(app):
    saved = at(ZONE, 2025, 1, 10, 12, 0)
    person, written = person_with_plan(saved)
    services.make_due(at(ZONE, 2025, 4, 9, 20, 0))  # 89 days
    assert reviews(person) == []
    services.make_due(at(ZONE, 2025, 4, 10, 18, 55))  # 90 days, before the reminder time
    assert reviews(person) == []
    for moment in (at(ZONE, 2025, 4, 10, 19, 0), at(ZONE, 2025, 4, 10, 19, 5), at(ZONE, 2025, 4, 11, 19, 0)):
        services.make_due(moment)
        services.deliver(moment)
    found = reviews(person)
    assert [n.key for n in found] == [f"{written.id}:2025-01-10"]
    # It went out by email once, in neutral words; nothing of the plan leaves.
    sent = [m for m in mail.outbox() if m["To"] == person.email]
    assert len(sent) == 1 and sent[0]["Subject"] == NEUTRAL_SUBJECT
    assert NEUTRAL in sent[0].get_body(("plain",)).get_content()
    assert SECRET not in str(sent[0])


def test_reading_it_through_starts_the_three_months_again(app, as_user):
    person, written = person_with_plan(at(ZONE, 2025, 1, 10, 12, 0))
    services.make_due(at(ZONE, 2025, 4, 20, 19, 0))
    assert len(reviews(person)) == 1
    written.updated_at = at(ZONE, 2025, 4, 21, 9, 0)  # "It still fits" that morning
    db.session.commit()
    services.make_due(at(ZONE, 2025, 7, 1, 19, 0))
    assert len(reviews(person)) == 1
    services.make_due(at(ZONE, 2025, 7, 20, 19, 0))  # 90 days after the read-through
    assert [n.key for n in reviews(person)] == [f"{written.id}:2025-01-10", f"{written.id}:2025-04-21"]


def test_only_for_people_who_chose_daily_reminders_and_never_in_quiet_hours(app):
    saved, later = at(ZONE, 2025, 1, 10, 12, 0), at(ZONE, 2025, 6, 1, 21, 0)
    off, _ = person_with_plan(saved, daily_on=False, weekly_on=True)
    quiet, _ = person_with_plan(saved, quiet_start=time(20, 0), quiet_end=time(7, 0))
    never = factories.make_user(PERSON, timezone=ZONE)
    untouched = plan.save_lines(never, BY_KEY["reasons"], "Casey")
    untouched.updated_at = saved
    db.session.commit()
    services.make_due(later)
    assert reviews(off) == [] and reviews(quiet) == [] and reviews(never) == []
    services.make_due(at(ZONE, 2025, 6, 2, 19, 30))
    assert len(reviews(quiet)) == 1 and reviews(off) == []


def test_an_empty_plan_needs_no_review(app):
    person = factories.make_user(PERSON, timezone=ZONE)
    empty = plan.save_lines(person, BY_KEY["warning-signs"], "")
    empty.updated_at = at(ZONE, 2025, 1, 10, 12, 0)
    db.session.commit()
    turn_on(person, daily_on=True)
    services.make_due(at(ZONE, 2025, 6, 1, 20, 0))
    assert reviews(person) == []


def test_its_words_point_to_the_plan_and_say_nothing_of_it(app):
    person, written = person_with_plan(at(ZONE, 2025, 1, 10, 12, 0))
    services.make_due(at(ZONE, 2025, 6, 1, 20, 0))
    [n] = reviews(person)
    words = words_for(n, person=True)
    assert words.endpoint == "plan.index" and "three months" in words.text and SECRET not in words.text
    assert CHOICE_OF[PLAN_REVIEW] == "daily"
