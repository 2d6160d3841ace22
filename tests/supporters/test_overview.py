"""A supporter's overview (issue 19, item 3): the people who chose them, what each shares, their week.

Tracker facts are the person's records: they show, and the visit is logged, only for people who share
their tracker now. Setbacks show only for people who share their tracker and milestones, and only the
setbacks they chose to tell about. A consent that ran out is listed apart, with no data. The page costs
the same number of SQL statements for 1 person as for 50.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON, SUPPORTER
from recovery.circle import permissions
from recovery.circle.models import AccessLogEntry
from recovery.db import db, utcnow
from recovery.supporters import summary
from recovery.tracker import commitments, journey
from recovery.tracker.commitments import ScheduleInput, today_for
from recovery.tracker.models import DAILY, CheckIn
from tests import factories
from tests.queries import captured_statements, selects

# (SELECTs, data statements) of a reload of /supporting/, the same for 1 person as for 50: the login session
# (with its user), the ties (with the people), what each shares, the consents' last days, the last check-ins,
# this week's check-ins, the setbacks told about, the links still waiting for an answer, and the access log's
# recent visits (a reload within a minute writes nothing).
PINNED = (9, 9)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _visits(viewer_id: int) -> list[tuple[int, str]]:
    db.session.commit()
    return sorted(tuple(r) for r in db.session.execute(
        sa.select(AccessLogEntry.owner_id, AccessLogEntry.area).where(AccessLogEntry.viewer_id == viewer_id)))


def _commitment(person, title: str, private: bool = False, days_back: int = 30):
    today = today_for(person)
    start = today - timedelta(days=days_back)
    return commitments.create_commitment(person, title, "", ScheduleInput(DAILY), start, private=private, today=start)


def _checkins(commitment, *days_and_statuses) -> None:
    db.session.add_all([CheckIn(commitment_id=commitment.id, local_date=day, status=status)
                        for day, status in days_and_statuses])
    db.session.flush()


def _person_with_a_week(name: str = "Jordan", timezone: str = "UTC"):
    """A person whose week so far (Monday to today) has one kept, one partly kept and one missed check-in, plus
    check-ins that must not count: last Sunday's, and one on a commitment kept just for them."""
    person = factories.make_user(PERSON, name=name, timezone=timezone)
    today = today_for(person)
    last_sunday = today - timedelta(days=today.weekday() + 1)
    walk, call, meet = (_commitment(person, t) for t in ("Evening walk", "Call my sister", "Go to a meeting"))
    _checkins(walk, (today, "kept"), (last_sunday, "kept"), (last_sunday - timedelta(days=1), "missed"))
    _checkins(call, (today, "partly"))
    _checkins(meet, (today, "missed"))
    _checkins(_commitment(person, "Journal, just for me", private=True), (today, "kept"))
    db.session.commit()
    return person


def _week_of(page: str, name: str) -> tuple[int, int, int] | None:
    """The kept / partly kept / missed counts on a person's card, or None if the card shows none."""
    card = _card(page, name)
    found = re.search(r"(\d+)</span> kept</li>\s*<li><span class=\"support-count\">(\d+)</span> partly kept</li>"
                      r"\s*<li><span class=\"support-count\">(\d+)</span> missed", card)
    return tuple(int(n) for n in found.groups()) if found else None


def _card(page: str, name: str) -> str:
    """The HTML of one person's card on the overview."""
    cards = re.findall(r'<article class="card person-card support-card".*?</article>', page, re.S)
    mine = [c for c in cards if f'<h2 class="support-name">{name}</h2>' in c]
    assert len(mine) == 1, f"{name}: {len(mine)} cards"
    return mine[0]


def test_the_week_is_counted_from_monday_in_the_persons_time_zone(app, as_user):
    # UTC+14: most hours of the day, Jordan's today is already tomorrow in UTC (and the supporter's).
    jordan = _person_with_a_week(timezone="Pacific/Kiritimati")
    counsellor = factories.make_user(SUPPORTER, name="Dr. Rivera")
    factories.make_support(jordan, counsellor, share={"tracker"})
    page = _text(as_user(counsellor).get("/supporting/"))
    assert _week_of(page, "Jordan") == (1, 1, 1)
    assert "This week (since Monday)" in page
    assert f"Last check-in: <strong>{today_for(jordan).strftime('%a %-d %b')}</strong>" in _card(page, "Jordan")
    assert "Journal, just for me" not in page  # titles aren't on the overview at all, private ones least of all


