"""Reminders, "something waits", the weekly summary, quiet-days alerts and quiet hours (recovery/notifications).

The clock is moved by passing `now` to the services; the job itself (`notifications.tick`) is what the
consumer runs every few minutes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from recovery import mail
from recovery.accounts.models import LOVED_ONE
from recovery.db import db
from recovery.notifications import services
from recovery.notifications.models import QUIET, REMINDER, WAITING, WEEKLY, Notification, NotificationSettings
from recovery.notifications.words import NEUTRAL, NEUTRAL_SUBJECT
from recovery.timezones import local_today
from recovery.tracker import checkins, commitments
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import DAILY
from tests import factories

SENTINEL = "zebra-sentinel-9931"


def at(tz: str, *parts) -> datetime:
    """An aware UTC instant for a local wall-clock time."""
    return datetime(*parts, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def ticks(start: datetime, hours: float, minutes: int = 5):
    """The consumer's clock: every `minutes` from `start` for `hours`."""
    moment = start
    while moment < start + timedelta(hours=hours):
        yield moment
        moment += timedelta(minutes=minutes)


def run_ticks(moments) -> None:
    for moment in moments:
        services.make_due(moment)
        services.deliver(moment)
        db.session.commit()


def turn_on(user, **choices) -> NotificationSettings:
    values = dict(by_email=True, daily_on=False, daily_time=time(19, 0), weekly_on=False, weekly_day=6,
                  circle_on=True, quiet_start=None, quiet_end=None, full_wording=False, calendar_alarm=False)
    values.update(choices)
    found = services.save_settings(user, **values)
    db.session.commit()
    return found


def daily_commitment(person, start: date, title: str = "Walk after dinner", why: str = ""):
    item = commitments.create_commitment(person, title, why, ScheduleInput(DAILY), start_date=start, today=start)
    db.session.commit()
    return item


def rows(user, kind: str | None = None) -> list[Notification]:
    stmt = sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


def sent_to(address: str) -> list:
    return [m for m in mail.outbox() if m["To"] == address]


# --- The daily reminder ------------------------------------------------------------------------------


@pytest.mark.parametrize("zone, day, remind_at", [
    ("America/New_York", date(2024, 3, 10), time(2, 30)),  # clocks jump from 2:00 to 3:00: 2:30 never happens
    ("America/New_York", date(2024, 11, 3), time(1, 30)),  # clocks go back: 1:30 happens twice
    ("America/Santiago", date(2024, 9, 8), time(0, 0)),  # midnight itself is skipped
])
def test_a_due_unchecked_commitment_gets_one_reminder_across_a_clock_change(app, zone, day, remind_at):
    person = factories.make_user(timezone=zone)
    daily_commitment(person, day - timedelta(days=3))
    turn_on(person, daily_on=True, daily_time=remind_at)
    moments = [m for m in ticks(at(zone, day.year, day.month, day.day, 0, 0) - timedelta(hours=1), 26)
               if m.astimezone(ZoneInfo(zone)).date() == day]  # the whole local day, however long it is
    run_ticks(moments)
    reminders = rows(person, REMINDER)
    assert [n.key for n in reminders] == [day.isoformat()]  # one, even when 1:30 happens twice
    # At the first tick whose wall-clock time has reached the chosen time: never before it, and on the
    # day the clock skips it, at the first minute after the jump.
    expected = next(m for m in moments if m.astimezone(ZoneInfo(zone)).time() >= remind_at)
    assert reminders[0].created_at.replace(tzinfo=UTC) == expected
    assert len(sent_to(person.email)) == 1


