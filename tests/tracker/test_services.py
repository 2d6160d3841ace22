"""Tracker services: commitments, schedules, check-ins, confirmations, setbacks and milestones."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from recovery.circle import services as circle
from recovery.db import db
from recovery.errors import Refused
from recovery.timezones import local_today
from recovery.tracker import checkins, commitments, journey, pages, progress
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import DAILY, ONCE, PAUSED_SCHEDULE, WEEKDAYS, WEEKLY, CheckIn
from tests.factories import door_pass

TODAY = date(2025, 3, 12)  # a Wednesday


@pytest.fixture
def person(make_user):
    return make_user("person", name="Jordan")


def make(person, kind=DAILY, start=None, **kwargs):
    schedule = ScheduleInput(kind, **{k: v for k, v in kwargs.items()
                                      if k in ("weekdays", "times_per_week", "once_on")})
    extra = {k: v for k, v in kwargs.items() if k not in ("weekdays", "times_per_week", "once_on")}
    c = commitments.create_commitment(person, extra.pop("title", "Call home"), "", schedule,
                                      start or TODAY - timedelta(days=7), today=TODAY, **extra)
    db.session.commit()
    return c


def test_create_commitment_with_each_schedule(app, person):
    """Every kind of schedule is stored as the first version, from the start date."""
    daily = make(person)
    weekdays = make(person, WEEKDAYS, weekdays=frozenset({0, 2}))
    weekly = make(person, WEEKLY, times_per_week=3)
    once = make(person, ONCE, once_on=TODAY + timedelta(days=3))
    assert [v.kind for v in daily.schedules] == [DAILY]
    assert weekdays.schedules[0].weekdays == 0b101
    assert weekly.schedules[0].times_per_week == 3
    assert once.schedules[0].once_on == TODAY + timedelta(days=3)
    assert daily.schedules[0].valid_from == daily.start_date


@pytest.mark.parametrize(("schedule", "field"), [
    (ScheduleInput(WEEKDAYS), "weekdays"),
    (ScheduleInput(WEEKDAYS, weekdays=frozenset({9})), "weekdays"),
    (ScheduleInput(WEEKLY, times_per_week=0), "times_per_week"),
    (ScheduleInput(WEEKLY, times_per_week=8), "times_per_week"),
    (ScheduleInput(ONCE), "once_on"),
    (ScheduleInput(ONCE, once_on=TODAY + timedelta(days=400)), "once_on"),
    (ScheduleInput("hourly"), "kind"),
])
def test_bad_schedules_are_refused(app, person, schedule, field):
    """A schedule that makes no sense is refused, naming the field to fix."""
    with pytest.raises(Refused) as refused:
        commitments.create_commitment(person, "X", "", schedule, TODAY, today=TODAY)
    assert refused.value.field == field


def test_dates_are_checked(app, person):
    """The start can't be long ago or far ahead, and the end can't come before the start."""
    for start in (TODAY - timedelta(days=8), TODAY + timedelta(days=400)):
        with pytest.raises(Refused):
            commitments.create_commitment(person, "X", "", ScheduleInput(DAILY), start, today=TODAY)
    with pytest.raises(Refused):
        commitments.create_commitment(person, "X", "", ScheduleInput(DAILY), TODAY, TODAY - timedelta(days=1),
                                      today=TODAY)


def test_loved_ones_keep_their_own_commitments_but_no_amends(app, make_user):
    """A loved one's commitments are their own self-care (tests/tracker/test_self_care.py): never an amends."""
    sam = make_user("loved_one")
    c = commitments.create_commitment(sam, "Walk", "", ScheduleInput(DAILY), TODAY, today=TODAY)
    assert c.owner_id == sam.id and c.amends_id is None
    with pytest.raises(Refused, match="amends"):
        commitments.create_commitment(sam, "X", "", ScheduleInput(DAILY), TODAY, today=TODAY, amends_id=1)


def test_connection_must_be_my_own(app, person, make_user, make_connection):
    """A commitment can concern only one of the owner's own connections."""
    other = make_connection(make_user("person"), make_user("loved_one"))
    with pytest.raises(Refused):
        commitments.create_commitment(person, "X", "", ScheduleInput(DAILY), TODAY, connection_id=other.id,
                                      today=TODAY)
    mine = make_connection(person, make_user("loved_one"))
    c = commitments.create_commitment(person, "X", "", ScheduleInput(DAILY), TODAY, connection_id=mine.id, today=TODAY)
    assert c.connection_id == mine.id