def test_the_service_reads_the_same_counts(app):
    jordan = _person_with_a_week()
    counsellor = factories.make_user(SUPPORTER)
    factories.make_support(jordan, counsellor, share={"tracker"})
    view = summary.overview(counsellor)
    [p] = view.people
    week = p.week
    assert (week.kept, week.partly, week.missed) == (1, 1, 1)
    assert p.last_checkin == today_for(jordan)
    assert p.setbacks is None  # milestones aren't shared: nothing is said about setbacks


def test_a_loved_ones_self_care_counts_the_same_way(app, as_user):
    sam = factories.make_user(LOVED_ONE, name="Sam")
    today = today_for(sam)
    walk = _commitment(sam, "A walk by the river")
    _checkins(walk, (today, "kept"))
    db.session.commit()
    counsellor = factories.make_user(SUPPORTER)
    tie = factories.make_support(sam, counsellor, share={"self_care", "boundaries"})
    page = _text(as_user(counsellor).get("/supporting/"))
    assert _week_of(page, "Sam") == (1, 0, 0)
    assert "Loved one" in _card(page, "Sam")
    assert _visits(counsellor.id) == [(sam.id, "self_care")]
    assert tie.id


def test_setbacks_in_the_last_14_days_count_when_tracker_and_milestones_are_shared(app, as_user):
    jordan = _person_with_a_week()
    today = today_for(jordan)
    journey.log_setback(jordan, today - timedelta(days=10), "A hard night.", "Called my sponsor.", shared=True,
                        today=today)
    journey.log_setback(jordan, today - timedelta(days=20), "An older one.", "", shared=True, today=today)
    journey.log_setback(jordan, today - timedelta(days=3), "Kept to myself.", "", shared=False, today=today)
    db.session.commit()
    counsellor = factories.make_user(SUPPORTER)
    factories.make_support(jordan, counsellor, share={"tracker", "milestones"})
    page = _text(as_user(counsellor).get("/supporting/"))
    assert "1 setback they told you about in the last 14 days." in _card(page, "Jordan")
    assert "Kept to myself" not in page and "A hard night" not in page  # a count only, never the words
    assert _visits(counsellor.id) == [(jordan.id, "milestones"), (jordan.id, "tracker")]


def test_no_word_about_setbacks_unless_the_tracker_is_shared(app, as_user):
    jordan = factories.make_user(PERSON, name="Jordan")
    today = today_for(jordan)
    journey.log_setback(jordan, today - timedelta(days=2), "A hard night.", "", shared=True, today=today)
    _checkins(_commitment(jordan, "Evening walk"), (today, "kept"))
    db.session.commit()
    counsellor = factories.make_user(SUPPORTER)
    factories.make_support(jordan, counsellor, share={"milestones", "boundaries"})
    page = _text(as_user(counsellor).get("/supporting/"))
    card = _card(page, "Jordan")
    assert "setback" not in card.lower()
    assert _week_of(page, "Jordan") is None
    assert "Last check-in" not in card and "No check-ins yet" not in card
    assert _visits(counsellor.id) == []  # names of what they share only: nothing of theirs was shown


def test_visits_are_logged_only_for_the_people_who_share_their_tracker(app, as_user):
    counsellor = factories.make_user(SUPPORTER)
    jordan, alex = _person_with_a_week("Jordan"), _person_with_a_week("Alex")
    factories.make_support(jordan, counsellor, share={"tracker", "plan"})
    factories.make_support(alex, counsellor, share={"boundaries"})
    page = _text(as_user(counsellor).get("/supporting/"))
    assert _week_of(page, "Jordan") == (1, 1, 1) and _week_of(page, "Alex") is None
    assert _visits(counsellor.id) == [(jordan.id, "tracker")]
    # What each shares is named, each a link to its own page.
    assert re.search(r'href="/circle/\d+/plan">Plan for hard days</a>', _card(page, "Jordan"))
    assert re.search(r'href="/circle/\d+/boundaries">Boundaries</a>', _card(page, "Alex"))