def test_a_checked_in_day_gets_no_reminder_and_a_paused_one_neither(app):
    person = factories.make_user(timezone="Europe/London")
    today = date(2026, 6, 10)
    walk = daily_commitment(person, today - timedelta(days=2))
    paused = daily_commitment(person, today - timedelta(days=2), title="Call my sponsor")
    checkins.record_checkin(walk, today, "kept", today=today)
    commitments.change_status(paused, "pause", today=today)
    db.session.commit()
    turn_on(person, daily_on=True, daily_time=time(9, 0))
    run_ticks(ticks(at("Europe/London", 2026, 6, 10, 8, 0), 12))
    assert rows(person, REMINDER) == []
    assert sent_to(person.email) == []


def test_a_reminder_waits_for_the_chosen_time_and_is_not_sent_when_reminders_are_off(app):
    person = factories.make_user(timezone="Asia/Tokyo")
    daily_commitment(person, date(2026, 6, 1))
    other = factories.make_user(timezone="Asia/Tokyo")
    daily_commitment(other, date(2026, 6, 1))
    turn_on(person, daily_on=True, daily_time=time(20, 0))
    run_ticks(ticks(at("Asia/Tokyo", 2026, 6, 10, 6, 0), 13.9))  # until 19:54
    assert rows(person) == []
    run_ticks([at("Asia/Tokyo", 2026, 6, 10, 20, 0)])
    assert len(rows(person, REMINDER)) == 1
    assert rows(other) == []  # never chose anything: nothing at all


def test_two_consumers_running_at_once_send_once(make_app):
    """SECURITY.md 37: two runs of the job at the same moment, each in its own session and thread: one row, one
    email."""
    import threading

    app = make_app()
    with app.app_context():
        person = factories.make_user(timezone="UTC")
        daily_commitment(person, date(2026, 6, 1))
        turn_on(person, daily_on=True, daily_time=time(8, 0))
        email = person.email
        db.session.remove()
    moment = at("UTC", 2026, 6, 10, 8, 5)
    errors, barrier = [], threading.Barrier(2)

    def consumer():
        try:
            with app.app_context():
                barrier.wait(5)
                services.make_due(moment)
                services.deliver(moment)
                db.session.commit()
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=consumer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1
        assert len([m for m in mail.outbox() if m["To"] == email]) == 1


# --- Loved ones: something waits -----------------------------------------------------------------------


def test_a_loved_one_hears_once_a_day_when_a_day_waits_for_their_word(app):
    jordan, sam, casey, c_sam, c_casey = factories.jordans_circle(("Sam", {"share": {"tracker", "amends"}}), "Casey")
    today = local_today("UTC")  # "waiting" looks at the last week of the person's real days
    walk = daily_commitment(jordan, today - timedelta(days=3))
    checkins.record_checkin(walk, today - timedelta(days=1), "kept", today=today)
    db.session.commit()
    for who in (sam, casey):
        turn_on(who, daily_on=True, daily_time=time(0, 0))
    moment = datetime.combine(today, time(0, 5), UTC)
    run_ticks([moment, moment + timedelta(hours=3), moment + timedelta(hours=9)])
    waiting = rows(sam, WAITING)
    assert [(n.key, n.count) for n in waiting] == [(today.isoformat(), 1)]
    assert rows(casey) == []  # nothing is shared with Casey, so nothing waits for them
    # Once Sam has given their word, nothing waits: no message the next day.
    from recovery.tracker.models import SAW

    checkin = checkins.checkin_on(walk, today - timedelta(days=1))
    checkins.confirm(factories.door_pass(sam, c_sam, "tracker"), checkin.id, SAW)
    db.session.commit()
    assert services.waiting_count(sam) == 0


def test_the_amends_question_alone_never_prompts_a_message(app):
    """Home asks Sam whether they are open to an amends conversation; Mend never nudges them about it."""
    from recovery.dashboards.services import dashboard_for
    from tests.dashboards.test_home_actions import _entry

    jordan, sam, c_sam = factories.jordans_circle(("Sam", {"share": {"amends"}}))
    _entry(jordan, c_sam)
    db.session.commit()
    assert [a.kind for a in dashboard_for(sam).actions] == ["openness"]
    db.session.rollback()
    assert services.waiting_count(sam) == 0
    turn_on(sam, daily_on=True, daily_time=time(0, 0))
    run_ticks([datetime.now(UTC)])
    assert rows(sam) == []


