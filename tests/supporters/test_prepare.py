"""Preparing for a session (issue 19, item 4): one printable page of the last 2 or 4 weeks of what a person
shares now, and nothing else; every part read through the door and each visit logged.
"""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON, SUPPORTER
from recovery.boundaries import services as boundaries
from recovery.boundaries.services import Words
from recovery.circle import permissions
from recovery.circle.models import AccessLogEntry
from recovery.conversations import services as talks
from recovery.db import db, utcnow
from recovery.errors import NotFound
from recovery.plan import services as hard_days
from recovery.supporters import services, summary
from recovery.tracker import commitments, journey
from recovery.tracker.commitments import ScheduleInput, today_for
from recovery.tracker.models import DAILY, CheckIn
from recovery.trust.models import TrustCheckIn
from tests import factories

BOUNDARY_WORDS = "you raise your voice at dinner"
SETBACK_TOLD = "I drank at the wedding and told Sam the next day."
SETBACK_KEPT = "Nobody knows about this one."
HOW_TO_HELP = "Sit with me and call my sponsor with me."


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _visits(viewer_id: int) -> list[tuple[int, str]]:
    db.session.commit()
    return sorted(tuple(r) for r in db.session.execute(
        sa.select(AccessLogEntry.owner_id, AccessLogEntry.area).where(AccessLogEntry.viewer_id == viewer_id)))


@pytest.fixture
def jordan(app):
    """Jordan, with records of every kind: a commitment with check-ins 1 and 3 weeks ago, setbacks (one told,
    one kept private), a small win, a boundary with an event and an answer, a plan for hard days."""
    person = factories.make_user(PERSON, name="Jordan")
    today = today_for(person)
    start = today - timedelta(days=60)
    walk = commitments.create_commitment(person, "Evening walk", "", ScheduleInput(DAILY), start, today=start)
    db.session.add_all([CheckIn(commitment_id=walk.id, local_date=today - timedelta(days=d), status=s)
                        for d, s in ((1, "kept"), (2, "kept"), (3, "partly"), (4, "missed"),  # the last 2 weeks
                                     (20, "kept"), (21, "missed"), (22, "missed"))])  # 3 weeks ago
    journey.log_setback(person, today - timedelta(days=5), SETBACK_TOLD, "Go to a meeting.", shared=True, today=today)
    journey.log_setback(person, today - timedelta(days=6), SETBACK_KEPT, "", shared=False, today=today)
    journey.add_small_win(person, "Cooked dinner for everyone.", today=today)
    sam = factories.make_user(LOVED_ONE, name="Sam")
    factories.make_connection(person, sam, share={"boundaries"})
    boundary = boundaries.create_boundary(person, "home", Words(f"If {BOUNDARY_WORDS}", "I will take a walk."))
    # The note starts with its author's name: the page must not read "Jordan: Jordan left …".
    boundaries.log_event(boundary, person, "respected", today - timedelta(days=2), "Jordan left the party early.",
                         today=today)
    boundaries.log_event(boundary, sam, "talked", today - timedelta(days=1), "", today=today)
    boundaries.log_event(boundary, sam, "crossed", today - timedelta(days=40), "Long ago.", today=today)
    boundaries.acknowledge(boundary, sam, "acknowledged")
    hard_days.save_note(person, HOW_TO_HELP)
    db.session.commit()
    return person


def _client_of(as_user, owner, share, **options):
    counsellor = factories.make_user(SUPPORTER, name="Dr. Rivera")
    tie = factories.make_support(owner, counsellor, share=share, **options)
    return counsellor, tie, as_user(counsellor)


def test_only_what_is_shared_appears(app, as_user, jordan):
    counsellor, tie, client = _client_of(as_user, jordan, {"tracker"})
    page = _text(client.get(f"/supporting/{tie.id}/prepare"))
    assert "Preparing for a session with Jordan" in page and "Evening walk" in page
    for hidden in (BOUNDARY_WORDS, SETBACK_TOLD, SETBACK_KEPT, HOW_TO_HELP, "Cooked dinner"):
        assert hidden not in page, hidden
    for heading in ("Boundaries</h2>", "Plan for hard days</h2>", "Milestones, setbacks and small wins</h2>"):
        assert heading not in page
    assert _visits(counsellor.id) == [(jordan.id, "tracker")]