def test_schedule_change_starts_today_and_keeps_the_past(app, person):
    """Editing the schedule adds a version from today; the old one still governs earlier days."""
    c = make(person)
    commitments.update_commitment(c, "Call home", "", ScheduleInput(WEEKDAYS, weekdays=frozenset({6})), None, None,
                                  False, today=TODAY)
    db.session.commit()
    assert [(v.valid_from, v.kind) for v in c.schedules] == [(TODAY - timedelta(days=7), DAILY), (TODAY, WEEKDAYS)]
    assert commitments.is_due(c, TODAY - timedelta(days=1))  # a Tuesday, daily then
    assert not commitments.is_due(c, TODAY + timedelta(days=6))  # a Tuesday, Sundays only now
    assert commitments.is_due(c, TODAY + timedelta(days=4))  # a Sunday
    # Changing twice the same day replaces today's version instead of stacking.
    commitments.update_commitment(c, "Call home", "", ScheduleInput(DAILY), None, None, False, today=TODAY)
    assert [(v.valid_from, v.kind) for v in c.schedules] == [(TODAY - timedelta(days=7), DAILY), (TODAY, DAILY)]


def test_pause_resume_archive_restore(app, person):
    """Paused and archived days are not due; resuming brings back the same schedule."""
    c = make(person, WEEKDAYS, weekdays=frozenset({2}))
    commitments.change_status(c, "pause", today=TODAY)
    assert c.status == "paused" and not commitments.is_due(c, TODAY)
    with pytest.raises(Refused):
        commitments.change_status(c, "pause", today=TODAY)
    commitments.change_status(c, "resume", today=TODAY + timedelta(days=7))
    assert c.status == "active" and commitments.is_due(c, TODAY + timedelta(days=7))
    assert c.schedules[-1].weekdays == 0b100
    commitments.change_status(c, "archive", today=TODAY + timedelta(days=8))
    assert c.status == "archived" and not commitments.is_due(c, TODAY + timedelta(days=14))
    commitments.change_status(c, "restore", today=TODAY + timedelta(days=14))
    assert commitments.is_due(c, TODAY + timedelta(days=14))
    with pytest.raises(LookupError):
        commitments.change_status(c, "explode", today=TODAY)


def test_pause_and_resume_on_the_first_day_keeps_the_schedule(app, person):
    """Pausing the day a commitment starts, then resuming, doesn't lose its schedule."""
    c = make(person, WEEKLY, start=TODAY, times_per_week=2)
    commitments.change_status(c, "pause", today=TODAY)
    commitments.change_status(c, "resume", today=TODAY)
    assert [(v.kind, v.times_per_week) for v in c.schedules] == [(WEEKLY, 2)]


def test_schedule_chosen_while_paused_applies_on_resume(app, person):
    """Changing how often while paused takes effect when resumed."""
    c = make(person)
    commitments.change_status(c, "pause", today=TODAY)
    commitments.update_commitment(c, "Call home", "", ScheduleInput(WEEKLY, times_per_week=2), None, None, False,
                                  today=TODAY)
    assert not commitments.is_due(c, TODAY + timedelta(days=1))
    commitments.change_status(c, "resume", today=TODAY + timedelta(days=2))
    assert c.schedules[-1].kind == WEEKLY and c.schedules[-1].times_per_week == 2


def test_checkin_rules(app, person):
    """Check in today or up to 7 days back on a due day; later days lock; the future is refused."""
    c = make(person, WEEKDAYS, weekdays=frozenset({0, 1, 2, 3, 4}))
    checkins.record_checkin(c, TODAY, "kept", "  done  ", today=TODAY)
    checkin = checkins.record_checkin(c, TODAY, "partly", "half", today=TODAY)  # change it
    assert checkin.status == "partly" and checkin.note == "half"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1
    with pytest.raises(Refused, match="today or earlier"):
        checkins.record_checkin(c, TODAY + timedelta(days=1), "kept", today=TODAY)
    with pytest.raises(Refused, match="wasn't due"):
        checkins.record_checkin(c, date(2025, 3, 9), "kept", today=TODAY)  # a Sunday
    with pytest.raises(Refused, match="lock"):
        checkins.record_checkin(c, TODAY - timedelta(days=8), "kept", today=TODAY)
    checkins.record_checkin(c, TODAY - timedelta(days=7), "missed", today=TODAY)  # the 7th day back is open
    with pytest.raises(Refused):
        checkins.record_checkin(c, TODAY, "great", today=TODAY)