# --- Weekly summary -----------------------------------------------------------------------------------------


def test_the_weekly_summary_comes_once_on_the_chosen_day(app):
    person = factories.make_user(timezone="Australia/Sydney")
    turn_on(person, weekly_on=True, weekly_day=0, daily_time=time(9, 0))  # Mondays at 9
    run_ticks(ticks(at("Australia/Sydney", 2026, 6, 7, 0, 0), 24 * 9, minutes=30))  # Sun 7 June to Tue 16
    weekly = rows(person, WEEKLY)
    assert [n.key for n in weekly] == ["2026-W24", "2026-W25"]
    for n in weekly:
        local = n.created_at.replace(tzinfo=UTC).astimezone(ZoneInfo("Australia/Sydney"))
        assert local.weekday() == 0 and local.time() >= time(9, 0)
    assert len(sent_to(person.email)) == 2


def test_the_weekly_summary_counts_the_week_and_names_nothing(app):
    person = factories.make_user(timezone="UTC")
    walk = daily_commitment(person, date(2026, 6, 1), title=f"Walk {SENTINEL}")
    for day, status in ((date(2026, 6, 8), "kept"), (date(2026, 6, 9), "kept"), (date(2026, 6, 10), "missed"),
                        (date(2026, 6, 3), "partly")):  # the last is a week before, so not counted
        checkins.record_checkin(walk, day, status, note=SENTINEL, today=date(2026, 6, 10))
    db.session.commit()
    turn_on(person, weekly_on=True, weekly_day=date(2026, 6, 10).weekday(), daily_time=time(9, 0))
    run_ticks([at("UTC", 2026, 6, 10, 9, 0)])
    [message] = sent_to(person.email)
    text = message.get_body(("plain",)).get_content()
    assert "This week: kept 2, partly kept 0, missed 1." in text
    assert SENTINEL not in message.as_string()


# --- Quiet-days alert ----------------------------------------------------------------------------------------


def test_the_quiet_days_alert_fires_on_day_n_not_before_and_only_to_chosen_people(app):
    jordan, sam, casey, c_sam, c_casey = factories.jordans_circle("Sam", "Casey")
    start = date(2026, 6, 1)
    walk = daily_commitment(jordan, start)
    checkins.record_checkin(walk, date(2026, 6, 3), "kept", note=SENTINEL, today=date(2026, 6, 3))
    db.session.commit()
    with_time = at("UTC", 2026, 6, 1, 12, 0)
    services.set_alert(jordan, c_sam, 3, reach_out=False)
    db.session.execute(sa.text("UPDATE circle_alerts SET quiet_since = :t"), {"t": with_time.replace(tzinfo=None)})
    db.session.commit()
    for who in (sam, casey):
        turn_on(who)
    run_ticks(ticks(at("UTC", 2026, 6, 3, 12, 0), 24 * 2.4, minutes=60))  # until late on 5 June: 2 quiet days
    assert rows(sam) == []
    run_ticks(ticks(at("UTC", 2026, 6, 6, 0, 0), 24, minutes=60))  # the 6th: 3 days without a check-in
    quiet = rows(sam, QUIET)
    assert [(n.key, n.count, n.about_id) for n in quiet] == [(f"{c_sam.id}:2026-06-03", 3, jordan.id)]
    assert rows(casey) == []
    messages = sent_to(sam.email)
    assert len(messages) == 1
    assert messages[0]["Subject"] == NEUTRAL_SUBJECT  # nothing about recovery on a lock screen
    assert SENTINEL not in messages[0].as_string()
    # A check-in ends the quiet spell; a new spell alerts again only after N more days.
    checkins.record_checkin(walk, date(2026, 6, 7), "kept", today=date(2026, 6, 7))
    db.session.commit()
    run_ticks(ticks(at("UTC", 2026, 6, 7, 0, 0), 24 * 2.9, minutes=60))
    assert len(rows(sam, QUIET)) == 1
    run_ticks([at("UTC", 2026, 6, 10, 1, 0)])
    assert len(rows(sam, QUIET)) == 2