def _names_in_order(page: str) -> list[str]:
    return re.findall(r'<h2 class="support-name">([^<]+)</h2>', page)


def test_sorting_by_name_end_of_consent_and_last_check_in(app, as_user):
    counsellor = factories.make_user(SUPPORTER)
    setup = [("Casey", 40, 1), ("alex", 200, 5), ("Blake", 100, 3)]  # name, days of consent, last check-in days ago
    for name, days, ago in setup:
        person = factories.make_user(PERSON, name=name)
        _checkins(_commitment(person, "Evening walk"), (today_for(person) - timedelta(days=ago), "kept"))
        factories.make_support(person, counsellor, share={"tracker"}, days=days)
    client = as_user(counsellor)
    assert _names_in_order(_text(client.get("/supporting/"))) == ["alex", "Blake", "Casey"]
    assert _names_in_order(_text(client.get("/supporting/?sort=name"))) == ["alex", "Blake", "Casey"]
    assert _names_in_order(_text(client.get("/supporting/?sort=ends"))) == ["Casey", "Blake", "alex"]
    assert _names_in_order(_text(client.get("/supporting/?sort=last"))) == ["Casey", "Blake", "alex"]
    assert _names_in_order(_text(client.get("/supporting/?sort=oops"))) == ["alex", "Blake", "Casey"]
    page = _text(client.get("/supporting/?sort=ends"))
    assert '<strong aria-current="true">Consent ends soonest</strong>' in page
    assert 'href="/supporting/?sort=last"' in page  # plain links: no script needed


def test_the_last_day_of_consent_and_ends_in_n_days_when_14_or_fewer(app, as_user):
    counsellor = factories.make_user(SUPPORTER)
    soon, later = factories.make_user(PERSON, name="Soon"), factories.make_user(PERSON, name="Later")
    factories.make_support(soon, counsellor, share={"plan"}, days=10)
    factories.make_support(later, counsellor, share={"plan"}, days=60)
    page = _text(as_user(counsellor).get("/supporting/"))
    last = today_for(soon) + timedelta(days=10)
    assert f"Consent lasts until <strong>{last.strftime('%-d %B %Y')}</strong>" in _card(page, "Soon")
    assert "Ends in 10 days" in _card(page, "Soon") and "ask them to renew" in _card(page, "Soon")
    assert "Ends in" not in _card(page, "Later")
    for card in (_card(page, "Soon"), _card(page, "Later")):
        assert re.search(r'href="/supporting/\d+/prepare"', card) and re.search(r'href="/supporters/\d+/consent"', card)


def test_a_consent_that_ran_out_is_listed_apart_with_no_data(app, as_user, monkeypatch):
    counsellor = factories.make_user(SUPPORTER)
    jordan = _person_with_a_week()
    tie = factories.make_support(jordan, counsellor, share={"tracker", "milestones"}, days=2)
    later = utcnow() + timedelta(days=4)
    monkeypatch.setattr(permissions, "utcnow", lambda: later)
    page = _text(as_user(counsellor).get("/supporting/"))
    last = today_for(jordan) + timedelta(days=2)
    assert f"Consent ran out on {last.strftime('%-d %B %Y')}." in page
    assert 'class="card person-card support-card"' not in page
    assert "Last check-in" not in page and "support-count" not in page and f"/circle/{tie.id}/" not in page
    assert f"/supporters/{tie.id}/consent" in page
    assert _visits(counsellor.id) == []
    assert as_user(counsellor).get(f"/supporting/{tie.id}/prepare").status_code == 404


def test_an_ended_consent_is_not_listed(app, as_user):
    from recovery.supporters import services

    counsellor = factories.make_user(SUPPORTER)
    jordan = _person_with_a_week()
    tie = factories.make_support(jordan, counsellor, share={"tracker"})
    services.end_tie(jordan, tie)
    db.session.commit()
    page = _text(as_user(counsellor).get("/supporting/"))
    assert "Jordan" not in page
    assert _visits(counsellor.id) == []


