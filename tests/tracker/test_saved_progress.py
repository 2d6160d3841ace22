"""Saved progress: pages carry the score on from days that can't change, instead of replaying years.

The promise: a summary that carries on from saved progress is exactly the summary a full
replay of every day gives, whatever the schedule did; and once saved, old check-ins are not
read again, so a page costs the same after three years as after one week.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from recovery.db import apply_cache_writes, db
from recovery.tracker import commitments, pages, progress
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import DAILY, WEEKDAYS, WEEKLY, CheckIn, Commitment
from recovery.tracker.score import fold, occasions, settled_through

START = date(2024, 1, 3)


def _replayed(commitment: Commitment, today: date):
    """The score and streaks by replaying every day from the start (no saved progress used)."""
    versions = [commitments.as_schedule(v) for v in commitment.schedules]
    statuses = dict(db.session.execute(sa.select(CheckIn.local_date, CheckIn.status)
                                       .where(CheckIn.commitment_id == commitment.id)).all())
    items = occasions(commitment.start_date, commitment.end_date, versions, statuses, today)
    return fold(items)


def _summarize(commitment: Commitment, today: date):
    """A summary as a page makes it, then its saved progress written as after a request."""
    summary, _ = progress.summary_of(commitment, progress.load_statuses([commitment], today)[commitment.id], today)
    apply_cache_writes()
    db.session.commit()
    return summary


def _history(person, seed: int, days: int, schedule: ScheduleInput) -> Commitment:
    rng = random.Random(seed)
    commitment = commitments.create_commitment(person, f"Walk {seed}", "", schedule, START, today=START)
    db.session.flush()
    for n in range(days):
        day = START + timedelta(days=n)
        if rng.random() < 0.8:
            db.session.add(CheckIn(commitment_id=commitment.id, local_date=day,
                                   status=rng.choice(["kept", "kept", "kept", "partly", "missed"])))
    db.session.commit()
    return commitment


@pytest.mark.parametrize("seed,schedule", [
    (1, ScheduleInput(DAILY)),
    (2, ScheduleInput(WEEKDAYS, weekdays=frozenset({0, 2, 4}))),
    (3, ScheduleInput(WEEKLY, times_per_week=3)),
])
def test_carrying_on_from_saved_progress_equals_a_full_replay(app, make_user, seed, schedule):
    """Day after day for 300 days (saving as it goes), the summary matches replaying all of history."""
    person = make_user("person")
    commitment = _history(person, seed, 400, schedule)
    rng = random.Random(seed)
    today = START + timedelta(days=30)
    while today < START + timedelta(days=330):
        summary = _summarize(commitment, today)
        full = _replayed(commitment, today)
        assert summary.score == pytest.approx(full.score, abs=1e-12), today
        assert (summary.streaks.current, summary.streaks.best) == (full.current, full.best), today
        assert summary.settled == full.settled, today
        last = today
        today += timedelta(days=rng.choice([1, 1, 2, 5, 12]))
    assert commitment.progress_through == settled_through(last)  # it was saved, and moved along


def test_a_changed_schedule_or_end_date_discards_saved_progress(app, make_user):
    """Saved progress names the dates and schedules it was worked out under; an earlier end date voids it."""
    person = make_user("person")
    commitment = _history(person, 4, 200, ScheduleInput(DAILY))
    today = START + timedelta(days=200)
    _summarize(commitment, today)
    assert commitment.progress_through == settled_through(today)
    commitment.end_date = START + timedelta(days=100)  # an end date moved back into settled days
    db.session.flush()
    old_score = commitment.progress_score
    summary = _summarize(commitment, today)
    assert summary.score == pytest.approx(_replayed(commitment, today).score, abs=1e-12)
    assert commitment.progress_score != old_score  # worked out again under the new end date


def test_once_saved_old_check_ins_are_never_read_again(app, make_user, as_user):
    """After a page has saved progress, deleting the settled check-ins changes nothing on the next page."""
    person = make_user("person")
    commitment = _history(person, 5, 1100, ScheduleInput(DAILY))
    web = as_user(person)
    today = commitments.today_for(person)
    # Move the three years so that they end today.
    shift = today - (START + timedelta(days=1099))
    for row in db.session.scalars(sa.select(CheckIn).where(CheckIn.commitment_id == commitment.id)):
        row.local_date = row.local_date + shift
    db.session.execute(sa.update(Commitment).where(Commitment.id == commitment.id)
                       .values(start_date=START + shift))
    for version in commitment.schedules:
        version.valid_from = version.valid_from + shift
    db.session.commit()

    assert web.get(f"/tracker/commitments/{commitment.id}").status_code == 200  # a GET saves the progress
    db.session.expire_all()
    saved = db.session.get(Commitment, commitment.id)
    assert saved.progress_through == settled_through(today)
    before = pages.commitment_detail(saved, today).summary
    db.session.execute(sa.delete(CheckIn).where(CheckIn.commitment_id == commitment.id,
                                                CheckIn.local_date <= saved.progress_through - timedelta(days=30)))
    db.session.commit()
    after = pages.commitment_detail(db.session.get(Commitment, commitment.id), today).summary
    assert (after.score, after.streaks, after.settled) == (before.score, before.streaks, before.settled)
    # (A full replay would now count those days as missed.)
    assert _replayed(saved, today).score != before.score
    assert web.get(f"/tracker/commitments/{commitment.id}").status_code == 200