def test_locked_checkin_takes_a_note_but_keeps_its_words(app, person):
    """After 7 days a note can be added; the original stays exactly as it was."""
    c = make(person)
    checkin = checkins.record_checkin(c, TODAY - timedelta(days=1), "missed", "I forgot", today=TODAY)
    db.session.commit()
    with pytest.raises(Refused):
        checkins.record_checkin(c, TODAY - timedelta(days=1), "kept", "", today=TODAY + timedelta(days=7))
    checkins.add_note(checkin, "I called the next morning instead.")
    db.session.commit()
    db.session.refresh(checkin)
    assert checkin.status == "missed" and checkin.note == "I forgot"
    assert [a.body for a in checkin.addenda] == ["I called the next morning instead."]
    with pytest.raises(Refused):
        checkins.add_note(checkin, "   ")


def test_visibility_rules_for_loved_ones(app, person, make_user, make_connection):
    """A shared tracker shows commitments except private ones and ones about someone else."""
    sam, pat = make_user("loved_one"), make_user("loved_one")
    with_sam = make_connection(person, sam, share={"tracker"})
    with_pat = make_connection(person, pat, share={"tracker"})
    general = make(person, title="General")
    make(person, title="Private", private=True)
    about_pat = make(person, title="About Pat", connection_id=with_pat.id)
    about_sam = make(person, title="About Sam", connection_id=with_sam.id)
    assert {c.title for c in commitments.shared_commitments(with_sam)} == {"General", "About Sam"}
    assert {c.title for c in commitments.shared_commitments(with_pat)} == {"General", "About Pat"}
    with pytest.raises(LookupError):
        commitments.load_shared_commitment(door_pass(sam, with_sam, "tracker"), about_pat.id)
    assert commitments.load_shared_commitment(door_pass(sam, with_sam, "tracker"), about_sam.id).id == about_sam.id
    assert commitments.load_shared_commitment(door_pass(pat, with_pat, "tracker"), general.id).id == general.id
    with pytest.raises(LookupError):  # a pass to another area opens nothing here
        commitments.load_shared_commitment(door_pass(sam, with_sam, "milestones"), about_sam.id)


def test_confirmations(app, person, make_user, make_connection):
    """A loved one confirms kept days they can see, once each (a second answer replaces the first)."""
    sam = make_user("loved_one", name="Sam")
    connection = make_connection(person, sam, share={"tracker"})
    c = make(person)
    kept = checkins.record_checkin(c, TODAY - timedelta(days=1), "kept", today=TODAY)
    missed = checkins.record_checkin(c, TODAY - timedelta(days=2), "missed", today=TODAY)
    db.session.commit()
    checkins.confirm(door_pass(sam, connection, "tracker"), kept.id, "saw", "I saw you call", today=TODAY)
    checkins.confirm(door_pass(sam, connection, "tracker"), kept.id, "not_seen", today=TODAY)
    db.session.commit()
    db.session.refresh(kept)
    assert [(x.verdict, x.confirmer_id) for x in kept.confirmations] == [("not_seen", sam.id)]
    with pytest.raises(Refused):
        checkins.confirm(door_pass(sam, connection, "tracker"), missed.id, "saw", today=TODAY)
    with pytest.raises(Refused):
        checkins.confirm(door_pass(sam, connection, "tracker"), kept.id, "maybe", today=TODAY)
    with pytest.raises(LookupError):  # the person can't confirm their own days
        checkins.confirm(door_pass(person, connection, "tracker"), kept.id, "saw", today=TODAY)
    private = make(person, title="Mine", private=True)
    hidden = checkins.record_checkin(private, TODAY, "kept", today=TODAY)
    with pytest.raises(LookupError):
        checkins.confirm(door_pass(sam, connection, "tracker"), hidden.id, "saw", today=TODAY)