def test_every_shared_part_is_summarised_and_each_visit_logged(app, as_user, jordan):
    share = {"tracker", "milestones", "boundaries", "plan", "amends"}
    counsellor, tie, client = _client_of(as_user, jordan, share)
    page = _text(client.get(f"/supporting/{tie.id}/prepare"))
    assert BOUNDARY_WORDS in page and "Respected" in page and "Jordan left the party early." in page
    assert "1 person answered: “I understand and will respect this”" in page
    talked = (today_for(jordan) - timedelta(days=1)).strftime("%-d %b")
    assert f"Talked about, {talked} · noted by Sam" in page  # who noted it, as the boundary's own page shows it
    assert "Long ago." not in page  # an event before the window
    assert SETBACK_TOLD in page and "Go to a meeting." in page and "Cooked dinner for everyone." in page
    assert SETBACK_KEPT not in page  # a setback they didn't tell about never shows
    assert HOW_TO_HELP in page and "Last changed or read through on" in page
    assert f'href="/circle/{tie.id}/amends">Amends</a>' in page  # shared, not summarised here: a link to it
    # Each part summarised is a visit; the amends link shows nothing of them and logs nothing.
    assert _visits(counsellor.id) == sorted((jordan.id, a) for a in ("tracker", "milestones", "boundaries", "plan"))


def _counts(page: str) -> tuple[int, int, int]:
    import re

    found = re.search(r"<th scope=\"row\">Evening walk</th>\s*<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", page)
    return tuple(int(n) for n in found.groups())


def test_two_or_four_weeks(app, as_user, jordan):
    _, tie, client = _client_of(as_user, jordan, {"tracker"})
    today = today_for(jordan)
    two = _text(client.get(f"/supporting/{tie.id}/prepare"))
    assert _counts(two) == (2, 1, 1)
    first = today - timedelta(days=13)
    assert f"The last 2 weeks: {first.strftime('%-d %B')} to {today.strftime('%-d %B %Y')}." in two
    assert _counts(_text(client.get(f"/supporting/{tie.id}/prepare?weeks=2"))) == (2, 1, 1)
    four = _text(client.get(f"/supporting/{tie.id}/prepare?weeks=4"))
    assert _counts(four) == (3, 1, 3)
    assert "The last 4 weeks" in four and '<strong aria-current="true">4 weeks</strong>' in four
    for odd in ("3", "abc", "", "4.0", "-4"):
        assert _counts(_text(client.get(f"/supporting/{tie.id}/prepare?weeks={odd}"))) == (2, 1, 1), odd


def test_the_window_holds_for_setbacks_and_wins_too(app, jordan):
    counsellor = factories.make_user(SUPPORTER)
    today = today_for(jordan)
    journey.log_setback(jordan, today - timedelta(days=20), "Three weeks back.", "", shared=True, today=today)
    db.session.commit()
    tie = factories.make_support(jordan, counsellor, share={"milestones"})
    with app.test_request_context():
        two = summary.prepare(counsellor, tie.id, 2)
        four = summary.prepare(counsellor, tie.id, 4)
    assert [s.what_happened for s in two.setbacks] == [SETBACK_TOLD]
    assert [s.what_happened for s in four.setbacks] == [SETBACK_TOLD, "Three weeks back."]
    assert two.commitments == [] and two.commitments_area is None  # the tracker isn't shared


def test_a_loved_ones_trust_check_ins_and_self_care(app, as_user):
    sam = factories.make_user(LOVED_ONE, name="Sam")
    jordan = factories.make_user(PERSON, name="Jordan")
    factories.make_connection(jordan, sam)
    today = today_for(sam)
    db.session.add_all([TrustCheckIn(owner_id=sam.id, person_id=jordan.id, local_date=today - timedelta(days=d),
                                     predictability=p, dependability=5, faith=4, note=note)
                        for d, p, note in ((3, 6, "A calmer week."), (25, 2, "Three weeks back."))])
    start = today - timedelta(days=30)
    walk = commitments.create_commitment(sam, "A walk by the river", "", ScheduleInput(DAILY), start, today=start)
    db.session.add(CheckIn(commitment_id=walk.id, local_date=today - timedelta(days=1), status="kept"))
    db.session.commit()
    counsellor, tie, client = _client_of(as_user, sam, {"trust", "self_care"})
    page = _text(client.get(f"/supporting/{tie.id}/prepare"))
    assert "Loved one." in page and "A calmer week." in page and "Three weeks back." not in page
    assert "<td>Jordan</td>" in page and "A walk by the river" in page and "Self-care</h2>" in page
    assert _visits(counsellor.id) == [(sam.id, "self_care"), (sam.id, "trust")]


