"""Concurrent writers on the same commitments lose nothing (SECURITY.md 21 and 22; issue 9).

Four processes at once, 200 writes each, through the same services the routes use:
two are the person (say, a phone and a laptop) recording and re-recording check-ins on the
same commitments and days, some of which don't exist yet; two are loved ones confirming those
check-ins. Afterwards: zero errors, one check-in per day, one confirmation per loved one per
check-in, every note kept, and every row holds a write that really was the last one made to it.
"""

from __future__ import annotations

import os
import random
from datetime import timedelta

import sqlalchemy as sa

from recovery import create_app
from recovery.db import db
from recovery.tracker.checkins import add_note, confirm, record_checkin
from recovery.tracker.commitments import ScheduleInput, create_commitment, load_own_commitment, today_for
from recovery.tracker.models import DAILY, CheckIn, CheckInAddendum, Confirmation
from tests import processes
from tests.factories import door_pass

WRITES = 200
DAYS = 7  # check-ins lock after 7 days, so the writers share these


def _worker(url: str, instance: str, role: str, user_id: int, connection_id: int, commitment_ids: list[int],
            seed: int) -> tuple[int, dict]:
    """Make WRITES writes as one user in a separate process; return (errors, last write per row)."""
    os.environ["MEND_INSTANCE_PATH"] = instance
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k" * 40, "TESTING": True})
    from recovery.accounts.models import User
    from recovery.circle.models import Connection

    rng = random.Random(seed)
    errors, last = 0, {}
    with app.app_context():
        user = db.session.get(User, user_id)
        today = today_for(user)
        slots = [(cid, today - timedelta(days=d)) for cid in commitment_ids for d in range(DAYS)]
        for n in range(WRITES):
            commitment_id, day = rng.choice(slots)
            try:
                if role == "person":
                    commitment = load_own_commitment(user, commitment_id)
                    status = rng.choice(["kept", "partly"])
                    checkin = record_checkin(commitment, day, status, note=f"{seed}:{n}", today=today)
                    add_note(checkin, f"note {seed}:{n}")
                    written = (status, f"{seed}:{n}")
                else:
                    connection = db.session.get(Connection, connection_id)
                    checkin_id = db.session.scalar(sa.select(CheckIn.id).where(
                        CheckIn.commitment_id == commitment_id, CheckIn.local_date == day))
                    verdict = rng.choice(["saw", "not_seen"])
                    confirm(door_pass(user, connection, "tracker"), checkin_id, verdict, note=f"{seed}:{n}",
                            today=today)
                    written = (verdict, f"{seed}:{n}")
                db.session.commit()
                last[(commitment_id, day.isoformat())] = written
            except Exception:  # noqa: BLE001 - counting every failure is the point
                db.session.rollback()
                errors += 1
        db.engine.dispose()
    return errors, last


def test_four_processes_check_in_and_confirm_at_once(app, database_url, tmp_path, make_user, make_connection):
    """SECURITY.md 21/22: 4 processes × 200 check-ins and confirmations on the same commitments lose nothing."""
    person = make_user("person")
    sam, pat = make_user("loved_one"), make_user("loved_one")
    with_sam = make_connection(person, sam, share={"tracker"})
    with_pat = make_connection(person, pat, relationship="parent", share={"tracker"})
    today = today_for(person)
    commitments = [create_commitment(person, f"Commitment {i}", "", ScheduleInput(DAILY),
                                     today - timedelta(days=DAYS - 1), today=today) for i in range(4)]
    db.session.flush()
    ids = [c.id for c in commitments]
    # Loved ones confirm the first two commitments' days, which exist already; the person also
    # writes the other two, whose check-ins the two person processes race to create.
    for c in commitments[:2]:
        for d in range(DAYS):
            record_checkin(c, today - timedelta(days=d), "kept", today=today)
    db.session.commit()
    jobs = [
        (database_url, str(tmp_path), "person", person.id, 0, ids, 1),
        (database_url, str(tmp_path), "person", person.id, 0, ids, 2),
        (database_url, str(tmp_path), "loved_one", sam.id, with_sam.id, ids[:2], 3),
        (database_url, str(tmp_path), "loved_one", pat.id, with_pat.id, ids[:2], 4),
    ]
    db.session.close()  # reading the ids above began a transaction: on SQLite it would hold the write lock
    db.engine.dispose()
    with processes.context().Pool(4) as pool:
        results = pool.starmap(_worker, jobs)

    assert [errors for errors, _ in results] == [0, 0, 0, 0]
    db.session.expire_all()
    checkins = db.session.execute(sa.select(CheckIn.commitment_id, CheckIn.local_date, CheckIn.status, CheckIn.note)
                                  .where(CheckIn.commitment_id.in_(ids))).all()
    keys = [(c, d.isoformat()) for c, d, _, _ in checkins]
    assert len(keys) == len(set(keys))  # never two check-ins for one day
    written_by_person = set(results[0][1]) | set(results[1][1])
    assert set(keys) >= written_by_person
    for commitment_id, day, status, note in checkins:
        key = (commitment_id, day.isoformat())
        if key in written_by_person:  # the row holds one of the two processes' last writes to it
            assert (status, note) in (results[0][1].get(key), results[1][1].get(key)), key
    notes = db.session.scalar(sa.select(sa.func.count()).select_from(CheckInAddendum)
                              .join(CheckIn).where(CheckIn.commitment_id.in_(ids)))
    assert notes == 2 * WRITES  # every note kept

    for (_, last), viewer in zip(results[2:], (sam, pat), strict=True):
        rows = db.session.execute(
            sa.select(CheckIn.commitment_id, CheckIn.local_date, Confirmation.verdict, Confirmation.note)
            .join(CheckIn, CheckIn.id == Confirmation.checkin_id).where(Confirmation.confirmer_id == viewer.id)).all()
        # Only this process writes this loved one's confirmations: each holds its very last write.
        assert {(c, d.isoformat()): (v, n) for c, d, v, n in rows} == last
        assert len(rows) == len(last) > 0