def test_no_quiet_alert_while_every_commitment_is_paused(app):
    jordan, sam, c_sam = factories.jordans_circle("Sam")
    walk = daily_commitment(jordan, date(2026, 6, 1))
    services.set_alert(jordan, c_sam, 2, reach_out=False)
    db.session.commit()
    commitments.change_status(walk, "pause", today=date(2026, 6, 1))
    db.session.commit()
    turn_on(sam)
    run_ticks([at("UTC", 2026, 6, 20, 12, 0)])
    assert rows(sam) == []


def test_an_ended_connection_gets_no_alert(app):
    from recovery.circle import services as circle

    jordan, sam, c_sam = factories.jordans_circle("Sam")
    daily_commitment(jordan, date(2026, 6, 1))
    services.set_alert(jordan, c_sam, 2, reach_out=True)
    circle.end_connection(jordan, c_sam)
    db.session.commit()
    turn_on(sam)
    run_ticks([at("UTC", 2026, 7, 20, 12, 0)])
    assert rows(sam) == []


# --- Quiet hours ---------------------------------------------------------------------------------------------


def test_quiet_hours_hold_a_reminder_until_they_end_and_drop_it_if_the_day_is_over(app):
    person = factories.make_user(timezone="Europe/Berlin")
    daily_commitment(person, date(2026, 6, 1))
    turn_on(person, daily_on=True, daily_time=time(19, 0), quiet_start=time(18, 30), quiet_end=time(20, 0))
    run_ticks(ticks(at("Europe/Berlin", 2026, 6, 10, 18, 0), 1.95))  # to 19:55
    assert rows(person) == []
    run_ticks([at("Europe/Berlin", 2026, 6, 10, 20, 0)])
    assert len(rows(person, REMINDER)) == 1
    assert len(sent_to(person.email)) == 1


def test_quiet_hours_over_midnight_hold_an_alert_until_morning(app):
    jordan, sam, c_sam = factories.jordans_circle("Sam")
    daily_commitment(jordan, date(2026, 6, 1))
    services.set_alert(jordan, c_sam, None, reach_out=True)
    db.session.commit()
    turn_on(sam, quiet_start=time(22, 0), quiet_end=time(7, 0))
    services.reach_out(jordan, now=at("UTC", 2026, 6, 10, 23, 0))
    db.session.commit()
    assert len(rows(sam)) == 1 and rows(sam)[0].delivered_at is None
    assert sent_to(sam.email) == []
    run_ticks(ticks(at("UTC", 2026, 6, 10, 23, 5), 7.9))
    assert sent_to(sam.email) == []
    run_ticks([at("UTC", 2026, 6, 11, 7, 0)])
    assert len(sent_to(sam.email)) == 1


# --- What leaves: no content, unsubscribe ----------------------------------------------------------------------