def test_shared_talks_are_listed_by_title_and_status(app, as_user, jordan):
    counsellor, tie, client = _client_of(as_user, jordan, {"conversations"})
    plan = talks.start_plan(jordan, "making-an-amends", tie.id)
    talks.save_plan(plan, jordan, "Talking to Dr. Rivera about my amends", dict(plan.answers), tie.id, True)
    hidden = talks.start_plan(jordan, "making-an-amends", tie.id)
    talks.save_plan(hidden, jordan, "Not for sharing", dict(hidden.answers), tie.id, False)
    db.session.commit()
    page = _text(client.get(f"/supporting/{tie.id}/prepare"))
    assert "Talking to Dr. Rivera about my amends" in page and "Draft" in page
    assert "Not for sharing" not in page


def test_ended_or_expired_consent_is_404(app, as_user, jordan, monkeypatch):
    counsellor, tie, client = _client_of(as_user, jordan, {"tracker"}, days=3)
    assert client.get(f"/supporting/{tie.id}/prepare").status_code == 200
    later = utcnow() + timedelta(days=5)
    monkeypatch.setattr(permissions, "utcnow", lambda: later)
    assert client.get(f"/supporting/{tie.id}/prepare").status_code == 404
    monkeypatch.undo()
    assert client.get(f"/supporting/{tie.id}/prepare").status_code == 200
    services.end_tie(jordan, tie)
    db.session.commit()
    assert client.get(f"/supporting/{tie.id}/prepare").status_code == 404
    with pytest.raises(NotFound):
        summary.prepare(counsellor, tie.id)


def test_no_one_else_opens_it(app, as_user, jordan):
    counsellor, tie, _ = _client_of(as_user, jordan, {"tracker", "boundaries"})
    other = factories.make_user(SUPPORTER)
    factories.make_support(factories.make_user(PERSON), other, share={"tracker"})  # a second family
    sam = factories.make_user(LOVED_ONE)
    for user in (other, jordan, sam):
        response = as_user(user).get(f"/supporting/{tie.id}/prepare")
        assert response.status_code == 404, user
        assert BOUNDARY_WORDS not in _text(response)
    assert as_user(counsellor).get("/supporting/999999/prepare").status_code == 404
    assert _visits(other.id) == []


def test_the_page_prints_cleanly(app, as_user, jordan):
    """Printable: the links and buttons are marked to stay off paper; the content stays."""
    _, tie, client = _client_of(as_user, jordan, {"tracker", "plan"})
    page = _text(client.get(f"/supporting/{tie.id}/prepare"))
    assert '<nav class="sort-links no-print"' in page and '<p class="button-row no-print">' in page
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in page


def test_every_supporter_page_here_speaks_plainly(app, as_user, jordan):
    """The words rules of every page (tests/test_words.py): no developer words, raw keys or doubled prefixes."""
    from recovery.supporters import notes_services as notes
    from tests.test_words import problems, visible_text

    share = {"tracker", "milestones", "boundaries", "plan", "amends", "conversations"}
    counsellor, tie, client = _client_of(as_user, jordan, share, days=7)
    sam = factories.make_user(LOVED_ONE, name="Sam Two")
    factories.make_support(sam, counsellor, share={"trust", "boundaries", "self_care"})
    note = notes.add_note(counsellor, notes.clean(counsellor, jordan.id, today_for(counsellor), "A good talk.", True))
    notes.add_note(counsellor, notes.clean(counsellor, notes.NO_ONE, today_for(counsellor), "For me.", False))
    db.session.commit()
    pages = {path: client.get(path) for path in (
        "/supporting/", "/supporting/?sort=ends", f"/supporting/{tie.id}/prepare?weeks=4", "/supporting/notes",
        "/supporting/notes/new", f"/supporting/notes/{note.id}/edit")}
    pages[f"/supporters/{tie.id}/notes"] = as_user(jordan).get(f"/supporters/{tie.id}/notes")
    failures = []
    for path, response in pages.items():
        assert response.status_code == 200, path
        failures += [f"{path}: {p}" for p in problems(visible_text(response.get_data(as_text=True)))]
    assert not failures, "\n".join(failures)
