"""Seed a large, realistic Mend database for the benchmark, fast.

Run inside the project's virtual environment with DATABASE_URL (and MEND_*) set:

    DATABASE_URL=sqlite:////tmp/mend-bench.db .venv/bin/python bench/seed.py --size full --out fixtures.json

It migrates the empty database to the newest schema, then fills it with bulk inserts
(SQLAlchemy core `insert()` with lists of rows, in batches) rather than the services, which
would take hours for half a million check-ins. The rows are the ones the services would
make: every person in recovery is in a circle made from an accepted invitation, shares
areas through grants, keeps commitments with schedule versions, checks in on due days
only (one check-in per commitment and local date), and is confirmed by a loved one who
can see the commitment. The few people whose pages are measured also get amends entries
and boundaries through the real services.

The dataset ("full"):
  * 1,000 people in recovery, each with a partner (1,000 circles); the first 200 also
    have a parent in their circle, so 2,200 users and 1,200 connections in all;
  * those 200 have three years of daily history: four commitments (daily, Sundays,
    N times a week with a schedule change after a year, and a private journal started
    a year ago), check-ins on ~95% of due days, confirmations from the partner,
    setbacks, small wins, and the partner's weekly trust check-ins;
  * the other 800 have one daily commitment with 30 days of check-ins;
  * one "1-week" person (with a partner and a parent) whose four commitments are the
    same as the 3-year people's but started 7 days ago, for the history comparison.

Writes a JSON file naming the accounts, commitments and connection the benchmark uses.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

PASSWORD = "benchmark circle of trust"
EMAIL_DOMAIN = "bench.mend.example"
BATCH = 5_000
TIMEZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London",
             "Europe/Berlin", "Australia/Sydney", "UTC")
SUNDAY = 1 << 6  # weekday bit mask: Monday = 1 ... Sunday = 64


@dataclass(frozen=True)
class Size:
    """How big a dataset to make."""

    people: int  # people in recovery, each with a partner
    long: int  # of which this many have the long history (and a parent in their circle)
    years: int  # length of the long history


SIZES = {
    "full": Size(people=1_000, long=200, years=3),
    "quick": Size(people=60, long=10, years=3),
}


class Rows:
    """Rows to insert, table by table, with ids assigned here (the database starts empty)."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict]] = {}

    def add(self, table: str, **values) -> int:
        rows = self.tables.setdefault(table, [])
        values["id"] = len(rows) + 1
        rows.append(values)
        return values["id"]

    def count(self, table: str) -> int:
        return len(self.tables.get(table, []))


def at(day: date, hour: int = 21) -> datetime:
    """An aware UTC instant on a day (close enough for created_at stamps)."""
    return datetime.combine(day, dtime(hour), tzinfo=UTC)


def random_hash(rng: random.Random) -> str:
    """A token hash as the services store it, for a token nobody knows."""
    return hashlib.sha256(rng.randbytes(32)).hexdigest()