def test_nothing_sent_holds_a_sentinel_typed_into_any_note(app):
    jordan, sam, c_sam = factories.jordans_circle(("Sam", {"share": {"tracker", "boundaries"}}))
    today = local_today("UTC")
    walk = daily_commitment(jordan, today - timedelta(days=6), title=f"Title {SENTINEL}", why=SENTINEL)
    checkins.record_checkin(walk, today - timedelta(days=1), "kept", note=SENTINEL, today=today)
    db.session.commit()
    services.set_alert(jordan, c_sam, 2, reach_out=True)
    db.session.execute(sa.text("UPDATE circle_alerts SET quiet_since = :t"),
                       {"t": datetime.combine(today - timedelta(days=6), time(0, 0))})
    db.session.commit()
    for who in (jordan, sam):
        turn_on(who, daily_on=True, weekly_on=True, weekly_day=(today + timedelta(days=1)).weekday(),
                daily_time=time(0, 0), full_wording=True)
    run_ticks(ticks(datetime.combine(today, time(0, 5), UTC), 24 * 3, minutes=60))
    services.reach_out(jordan, now=datetime.combine(today + timedelta(days=3), time(9, 0), UTC))
    db.session.commit()
    messages = mail.outbox()
    kinds = {n.kind for n in db.session.scalars(sa.select(Notification))}
    assert kinds >= {REMINDER, WAITING, WEEKLY, QUIET, "reach_out"}
    assert len(messages) >= 5
    for m in messages:
        assert SENTINEL not in m.as_string()


def test_default_wording_is_neutral_and_fuller_wording_is_chosen(app):
    """SECURITY.md 36: by default no word on a lock screen says what Mend is for; fuller words only by choice."""
    person = factories.make_user()
    daily_commitment(person, date(2026, 6, 1))
    turn_on(person, daily_on=True, daily_time=time(8, 0))
    run_ticks([at("UTC", 2026, 6, 10, 8, 0)])
    [message] = sent_to(person.email)
    assert message["Subject"] == NEUTRAL_SUBJECT
    text = message.get_body(("plain",)).get_content()
    assert NEUTRAL in text and "check-in" not in text.lower()
    assert message["List-Unsubscribe"].startswith("<http://mend.test/unsubscribe/")
    assert message.get_body(("html",)) is not None
    turn_on(person, daily_on=True, daily_time=time(8, 0), full_wording=True)
    run_ticks([at("UTC", 2026, 6, 11, 8, 0)])
    assert sent_to(person.email)[-1]["Subject"] == "Time for today's check-in"


def test_reminders_stay_in_whats_new_when_email_is_off(app):
    person = factories.make_user()
    daily_commitment(person, date(2026, 6, 1))
    turn_on(person, by_email=False, daily_on=True, daily_time=time(8, 0))
    run_ticks([at("UTC", 2026, 6, 10, 8, 0)])
    assert len(rows(person, REMINDER)) == 1 and rows(person)[0].delivered_at is not None
    assert sent_to(person.email) == []


def test_an_unsubscribe_token_names_one_person_and_one_choice_and_cannot_be_forged(app):
    a, b = factories.make_user(), factories.make_user(LOVED_ONE)
    token = services.unsubscribe_token(a.id, "daily")
    assert services.read_unsubscribe(token) == (a.id, "daily")
    assert services.read_unsubscribe(token[:-2] + "xx") is None
    assert services.read_unsubscribe(token.replace(".", "")) is None
    from itsdangerous import URLSafeSerializer

    other_purpose = URLSafeSerializer(app.config["SECRET_KEY"], salt="something-else").dumps({"u": b.id, "c": "daily"})
    assert services.read_unsubscribe(other_purpose) is None


def test_settings_refuse_half_quiet_hours_and_the_same_start_and_end(app):
    person = factories.make_user()
    from recovery.errors import Refused

    with pytest.raises(Refused, match="both times"):
        turn_on(person, quiet_start=time(22, 0))
    db.session.rollback()
    with pytest.raises(Refused, match="different"):
        turn_on(person, quiet_start=time(22, 0), quiet_end=time(22, 0))
    db.session.rollback()
    assert db.session.get(NotificationSettings, person.id) is None


def test_quiet_days_out_of_range_are_refused_and_only_the_person_sets_them(app):
    from recovery.errors import NotFound, Refused

    jordan, sam, c_sam = factories.jordans_circle("Sam")
    for days in (1, 15, 0):
        with pytest.raises(Refused):
            services.set_alert(jordan, c_sam, days, reach_out=False)
    with pytest.raises(NotFound):
        services.set_alert(sam, c_sam, 3, reach_out=False)
