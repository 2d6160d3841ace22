"""The consistency score, pinned on cases worked out by hand."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recovery.tracker.models import DAILY, KEPT, MISSED, ONCE, PARTLY, PAUSED_SCHEDULE, WEEKDAYS, WEEKLY
from recovery.tracker.score import Schedule, day_records, fold, multiplier, occasions, schedule_on

START = date(2024, 1, 1)  # a Monday
DAILY_SCHEDULE = [Schedule(START, DAILY)]


def days(n, start=START):
    return [start + timedelta(days=i) for i in range(n)]


def score(versions, checkins, today):
    return fold(occasions(START, None, versions, checkins, today)).score


def test_thirty_perfect_days_reach_about_eighty_percent():
    """30 kept days of a daily commitment: 1 - 0.5 ** (30/13) = 0.798."""
    checkins = {d: KEPT for d in days(30)}
    value = score(DAILY_SCHEDULE, checkins, START + timedelta(days=30))
    assert value == pytest.approx(1 - 0.5 ** (30 / 13), abs=1e-9)
    assert value == pytest.approx(0.80, abs=0.005)


def test_sixty_perfect_days_reach_about_ninety_six_percent():
    """Two months of kept days: about 96 %."""
    checkins = {d: KEPT for d in days(60)}
    assert score(DAILY_SCHEDULE, checkins, START + timedelta(days=60)) == pytest.approx(0.959, abs=0.002)


def test_days_not_due_do_not_lower_the_score():
    """A Mon/Wed/Fri commitment kept every due day scores the same on a Tuesday as on the Monday before."""
    mwf = [Schedule(START, WEEKDAYS, weekdays=0b10101)]
    checkins = {d: KEPT for d in days(28) if d.weekday() in (0, 2, 4)}
    monday = date(2024, 1, 22)
    so_far = {d: s for d, s in checkins.items() if d <= monday}
    after_monday = score(mwf, so_far, monday + timedelta(days=1))
    after_tuesday = score(mwf, so_far, monday + timedelta(days=2))  # Tuesday over, not due
    assert after_monday > 0.5
    assert after_tuesday == after_monday
    # Weekend and Tuesday/Thursday gaps never count as misses.
    items = occasions(START, None, mwf, checkins, date(2024, 1, 29))
    assert all(i.day.weekday() in (0, 2, 4) for i in items)
    assert all(i.value == 1.0 for i in items if i.value is not None)


def test_weekday_schedule_has_the_same_half_life_in_calendar_time():
    """Four weeks of a 3-a-week weekday commitment score like Loop's 13/sqrt(3/7) ≈ 20-day half-life."""
    mwf = [Schedule(START, WEEKDAYS, weekdays=0b10101)]
    checkins = {d: KEPT for d in days(28) if d.weekday() in (0, 2, 4)}
    value = score(mwf, checkins, START + timedelta(days=28))
    twelve_occasions = 1 - multiplier(3 / 7) ** 12
    assert value == pytest.approx(twelve_occasions)
    assert value == pytest.approx(1 - 0.5 ** (28 / (13 / (3 / 7) ** 0.5)), abs=0.02)


def test_one_miss_after_a_long_run_lowers_it_a_little_not_to_zero():
    """After 90 kept days one miss costs about 5 points: 0.992 becomes about 0.94."""
    checkins = {d: KEPT for d in days(90)}
    before = score(DAILY_SCHEDULE, checkins, START + timedelta(days=90))
    checkins[START + timedelta(days=90)] = MISSED
    after = score(DAILY_SCHEDULE, checkins, START + timedelta(days=91))
    assert before == pytest.approx(0.992, abs=0.001)
    assert after == pytest.approx(before * 0.5 ** (1 / 13), abs=1e-9)
    assert 0.9 < after < before


def test_partly_counts_half():
    """A long run of partly-kept days approaches 50 %, and one partly day moves half as far as a kept one."""
    partly = {d: PARTLY for d in days(200)}
    assert score(DAILY_SCHEDULE, partly, START + timedelta(days=200)) == pytest.approx(0.5, abs=0.001)
    m = multiplier(1)
    one_kept = score(DAILY_SCHEDULE, {START: KEPT}, START + timedelta(days=1))
    one_partly = score(DAILY_SCHEDULE, {START: PARTLY}, START + timedelta(days=1))
    assert one_kept == pytest.approx(1 - m) and one_partly == pytest.approx((1 - m) / 2)