class Builder:
    """Build the whole dataset in memory as plain rows."""

    def __init__(self, size: Size, password_hash: str, rng: random.Random) -> None:
        from recovery.timezones import local_today

        self.size = size
        self.pw = password_hash
        self.rng = rng
        self.rows = Rows()
        self.local_today = local_today
        self.fixtures: dict = {"password": PASSWORD}

    # --- people and circles --------------------------------------------------------------

    def user(self, email: str, name: str, role: str, tz: str, created: date, recovery_start: date | None = None):
        uid = self.rows.add("users", email=f"{email}@{EMAIL_DOMAIN}", display_name=name, password_hash=self.pw,
                            role=role, timezone=tz, created_at=at(created, 12), password_changed_at=at(created, 12),
                            recovery_start=recovery_start)
        self.audit(uid, "account.create", created)
        return uid

    def audit(self, user_id: int, kind: str, day: date, detail: str = "") -> None:
        self.rows.add("audit_events", user_id=user_id, kind=kind, detail=detail, created_at=at(day, 12))

    def connect(self, person: int, loved_one: int, relationship: str, day: date,
                person_shares: tuple[str, ...], loved_one_shares: tuple[str, ...]) -> int:
        """A connection made the way the services make it: the person invites, the loved one accepts."""
        self.rows.add("invitations", inviter_id=person, relationship=relationship, invitee_label="",
                      token_hash=random_hash(self.rng), created_at=at(day, 10),
                      expires_at=at(day, 10) + timedelta(days=7), responded_at=at(day, 18), status="accepted")
        self.audit(person, "invite.create", day)
        cid = self.rows.add("connections", person_id=person, loved_one_id=loved_one, relationship=relationship,
                            status="active", paused_by_id=None, created_at=at(day, 18), ended_at=None)
        self.audit(loved_one, "connection.create", day, f"connection:{cid}")
        self.audit(person, "connection.create", day, f"connection:{cid}")
        for owner, areas in ((person, person_shares), (loved_one, loved_one_shares)):
            for area in areas:
                self.rows.add("share_grants", connection_id=cid, owner_id=owner, area=area, granted_at=at(day, 19))
                self.audit(owner, "share.grant", day, f"{area} connection:{cid}")
        return cid

    # --- tracker -------------------------------------------------------------------------------

    def commitment(self, owner: int, title: str, why: str, start: date, versions: list[dict],
                   connection_id: int | None = None, private: bool = False) -> int:
        cid = self.rows.add("commitments", owner_id=owner, title=title, why=why, connection_id=connection_id,
                            amends_id=None, private=private, status="active", start_date=start, end_date=None,
                            created_at=at(start, 9))
        for v in versions:
            self.rows.add("commitment_schedules", commitment_id=cid, valid_from=v["valid_from"], kind=v["kind"],
                          weekdays=v.get("weekdays", 0), times_per_week=v.get("times_per_week", 0), once_on=None,
                          resume_kind=None)
        return cid

    def checkins(self, commitment_id: int, kind: str, start: date, until: date,
                 times_per_week=lambda day: 0, weekdays: int = 0, kept: float = 0.8,
                 confirmer: int | None = None) -> None:
        """Check in on due days from start to until (inclusive), as a person would: mostly kept, a few gaps."""
        rng = self.rng
        notes = ("", "", "", "", "Felt good.", "Hard day, but I did it.", "Texted first.", "Tired, still went.")
        week_done: dict[tuple[int, int], int] = {}
        day = start
        while day <= until:
            if kind == "weekdays" and not weekdays & (1 << day.weekday()):
                day += timedelta(days=1)
                continue
            if kind == "weekly":
                week = day.isocalendar()[:2]
                if week_done.get(week, 0) >= times_per_week(day) or rng.random() > 0.55:
                    day += timedelta(days=1)
                    continue
                week_done[week] = week_done.get(week, 0) + 1
                status = "kept"
            else:
                if rng.random() < 0.05:  # a day never checked in: it counts as missed
                    day += timedelta(days=1)
                    continue
                roll = rng.random()
                status = "kept" if roll < kept else ("partly" if roll < kept + 0.1 else "missed")
            checkin_id = self.rows.add("checkins", commitment_id=commitment_id, local_date=day, status=status,
                                       note=rng.choice(notes), created_at=at(day), updated_at=at(day))
            # The partner says "I saw this" about many kept days, more often lately.
            if confirmer is not None and status in ("kept", "partly") and rng.random() < 0.3:
                self.rows.add("confirmations", checkin_id=checkin_id, confirmer_id=confirmer,
                              verdict="saw" if rng.random() < 0.92 else "not_seen", note="",
                              created_at=at(day + timedelta(days=1), 8))
            day += timedelta(days=1)

    def tracker(self, person: int, start: date, today: date, partner: int, with_parent: int | None,
                years: int) -> dict[str, int]:
        """The four commitments of a person with a long (or short) history, checked in up to yesterday."""
        yesterday = today - timedelta(days=1)
        change = start + timedelta(days=365) if years > 1 else start
        journal_start = max(start, today - timedelta(days=365))
        ids = {
            "home": self.commitment(person, "Home by 10 pm", "So my partner doesn't lie awake wondering.", start,
                                    [{"valid_from": start, "kind": "daily"}]),
            "call": self.commitment(person, "Call Mum on Sundays", "She worries when she doesn't hear from me.",
                                    start, [{"valid_from": start, "kind": "weekdays", "weekdays": SUNDAY}],
                                    connection_id=with_parent),
            "meeting": self.commitment(person, "Go to a meeting", "", start,
                                       [{"valid_from": start, "kind": "weekly", "times_per_week": 2}]
                                       + ([{"valid_from": change, "kind": "weekly", "times_per_week": 3}]
                                          if change > start else [])),
            "journal": self.commitment(person, "Journal before bed", "", journal_start,
                                       [{"valid_from": journal_start, "kind": "daily"}], private=True),
        }
        self.checkins(ids["home"], "daily", start, yesterday, confirmer=partner)
        self.checkins(ids["call"], "weekdays", start, yesterday, weekdays=SUNDAY, kept=0.85)
        self.checkins(ids["meeting"], "weekly", start, yesterday,
                      times_per_week=lambda day: 3 if day >= change else 2, confirmer=partner)
        self.checkins(ids["journal"], "daily", journal_start, yesterday, kept=0.7)
        return ids

    def journey(self, person: int, start: date, today: date, partner: int) -> None:
        """Setbacks, small wins and the partner's weekly trust check-ins over the history."""
        rng = self.rng
        days = (today - start).days
        for _ in range(max(1, days // 365)):
            day = start + timedelta(days=rng.randrange(days))
            self.rows.add("setbacks", owner_id=person, local_date=day,
                          what_happened="I had a drink at a party and hid it for a day.",
                          next_step="Told my partner the next morning and went to a meeting.",
                          shared=rng.random() < 0.5, created_at=at(day))
        wins = ("Cooked dinner for all of us.", "Asked for help instead of hiding.", "Went to the early meeting.",
                "Paid back another $50.", "Called my sponsor.")
        for back in range(1, days, 7):
            day = today - timedelta(days=back)
            self.rows.add("small_wins", owner_id=person, local_date=day, text=rng.choice(wins), created_at=at(day))
        for back in range(1, days, 7):
            day = today - timedelta(days=back)
            base = 2 + 4 * (days - back) / days
            values = [max(1, min(7, round(base + rng.uniform(-1, 1)))) for _ in range(3)]
            self.rows.add("trust_checkins", owner_id=partner, person_id=person, local_date=day,
                          predictability=values[0], dependability=values[1], faith=values[2], note="",
                          created_at=at(day))

    # --- the whole dataset ----------------------------------------------------------------------

    def build(self) -> None:
        size, rng = self.size, self.rng
        long_days = 365 * size.years
        for i in range(1, size.people + 1):
            long = i <= size.long
            tz = "America/New_York" if i == 1 else rng.choice(TIMEZONES)
            today = self.local_today(tz)
            start = today - timedelta(days=long_days if long else 30)
            person = self.user(f"person{i}", f"Person {i}", "person", tz, start - timedelta(days=3),
                               recovery_start=start - timedelta(days=30))
            partner = self.user(f"partner{i}", f"Partner {i}", "loved_one", tz, start - timedelta(days=2))
            with_partner = self.connect(person, partner, "partner", start - timedelta(days=2),
                                        ("tracker", "milestones"), ("trust",))
            if long:
                parent = self.user(f"parent{i}", f"Parent {i}", "loved_one", tz, start - timedelta(days=1))
                with_parent = self.connect(person, parent, "parent", start - timedelta(days=1), ("milestones",), ())
                ids = self.tracker(person, start, today, partner, with_parent, size.years)
                self.journey(person, start, today, partner)
            else:
                home = self.commitment(person, "Home by 10 pm", "", start, [{"valid_from": start, "kind": "daily"}])
                self.checkins(home, "daily", start, today - timedelta(days=1), confirmer=partner)
            if i == 1:
                self.fixtures.update(person_3y=f"person{i}@{EMAIL_DOMAIN}", person_3y_id=person,
                                     loved_one=f"partner{i}@{EMAIL_DOMAIN}", loved_one_connection=with_partner,
                                     commitment_3y=ids["home"], commitments_3y=ids)

        # The 1-week person: the same four commitments, started 7 days ago.
        tz = "America/New_York"
        today = self.local_today(tz)
        start = today - timedelta(days=7)
        person = self.user("week", "Week Person", "person", tz, start, recovery_start=start)
        partner = self.user("week-partner", "Week Partner", "loved_one", tz, start)
        self.connect(person, partner, "partner", start, ("tracker", "milestones"), ("trust",))
        parent = self.user("week-parent", "Week Parent", "loved_one", tz, start)
        with_parent = self.connect(person, parent, "parent", start, ("milestones",), ())
        ids = self.tracker(person, start, today, partner, with_parent, years=0)
        self.fixtures.update(person_1w=f"week@{EMAIL_DOMAIN}", person_1w_id=person, commitment_1w=ids["home"],
                             commitments_1w=ids)
        self.scaling(today, tz)

    def scaling(self, today: date, tz: str) -> None:
        """For the cost-per-item targets: people with 3 and with 30 daily commitments, and loved ones
        with 1 and with 20 people in recovery who share their tracker; a month of history each."""
        start = today - timedelta(days=30)
        yesterday = today - timedelta(days=1)
        for key, count in (("few", 3), ("many", 30)):
            person = self.user(key, f"{key.title()} Commitments", "person", tz, start, recovery_start=start)
            partner = self.user(f"{key}-partner", f"{key.title()} Partner", "loved_one", tz, start)
            self.connect(person, partner, "partner", start, ("tracker", "milestones"), ("trust",))
            for n in range(count):
                commitment = self.commitment(person, f"Commitment {n + 1}", "", start,
                                             [{"valid_from": start, "kind": "daily"}])
                self.checkins(commitment, "daily", start, yesterday, confirmer=partner)
            self.fixtures[f"person_{key}"] = f"{key}@{EMAIL_DOMAIN}"
        for key, count in (("one", 1), ("twenty", 20)):
            loved = self.user(f"loved-{key}", f"Loved One of {key.title()}", "loved_one", tz, start)
            for n in range(count):
                person = self.user(f"{key}-person{n + 1}", f"Person {n + 1}", "person", tz, start,
                                   recovery_start=start)
                self.connect(person, loved, "friend", start, ("tracker", "milestones"), ("trust",))
                commitment = self.commitment(person, "Home by 10 pm", "", start,
                                             [{"valid_from": start, "kind": "daily"}])
                self.checkins(commitment, "daily", start, yesterday, confirmer=loved)
            self.fixtures[f"loved_one_{key}"] = f"loved-{key}@{EMAIL_DOMAIN}"


# --- Writing -----------------------------------------------------------------------------------------

# Parents before children, so foreign keys hold at every batch.
TABLE_ORDER = ("users", "audit_events", "invitations", "connections", "share_grants", "commitments",
               "commitment_schedules", "checkins", "confirmations", "setbacks", "small_wins", "trust_checkins")


def insert_rows(rows: Rows) -> dict[str, int]:
    """Insert every table's rows in batches; return the row counts."""
    from recovery.db import db

    metadata = db.metadata
    counts = {}
    for name in TABLE_ORDER:
        table = metadata.tables[name]
        data = rows.tables.get(name, [])
        for i in range(0, len(data), BATCH):
            db.session.execute(sa.insert(table), data[i:i + BATCH])
        counts[name] = len(data)
    db.session.commit()
    return counts


def reset_sequences() -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    from recovery.db import db

    if db.engine.dialect.name != "postgresql":
        return
    for name in TABLE_ORDER:
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM {name}), 0) + 1,"
            " false)"))
    db.session.commit()


