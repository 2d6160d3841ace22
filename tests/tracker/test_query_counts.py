"""The tracker's main pages load in a fixed number of queries, however long the history."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.db import db
from recovery.tracker import journey
from recovery.tracker.commitments import today_for
from recovery.tracker.models import DAILY, CheckIn, Commitment, Confirmation, ScheduleVersion
from tests.queries import captured_statements

PINNED = {
    "overview": 4, "today": 4, "commitment": 7, "journey": 4,
    # The person's home also shows today's moments (tracker/celebrations.py): first weeks kept, a loved one's
    # first "I saw this", my boundaries heard: three queries, however long the history.
    # One more on both homes: unseen notifications and the reminders offer (notifications.home_notes).
    # The path's counts (amends entries, boundaries, plans) come in one statement.
    "home": 16,
    "shared tracker": 9, "shared commitment": 10, "shared milestones": 7,
    # The loved one's home shows the person's score, so it logs a tracker visit: one query finds the
    # recent visits of every person it shows (a reload within a minute writes nothing). One more: their
    # own boundaries heard today. One more: their own wellbeing, the last two checks ("Looking after me").
    "loved one home": 18,  # + their self-care today (tracker.pages.self_care_home: two queries)
    # A loved one's own self-care: the same pages on their commitments; and the person's view of it, shared.
    "self-care overview": 4, "self-care today": 4, "shared self-care": 7,
}


def _history(person, loved, days: int, commitments: int = 3, confirmed: bool = True):
    """Give the person `days` of daily check-ins on several commitments, with confirmations (unless not
    `confirmed`: a loved one's self-care, which no one confirms)."""
    today = today_for(person)
    start = today - timedelta(days=days)
    ids = []
    for n in range(commitments):
        c = Commitment(owner_id=person.id, title=f"Commitment {n}", start_date=start)
        c.schedules = [ScheduleVersion(valid_from=start, kind=DAILY)]
        db.session.add(c)
        db.session.flush()
        ids.append(c.id)
    rows = [{"commitment_id": cid, "local_date": start + timedelta(days=i),
             "status": "kept" if i % 9 else "missed", "note": ""}
            for cid in ids for i in range(days)]
    db.session.execute(sa.insert(CheckIn), rows)
    if not confirmed:
        db.session.commit()
        return ids
    recent = db.session.scalars(sa.select(CheckIn.id).where(CheckIn.local_date >= today - timedelta(days=20),
                                                            CheckIn.status == "kept")).all()
    db.session.execute(sa.insert(Confirmation), [{"checkin_id": i, "confirmer_id": loved.id, "verdict": "saw",
                                                  "note": ""} for i in recent[::2]])
    db.session.commit()
    return ids


def _page_queries(app, client, url) -> int:
    client.get(url)  # warm up: session touch, template compile
    with captured_statements() as statements:
        r = client.get(url)
    assert r.status_code == 200, url
    return len([s for s in statements if s.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE",
                                                                                    "DELETE")])


@pytest.fixture
def pages(make_user, make_connection, as_user):
    def build(days):
        person = make_user("person")
        loved = make_user("loved_one")
        connection = make_connection(person, loved, share={"tracker", "milestones"}, loved_one_shares={"self_care"})
        ids = _history(person, loved, days)
        _history(loved, person, days, commitments=2, confirmed=False)  # the loved one's self-care
        journey.log_setback(person, today_for(person) - timedelta(days=3), "x", "y", shared=True)
        db.session.commit()
        own, theirs = as_user(person), as_user(loved)
        urls = {
            "overview": (own, "/tracker/"),
            "today": (own, "/tracker/today"),
            "commitment": (own, f"/tracker/commitments/{ids[0]}"),
            "journey": (own, "/tracker/journey"),
            "home": (own, "/home"),
            "shared tracker": (theirs, f"/circle/{connection.id}/tracker"),
            "shared commitment": (theirs, f"/tracker/shared/{connection.id}/commitments/{ids[0]}"),
            "shared milestones": (theirs, f"/circle/{connection.id}/milestones"),
            "loved one home": (theirs, "/home"),
            "self-care overview": (theirs, "/tracker/"),
            "self-care today": (theirs, "/tracker/today"),
            "shared self-care": (own, f"/circle/{connection.id}/self_care"),
        }
        return urls
    return build


def test_query_counts_do_not_grow_with_history(app, pages):
    """Three years of history cost the same number of queries as one week, page by page."""
    week = {name: _page_queries(app, client, url) for name, (client, url) in pages(7).items()}
    years = {name: _page_queries(app, client, url) for name, (client, url) in pages(3 * 365).items()}
    assert years == week
    # Pinned, so a new query (or an N+1 loop) shows up here first.
    assert week == PINNED, week