def test_unrecorded_past_day_counts_as_missed_but_today_is_still_open():
    """A past due day with no check-in counts as missed; today counts for nothing until it is over."""
    checkins = {START: KEPT}
    items = occasions(START, None, DAILY_SCHEDULE, checkins, START + timedelta(days=2))
    assert [i.value for i in items] == [1.0, 0.0, None]
    assert fold(items).score == pytest.approx((1 - multiplier(1)) * multiplier(1))


def test_schedule_change_never_rewrites_the_past():
    """Changing daily to weekends-only keeps the daily days before the change as they were."""
    versions = [Schedule(START, DAILY), Schedule(START + timedelta(days=10), WEEKDAYS, weekdays=0b1100000)]
    checkins = {d: KEPT for d in days(10)}
    items = occasions(START, None, versions, checkins, START + timedelta(days=21))
    assert sum(1 for i in items if i.day < START + timedelta(days=10)) == 10
    assert all(i.day.weekday() >= 5 for i in items if i.day >= START + timedelta(days=10))


def test_paused_days_are_not_due():
    """While paused nothing is due, and the score waits."""
    versions = [Schedule(START, DAILY), Schedule(START + timedelta(days=5), PAUSED_SCHEDULE),
                Schedule(START + timedelta(days=15), DAILY)]
    checkins = {d: KEPT for d in days(5)}
    items = occasions(START, None, versions, checkins, START + timedelta(days=15))
    assert [i.day for i in items] == days(5) + [START + timedelta(days=15)]


def test_weekly_commitment_counts_shortfall_at_week_end():
    """3 times a week: two kept days and a finished week gives 2 kept occasions and 1 missed."""
    versions = [Schedule(START, WEEKLY, times_per_week=3)]
    checkins = {START: KEPT, START + timedelta(days=3): KEPT}
    items = occasions(START, None, versions, checkins, START + timedelta(days=8))
    assert [i.value for i in items] == [1.0, 1.0, 0.0]
    # Mid-week nothing is missed yet.
    items = occasions(START, None, versions, checkins, START + timedelta(days=4))
    assert [i.value for i in items] == [1.0, 1.0]


def test_weekly_extra_days_do_not_count_twice():
    """Keeping it more often than asked doesn't inflate the score beyond the weekly target."""
    versions = [Schedule(START, WEEKLY, times_per_week=2)]
    checkins = {d: KEPT for d in days(7)}
    items = occasions(START, None, versions, checkins, START + timedelta(days=7))
    assert [i.value for i in items] == [1.0, 1.0]


def test_weekly_first_partial_week_is_prorated():
    """Starting on a Friday with 7 a week: only the 3 covered days are expected that week."""
    friday = date(2024, 1, 5)
    versions = [Schedule(friday, WEEKLY, times_per_week=7)]
    items = occasions(friday, None, versions, {}, date(2024, 1, 8))
    assert [i.value for i in items] == [0.0, 0.0, 0.0]


def test_once_commitment():
    """A one-date commitment is due only that day."""
    versions = [Schedule(START, ONCE, once_on=START + timedelta(days=3))]
    items = occasions(START, None, versions, {START + timedelta(days=3): KEPT}, START + timedelta(days=10))
    assert [(i.day, i.value) for i in items] == [(START + timedelta(days=3), 1.0)]


def test_end_date_stops_the_record():
    """Nothing is due after the end date."""
    items = occasions(START, START + timedelta(days=4), DAILY_SCHEDULE, {}, START + timedelta(days=30))
    assert len(items) == 5