def test_a_second_supporter_sees_none_of_the_first_ones_people(app, as_user):
    counsellor, sponsor = factories.make_user(SUPPORTER), factories.make_user(SUPPORTER)
    jordan = _person_with_a_week("Jordan")
    alex = _person_with_a_week("Alex")
    tie = factories.make_support(jordan, counsellor, share={"tracker", "milestones", "boundaries"})
    factories.make_support(alex, sponsor, share={"tracker"})
    page = _text(as_user(sponsor).get("/supporting/"))
    assert "Alex" in page and "Jordan" not in page and f"/circle/{tie.id}/" not in page
    assert as_user(sponsor).get(f"/supporting/{tie.id}/prepare").status_code == 404
    assert _visits(sponsor.id) == [(alex.id, "tracker")]


def test_only_supporters_open_the_overview(app, as_user):
    jordan = factories.make_user(PERSON)
    sam = factories.make_user(LOVED_ONE)
    for user in (jordan, sam):
        assert as_user(user).get("/supporting/").status_code == 404
    assert app.test_client().get("/supporting/").status_code == 302  # to log in


def test_the_empty_page_says_how_people_join(app, as_user):
    from recovery.supporters import services

    counsellor = factories.make_user(SUPPORTER)
    page = _text(as_user(counsellor).get("/supporting/"))
    assert "No one yet" in page and 'href="/supporting/invite"' in page and "Invite someone you support" in page
    services.invite_person(counsellor, "To prepare for our sessions.", "Jordan from Tuesday group")
    db.session.commit()
    page = _text(as_user(counsellor).get("/supporting/"))
    assert "Your link for Jordan from Tuesday group" in page


def test_the_page_stacks_on_a_phone(app, as_user):
    """Readable at 360 px: the page links its own sheet, whose cards take the whole width on a small screen."""
    from pathlib import Path

    counsellor = factories.make_user(SUPPORTER)
    factories.make_support(_person_with_a_week(), counsellor, share={"tracker"})
    page = _text(as_user(counsellor).get("/supporting/"))
    assert '<link rel="stylesheet" href="/static/css/supporting.css">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<table" not in page  # nothing wide: cards and short lists only
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "supporting.css").read_text()
    assert "minmax(min(100%, 19rem), 1fr)" in css  # never wider than the screen


# --- The same number of statements for 1 person as for 50 ---------------------------------------------------


def _people(counsellor, n: int) -> None:
    """n people who chose the counsellor, each sharing tracker and milestones, each with a week and a setback."""
    for i in range(n):
        person = factories.make_user(PERSON, name=f"Person {i:02d}")
        today = today_for(person)
        walk = _commitment(person, "Evening walk")
        _checkins(walk, (today, "kept"), (today - timedelta(days=1), "partly"))
        journey.log_setback(person, today - timedelta(days=5), "A hard night.", "", shared=True, today=today)
        db.session.commit()
        factories.make_support(person, counsellor, share={"tracker", "milestones", "plan"})


def _second_visit(client) -> tuple[tuple[int, int], str]:
    """(SELECTs, data statements) of the overview's reload, and the page (the first visit writes the visits)."""
    assert client.get("/supporting/").status_code == 200
    with captured_statements() as statements:
        response = client.get("/supporting/")
    assert response.status_code == 200
    data = [s for s in statements if s.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE")]
    return (len(selects(statements)), len(data)), _text(response)


@pytest.mark.parametrize("n", [1, 50])
def test_the_overview_costs_the_same_for_1_or_50_people(app, as_user, n):
    counsellor = factories.make_user(SUPPORTER)
    _people(counsellor, n)
    counts, page = _second_visit(as_user(counsellor))
    assert len(re.findall(r'<h2 class="support-name">', page)) == n  # each of them is shown, with their week
    assert page.count("1 setback they told you about") == n
    assert counts == PINNED, f"{n} people: {counts}"