def service_records(fixtures: dict) -> None:
    """Give the measured people amends entries and boundaries through the real services."""
    from recovery.accounts.models import User
    from recovery.amends import services as amends
    from recovery.amends.services import EntryInput
    from recovery.boundaries import services as boundaries
    from recovery.boundaries.services import Words
    from recovery.db import db
    from recovery.timezones import local_today

    for key in ("person_3y_id", "person_1w_id"):
        person = db.session.get(User, fixtures[key])
        today = local_today(person.timezone)
        amends.create_entry(person, EntryInput(
            "My partner", None, "my partner", "I lied about where the money went.", "Trust in what I say.",
            "I hid the statements.", "direct", "willing", "willing", "", None), today=today)
        amends.create_entry(person, EntryInput(
            "An old friend", None, "a friend", "I said cruel things at a party.", "", "My words, my choices.",
            "indirect", "not_yet", "listed", "", None), today=today)
        boundaries.create_boundary(person, "time", Words(
            "If I'm invited to an event where people will be drinking", "I will leave by 9 pm, or not go at all.",
            "I need to protect my recovery."))
    db.session.commit()


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum (PostgreSQL) or a nightly ANALYZE would."""
    from recovery.db import db

    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("ANALYZE")


def seed(size: Size, seed_value: int = 2024) -> dict:
    """Migrate and fill the database named by the environment; return the fixtures."""
    from flask_migrate import upgrade

    from recovery import create_app
    from recovery.accounts.passwords import hash_password

    app = create_app()
    with app.app_context():
        began = time.monotonic()
        upgrade()
        # One real argon2 hash, shared by every account: hashing 2,000 times would take minutes.
        builder = Builder(size, hash_password(PASSWORD), random.Random(seed_value))
        builder.build()
        counts = insert_rows(builder.rows)
        reset_sequences()
        service_records(builder.fixtures)
        analyze()
        fixtures = {**builder.fixtures, "rows": counts, "seconds": round(time.monotonic() - began, 1)}
        from recovery.db import db

        db.engine.dispose()
    return fixtures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--out", type=Path, required=True, help="where to write the fixtures (JSON)")
    args = parser.parse_args(argv)
    fixtures = seed(SIZES[args.size])
    args.out.write_text(json.dumps(fixtures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