def test_streaks():
    """Current and best runs count kept or partly kept occasions; a miss breaks the run."""
    checkins = {d: KEPT for d in days(10)}
    checkins[START + timedelta(days=4)] = MISSED
    checkins[START + timedelta(days=7)] = PARTLY
    items = occasions(START, None, DAILY_SCHEDULE, checkins, START + timedelta(days=10))
    assert fold(items).current == 5 and fold(items).best == 5
    checkins.pop(START + timedelta(days=9))
    items = occasions(START, None, DAILY_SCHEDULE, checkins, START + timedelta(days=10))
    assert fold(items).current == 0  # the unrecorded past day is a miss
    items = occasions(START, None, DAILY_SCHEDULE, checkins, START + timedelta(days=9))
    assert fold(items).current == 4  # today is still open and breaks nothing


def test_schedule_on_and_describe():
    """The version in force on a day, and plain words for each kind."""
    v1, v2 = Schedule(START, DAILY), Schedule(START + timedelta(days=3), WEEKDAYS, weekdays=0b0000101)
    assert schedule_on([v1, v2], START - timedelta(days=1)) is None
    assert schedule_on([v1, v2], START + timedelta(days=2)) is v1
    assert schedule_on([v1, v2], START + timedelta(days=3)) is v2
    assert v2.describe() == "Every Monday and Wednesday"
    assert Schedule(START, WEEKLY, times_per_week=3).describe() == "3 times a week, on any days"
    assert Schedule(START, WEEKDAYS, weekdays=0x7F).describe() == "Every day"


def test_day_records_for_the_calendar():
    """Each day says whether it was due and how it went; not-due days are never 'missed'."""
    mwf = [Schedule(START, WEEKDAYS, weekdays=0b10101)]
    records = day_records(START, None, mwf, {START: KEPT}, START, START + timedelta(days=3), START + timedelta(days=3))
    assert [(r.due, r.status) for r in records] == [(True, KEPT), (False, None), (True, "unrecorded"), (False, None)]


def test_heatmap_today_is_open_not_missed(app, make_user):
    """In the calendar, today without a check-in reads as still open, never as missed."""
    from recovery.tracker import commitments, progress
    from recovery.tracker.checkins import record_checkin
    from recovery.tracker.commitments import ScheduleInput

    person = make_user("person")
    today = commitments.today_for(person)
    c = commitments.create_commitment(person, "Walk", "", ScheduleInput(DAILY), today - timedelta(days=2),
                                      today=today - timedelta(days=2))
    weeks = progress.heatmap([c], {c.id: {}}, today, weeks=2)
    cells = {d.day: d for week in weeks for d in week}
    assert cells[today].level == "open" and "still open" in cells[today].label
    assert cells[today - timedelta(days=1)].level == "zero"
    record_checkin(c, today, "kept", today=today)
    weeks = progress.heatmap([c], {c.id: {today: "kept"}}, today, weeks=2)
    assert {d.day: d for week in weeks for d in week}[today].level == "full"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_a_calendar_day_is_named_as_strftime_names_it(day):
    """The heat map's day names come from tables, not strftime: the very same words, for any date."""
    from recovery.tracker.progress import long_date

    assert long_date(day) == f"{day:%A %-d %B %Y}"


def test_heatmap_weeks_read_as_text(app, make_user):
    """Each week's line for "Read this calendar as text": kept counts 1, partly a half, a week with nothing due
    has no line."""
    from recovery.tracker import commitments, progress
    from recovery.tracker.commitments import ScheduleInput

    person = make_user("person")
    today = commitments.today_for(person)
    first = today - timedelta(days=7)
    c = commitments.create_commitment(person, "Walk", "", ScheduleInput(DAILY), first, today=today)
    statuses = {first: "kept", first + timedelta(days=1): "partly", first + timedelta(days=2): "missed"}
    weeks = progress.heatmap([c], {c.id: statuses}, today, weeks=4)
    value = {"kept": 1, "partly": 0.5, "missed": 0}
    for week in weeks:
        days = [d.day for d in week if first <= d.day <= today]
        if not days:
            assert week.summary == ""
            continue
        done = sum(value.get(statuses.get(day), 0) for day in days)
        assert week.summary == f"Week of {week[0].day:%-d %B %Y}: {done:g} of {len(days)} kept"
    assert weeks[0].summary == ""  # four weeks back: before the start
    assert sum(1 for w in weeks if w.summary) in (2, 3)
