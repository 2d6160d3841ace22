"""Saved calendar squares: a calendar reads only the days since a commitment's saved progress.

The promise: the calendar drawn from saved squares plus the days since is exactly the calendar
worked out from every check-in, whatever the schedule did and whichever pages were opened in
between; and once saved, the settled days are not read again.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from recovery.db import apply_cache_writes, db
from recovery.tracker import commitments, pages, progress
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import DAILY, KEPT, PARTLY, WEEKDAYS, WEEKLY, CheckIn, Commitment, ScheduleVersion
from recovery.tracker.score import day_records, settled_through

START = date(2024, 1, 3)


def _full_calendar(commitment: Commitment, today: date, weeks: int) -> list[tuple[date, int, float]]:
    """Every square of the calendar worked out from every check-in (nothing saved used)."""
    versions = [commitments.as_schedule(v) for v in commitment.schedules]
    statuses = dict(db.session.execute(sa.select(CheckIn.local_date, CheckIn.status)
                                       .where(CheckIn.commitment_id == commitment.id)).all())
    first = progress.heatmap_start(today, weeks)
    records = day_records(commitment.start_date, commitment.end_date, versions, statuses, first,
                          first + timedelta(days=7 * weeks - 1), today)
    return [(r.day, int(r.due), {KEPT: 1.0, PARTLY: 0.5}.get(r.status, 0.0) if r.due else 0.0) for r in records]


def _drawn(weeks_drawn) -> list[tuple[date, int, float]]:
    return [(d.day, d.due, d.done) for week in weeks_drawn for d in week]


def _open(page: str, commitment: Commitment, today: date):
    """Open a page as a request does, then save what it worked out; returns the calendar drawn, if any."""
    db.session.expire_all()
    commitment = db.session.get(Commitment, commitment.id)
    drawn = None
    if page == "home":  # no calendar: its progress still moves on
        progress.summaries([commitment], today)
    elif page == "overview":
        statuses = progress.load_statuses([commitment], today, since=progress.heatmap_start(today))
        progress.summary_of(commitment, statuses[commitment.id], today)
        drawn = progress.heatmap([commitment], statuses, today)
    else:
        drawn = pages.commitment_detail(commitment, today).weeks
    apply_cache_writes()
    db.session.commit()
    return drawn


def _has_squares(commitment: Commitment) -> bool:
    """Tell whether the commitment holds squares a calendar can use (they run up to its saved progress)."""
    versions = [commitments.as_schedule(v) for v in commitment.schedules]
    return progress._saved_calendar(commitment, progress._saved_progress(commitment, versions)) is not None


def _history(person, seed: int, days: int, schedule: ScheduleInput) -> Commitment:
    rng = random.Random(seed)
    commitment = commitments.create_commitment(person, f"Call home {seed}", "", schedule, START, today=START)
    db.session.flush()
    for n in range(days):
        if rng.random() < 0.75:
            db.session.add(CheckIn(commitment_id=commitment.id, local_date=START + timedelta(days=n),
                                   status=rng.choice(["kept", "kept", "partly", "missed"])))
    db.session.commit()
    return commitment


@pytest.mark.parametrize("seed,schedule", [
    (1, ScheduleInput(DAILY)),
    (2, ScheduleInput(WEEKDAYS, weekdays=frozenset({0, 3, 5}))),
    (3, ScheduleInput(WEEKLY, times_per_week=2)),
])
def test_a_calendar_from_saved_squares_equals_one_from_every_check_in(app, make_user, seed, schedule):
    """Day after day for 400 days, opening the home, the tracker and the commitment's page in any order, every
    calendar drawn matches the one worked out from all check-ins, and the squares are saved and move along."""
    person = make_user("person")
    commitment = _history(person, seed, 480, schedule)
    rng = random.Random(seed)
    today, used = START + timedelta(days=3), 0
    while today < START + timedelta(days=400):
        page = rng.choice(["home", "overview", "overview", "commitment"])
        had_squares = _has_squares(db.session.get(Commitment, commitment.id))
        drawn = _open(page, commitment, today)
        if drawn is not None:
            weeks = 12 if page == "commitment" else progress.HEATMAP_WEEKS
            assert _drawn(drawn) == _full_calendar(commitment, today, weeks), (page, today)
            used += had_squares
        if had_squares:  # carried on (and the oldest week dropped) by any page, even one with no calendar
            assert _has_squares(db.session.get(Commitment, commitment.id)), (page, today)
        today += timedelta(days=rng.choice([1, 1, 2, 6, 15]))
    saved = db.session.get(Commitment, commitment.id)
    assert used > 5  # most calendars were drawn from saved squares
    assert _has_squares(saved)
    assert 0 < len(saved.calendar_days) <= 7 * progress.HEATMAP_WEEKS  # only the weeks a calendar draws are kept
    assert saved.calendar_from + timedelta(days=len(saved.calendar_days) - 1) == saved.progress_through


def test_a_changed_schedule_or_end_date_discards_the_saved_squares(app, make_user):
    """The squares were worked out under the dates and schedules of the saved progress: change those in the
    settled past and the calendar is worked out again, right."""
    person = make_user("person")
    commitment = _history(person, 7, 300, ScheduleInput(DAILY))
    today = START + timedelta(days=300)
    _open("overview", commitment, today)
    assert db.session.get(Commitment, commitment.id).calendar_days
    # A schedule version back-dated into settled days (as a data fix might), then an earlier end date.
    db.session.add(ScheduleVersion(commitment_id=commitment.id, valid_from=today - timedelta(days=60),
                                   kind=WEEKDAYS, weekdays=0b0010101))
    db.session.commit()
    db.session.expire_all()
    assert _drawn(_open("overview", commitment, today)) == _full_calendar(commitment, today, progress.HEATMAP_WEEKS)
    db.session.execute(sa.update(Commitment).where(Commitment.id == commitment.id)
                       .values(end_date=today - timedelta(days=40)))
    db.session.commit()
    assert _drawn(_open("overview", commitment, today)) == _full_calendar(commitment, today, progress.HEATMAP_WEEKS)
    assert _drawn(_open("commitment", commitment, today)) == _full_calendar(commitment, today, 12)


def test_once_saved_the_settled_days_of_a_calendar_are_never_read_again(app, make_user, as_user):
    """After the tracker page has saved its squares, deleting the settled check-ins changes no square of the
    next page's calendar, and the page loads only the days since."""
    person = make_user("person")
    today = commitments.today_for(person)
    commitment = commitments.create_commitment(person, "Walk", "", ScheduleInput(DAILY),
                                               today - timedelta(days=400), today=today - timedelta(days=400))
    db.session.flush()
    for n in range(400):
        db.session.add(CheckIn(commitment_id=commitment.id, local_date=today - timedelta(days=400 - n),
                               status="kept" if n % 5 else "partly"))
    db.session.commit()
    web = as_user(person)
    assert web.get("/tracker/").status_code == 200  # a GET saves progress and squares
    db.session.expire_all()
    saved = db.session.get(Commitment, commitment.id)
    assert saved.progress_through == settled_through(today) and saved.calendar_days
    before = _drawn(pages.overview(person, today).heatmap)
    db.session.rollback()

    dates_asked = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if "FROM checkins" in statement:
            values = parameters.values() if isinstance(parameters, dict) else parameters
            dates_asked.extend(v for v in values if isinstance(v, (date, str)) and str(v)[:2] == "20")

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        after = _drawn(pages.overview(db.session.get(type(person), person.id), today).heatmap)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert dates_asked and min(str(d)[:10] for d in dates_asked) >= str(today - timedelta(days=15))
    db.session.rollback()
    db.session.execute(sa.delete(CheckIn).where(CheckIn.commitment_id == commitment.id,
                                                CheckIn.local_date <= saved.progress_through))
    db.session.commit()
    deleted = _drawn(pages.overview(db.session.get(type(person), person.id), today).heatmap)
    assert before == after == deleted
    assert any(due for _, due, _ in deleted[:150])  # the old squares are still drawn, from what was saved
    assert web.get("/tracker/").status_code == 200