def test_detail_counts_confirmed_days(app, person, make_user, make_connection):
    """The page counts kept days in the last 30 that a loved one said they saw."""
    sam = make_user("loved_one")
    connection = make_connection(person, sam, share={"tracker"})
    c = make(person)
    for i in (1, 2, 3):
        ci = checkins.record_checkin(c, TODAY - timedelta(days=i), "kept", today=TODAY)
        if i != 3:
            checkins.confirm(door_pass(sam, connection, "tracker"), ci.id, "saw", today=TODAY)
    db.session.commit()
    detail = pages.commitment_detail(c, TODAY)
    assert (detail.confirmed, detail.confirmable) == (2, 3)
    assert checkins.waiting_for_confirmation(connection, sam, TODAY)[0].local_date == TODAY - timedelta(days=3)


def test_due_today_hides_weekly_once_target_met(app, person):
    """"N times a week" shows on Today until this week's target is met."""
    c = make(person, WEEKLY, start=date(2025, 3, 10), times_per_week=2)
    assert [s.commitment.id for s in pages.today_page(person, TODAY)[0]] == [c.id]
    checkins.record_checkin(c, date(2025, 3, 10), "kept", today=TODAY)
    checkins.record_checkin(c, date(2025, 3, 11), "kept", today=TODAY)
    assert pages.today_page(person, TODAY)[0] == []


def test_setbacks_restart_days_since_but_keep_history(app, person):
    """A setback restarts "days since"; the start date, total days and other setbacks stay."""
    journey.set_recovery_start(person, TODAY - timedelta(days=100), today=TODAY)
    j = journey.journey(person, today=TODAY)
    assert (j.days, j.total_days, j.next_days, j.reached[-1]) == (100, 100, 180, 90)
    journey.log_setback(person, TODAY - timedelta(days=10), "a drink at the wedding", "call my sponsor",
                        today=TODAY)
    db.session.commit()
    j = journey.journey(person, today=TODAY)
    assert j.days == 9 and j.total_days == 100 and j.next_days == 30 and len(j.setbacks) == 1
    with pytest.raises(Refused):
        journey.log_setback(person, TODAY + timedelta(days=1), "", "", today=TODAY)
    with pytest.raises(Refused):
        journey.set_recovery_start(person, TODAY + timedelta(days=1), today=TODAY)


def test_shared_journey_shows_only_shared_setbacks(app, person):
    """Setbacks are private unless the person shares each one."""
    journey.log_setback(person, TODAY, "private one", "", today=TODAY)
    journey.log_setback(person, TODAY, "told them", "", shared=True, today=TODAY)
    assert [s.what_happened for s in journey.journey(person, TODAY, shared_only=True).setbacks] == ["told them"]


@pytest.mark.parametrize(("days", "reached", "following"), [
    (0, [], 1), (1, [1], 7), (6, [1], 7), (7, [1, 7], 30), (364, [1, 7, 30, 60, 90, 180], 365),
    (365, [1, 7, 30, 60, 90, 180, 365], 730), (800, [1, 7, 30, 60, 90, 180, 365, 730], 1095),
])
def test_milestones(days, reached, following):
    """Milestones are 1, 7, 30, 60, 90, 180 and 365 days, then every year."""
    assert journey.milestone_days(days) == reached
    assert journey.next_milestone(days) == following


def test_milestone_today_is_celebrated(app, person):
    """Reaching a milestone today is flagged for the dashboard."""
    journey.set_recovery_start(person, TODAY - timedelta(days=30), today=TODAY)
    assert journey.journey(person, today=TODAY).today_is_milestone
    assert journey.milestone_label(30) == "30 days" and journey.milestone_label(730) == "2 years"


def test_small_wins(app, person):
    """A small win needs words and lands on today's date."""
    win = journey.add_small_win(person, "  I asked for help  ", today=TODAY)
    assert (win.text, win.local_date) == ("I asked for help", TODAY)
    with pytest.raises(Refused):
        journey.add_small_win(person, " ", today=TODAY)


# --- Local dates (SECURITY.md 23) ------------------------------------------------------------------


def _local_days(tz: str, start_utc: datetime, hours: int) -> list[date]:
    return [local_today(tz, start_utc + timedelta(hours=h)) for h in range(hours)]


@pytest.mark.parametrize(("tz", "day"), [("America/New_York", date(2024, 3, 10)),
                                         ("America/Santiago", date(2024, 9, 8)),
                                         ("America/New_York", date(2024, 11, 3))])
def test_dst_days_are_counted_once_and_none_skipped(tz, day):
    """SECURITY.md 23: across a DST change every local date appears, in order, with no gap or repeat."""
    start = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).astimezone(timezone.utc) - timedelta(days=2)
    seen = _local_days(tz, start, 24 * 5)
    distinct = sorted(set(seen))
    assert distinct == [distinct[0] + timedelta(days=i) for i in range(len(distinct))]
    assert day in distinct
    assert seen == sorted(seen)


def test_santiago_day_without_midnight_is_still_one_due_day(app, make_user):
    """SECURITY.md 23: 2024-09-08 in Santiago has no 00:00, yet it is one due day with one check-in."""
    person = make_user("person", timezone="America/Santiago")
    today = date(2024, 9, 10)
    c = commitments.create_commitment(person, "Walk", "", ScheduleInput(DAILY), date(2024, 9, 7), today=today)
    for d in (date(2024, 9, 7), date(2024, 9, 8), date(2024, 9, 9)):
        checkins.record_checkin(c, d, "kept", today=today)
    db.session.commit()
    item = progress.summaries([c], today)[0][0]
    assert item.settled == 3 and item.streaks.current == 3


def test_new_york_short_day_counts_once(app, make_user):
    """SECURITY.md 23: the 23-hour day of 2024-03-10 in New York is one day, checked in once."""
    person = make_user("person", timezone="America/New_York")
    noon_utc = datetime(2024, 3, 10, 16, tzinfo=timezone.utc)
    day = local_today(person.timezone, noon_utc)
    assert day == date(2024, 3, 10)
    c = commitments.create_commitment(person, "Walk", "", ScheduleInput(DAILY), day, today=day)
    checkins.record_checkin(c, day, "kept", today=day)
    with pytest.raises(sa.exc.IntegrityError):  # a second row for the same local day is impossible
        db.session.add(CheckIn(commitment_id=c.id, local_date=day, status="kept"))
        db.session.flush()
    db.session.rollback()


def test_changing_timezone_never_double_counts_or_skips(app, make_user):
    """SECURITY.md 23: moving from Tokyo to Los Angeles keeps one record per local date, none skipped."""
    person = make_user("person", timezone="Asia/Tokyo")
    start = date(2025, 1, 1)
    c = commitments.create_commitment(person, "Walk", "", ScheduleInput(DAILY), start, today=start)
    db.session.commit()
    # Check in each day at 08:00 local; on the 3rd evening, the person moves and changes time zone.
    instants = []
    for i in range(3):
        instants.append(datetime(2025, 1, 1 + i, 8, tzinfo=ZoneInfo("Asia/Tokyo")))
    person.timezone = "America/Los_Angeles"
    for i in range(3, 6):
        instants.append(datetime(2025, 1, 1 + i, 8, tzinfo=ZoneInfo("America/Los_Angeles")))
    zones = ["Asia/Tokyo"] * 3 + ["America/Los_Angeles"] * 3
    days = [local_today(z, t.astimezone(timezone.utc)) for z, t in zip(zones, instants, strict=True)]
    for d in days:
        checkins.record_checkin(c, d, "kept", today=d)
    db.session.commit()
    assert days == [start + timedelta(days=i) for i in range(6)]
    item = progress.summaries([c], date(2025, 1, 7))[0][0]
    assert item.settled == 6 and item.streaks.current == 6


def test_paused_schedule_value(app, person):
    """A pause is stored as a version of kind 'paused'."""
    c = make(person)
    commitments.change_status(c, "pause", today=TODAY)
    assert c.schedules[-1].kind == PAUSED_SCHEDULE and c.schedules[-1].resume_kind == DAILY


def test_connection_ending_unlinks_nothing_but_hides(app, person, make_user, make_connection):
    """Ending a connection keeps the person's commitment and its link but shares nothing."""
    sam = make_user("loved_one")
    connection = make_connection(person, sam, share={"tracker"})
    c = make(person, connection_id=connection.id)
    circle.end_connection(person, connection)
    db.session.commit()
    db.session.refresh(c)
    assert c.connection_id == connection.id
