"""Trust check-in pages over HTTP: the overview, the form, the history, bad input, nav and dashboard."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from recovery.accounts.models import User
from recovery.dashboards.services import dashboard_for
from recovery.db import db
from recovery.trust import services
from recovery.trust.models import TrustCheckIn
from tests import factories
from tests.conftest import row_counts
from tests.queries import captured_statements, count_selects
from tests.trust.helpers import add_checkin, count_checkins

VALID = {"predictability": "4", "dependability": "5", "faith": "3", "note": "We had dinner together."}
HUGE = "é" * 10_000


@pytest.fixture
def family(app):
    """Jordan (person in recovery) and Sam (loved one), connected; nothing shared."""
    return factories.jordans_circle("Sam")


def checked(page: str, name: str) -> list[str]:
    """The values of the checked radio buttons named `name` in a page."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if re.search(r"\schecked[\s>]", i)]


def text(resp) -> str:
    """The response body with HTML entities decoded."""
    return html.unescape(resp.get_data(as_text=True))


def test_overview_lists_each_person_with_a_way_to_check_in(app, family, as_user):
    """The loved one's page names each person they support, with a reading and a check-in button."""
    jordan, sam, _ = family
    page = text(as_user(sam).get("/trust/"))
    assert "Trust check-ins" in page and "Jordan" in page
    assert f'href="/trust/{jordan.id}/new"' in page and "Check in about Jordan" in page
    assert "Too early to tell" in page and "Private to you" in page
    assert "only as an analogy" in page and "not families" in page  # King et al. is a comparison, said so


def test_overview_empty_state_says_what_to_do(app, make_user, as_user):
    """A loved one with no connections is told how to connect first."""
    page = text(as_user(make_user("loved_one")).get("/trust/"))
    assert "No one to check in about yet" in page and "/circle/invite" in page


def test_anonymous_is_sent_to_log_in(app, client, family):
    """Signed-out visitors are asked to log in."""
    jordan = family[0]
    for url in ("/trust/", f"/trust/{jordan.id}", f"/trust/{jordan.id}/new"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_form_asks_three_questions_with_named_ends_and_a_privacy_reminder(app, family, as_user):
    """The form has three 1-7 radio scales with their end labels, a note and a link to the circle page."""
    jordan, sam, connection = family
    page = text(as_user(sam).get(f"/trust/{jordan.id}/new"))
    for facet in ("predictability", "dependability", "faith"):
        values = re.findall(rf'name="{facet}" type="radio" value="(\d)"', page)
        assert checked(page, facet) == []
        assert values == [str(n) for n in range(1, 8)], facet
    assert page.count("1 = Not at all") == 3 and page.count("7 = Completely") == 3
    assert "How much can you count on Jordan" in page
    assert 'name="note"' in page and "Private to you." in page
    assert f"/circle/#connection-{connection.id}" in page and "“Trust check-ins”" in page


def test_saving_a_checkin_redirects_to_history_and_shows_it(app, family, as_user):
    """A valid check-in is saved for today, and the history lists its date, three numbers and note."""
    jordan, sam, _ = family
    client = as_user(sam)
    resp = client.post(f"/trust/{jordan.id}/new", data=VALID)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/trust/{jordan.id}")
    checkin = db.session.scalar(sa.select(TrustCheckIn))
    assert (checkin.owner_id, checkin.person_id) == (sam.id, jordan.id)
    assert (checkin.predictability, checkin.dependability, checkin.faith) == (4, 5, 3)
    assert checkin.local_date == services.today_for(sam)
    page = text(client.get(f"/trust/{jordan.id}"))
    assert "Saved. Thank you" in page and "We had dinner together." in page
    assert re.search(r"<dt>Predictability</dt><dd>4<", page) and re.search(r"<dt>Faith</dt><dd>3<", page)
    assert "Average 4.0" in page


def test_second_checkin_in_a_week_is_refused_kindly(app, family, as_user):
    """Within 7 days the form is replaced by the next date, and a post is refused with 422, note kept."""
    jordan, sam, _ = family
    client = as_user(sam)
    client.post(f"/trust/{jordan.id}/new", data=VALID)
    next_day = services.today_for(sam) + timedelta(days=7)
    page = text(client.get(f"/trust/{jordan.id}/new"))
    assert 'name="predictability"' not in page
    assert f"Your next check-in about Jordan is on {next_day:%A} {next_day.day} {next_day:%B}" in page
    resp = client.post(f"/trust/{jordan.id}/new", data={**VALID, "note": "second try"})
    assert resp.status_code == 422 and "once every 7 days" in text(resp) and "second try" in text(resp)
    assert count_checkins() == 1
    overview = text(client.get("/trust/"))
    assert "Your next check-in about Jordan can be on" in overview


def test_a_week_later_the_form_is_back(app, family, as_user):
    """Exactly 7 local days after the last check-in, a new one is accepted."""
    jordan, sam, _ = family
    add_checkin(sam, jordan, services.today_for(sam) - timedelta(days=7))
    client = as_user(sam)
    assert 'name="predictability"' in text(client.get(f"/trust/{jordan.id}/new"))
    assert client.post(f"/trust/{jordan.id}/new", data=VALID).status_code == 302
    assert count_checkins() == 2


def test_route_counts_days_in_the_loved_ones_time_zone(app, make_user, make_connection, as_user, monkeypatch):
    """Over HTTP too, 'today' is the loved one's local date (Auckland, 12 hours ahead of UTC)."""
    jordan = make_user("person")
    sam = make_user("loved_one", timezone="Pacific/Auckland")
    make_connection(jordan, sam)
    client = as_user(sam)
    monkeypatch.setattr("recovery.timezones.utcnow", lambda: datetime(2024, 6, 2, 13, 0, tzinfo=UTC))
    assert client.post(f"/trust/{jordan.id}/new", data=VALID).status_code == 302
    assert db.session.scalar(sa.select(TrustCheckIn.local_date)).isoformat() == "2024-06-03"
    monkeypatch.setattr("recovery.timezones.utcnow", lambda: datetime(2024, 6, 9, 11, 0, tzinfo=UTC))
    assert client.post(f"/trust/{jordan.id}/new", data=VALID).status_code == 422
    monkeypatch.setattr("recovery.timezones.utcnow", lambda: datetime(2024, 6, 9, 12, 0, tzinfo=UTC))
    assert client.post(f"/trust/{jordan.id}/new", data=VALID).status_code == 302


BAD_ANSWERS = [
    ("predictability", None), ("dependability", None), ("faith", None),
    ("predictability", ""), ("dependability", "0"), ("faith", "8"),
    ("predictability", "abc"), ("dependability", "4.5"), ("faith", " 5"), ("faith", HUGE),
]


@pytest.mark.parametrize(("facet", "bad"), BAD_ANSWERS, ids=[f"{f}={b!r:.8}" for f, b in BAD_ANSWERS])
def test_bad_answer_shows_the_form_again_with_the_error_beside_it(app, family, as_user, facet, bad):
    """A missing, empty, 0, 8, non-number or huge answer: 422, the message beside that question, note kept."""
    jordan, sam, _ = family
    data = dict(VALID)
    if bad is None:
        data.pop(facet)
    else:
        data[facet] = bad
    client = as_user(sam)
    before = row_counts()
    resp = client.post(f"/trust/{jordan.id}/new", data=data)
    page = text(resp)
    assert resp.status_code == 422
    assert re.search(rf'id="{facet}-error">Please choose a number from 1 to 7\.<', page)
    assert page.count('class="error"') == 1
    assert "We had dinner together." in page
    for other in {"predictability", "dependability", "faith"} - {facet}:
        assert checked(page, other) == [VALID[other]], other
    assert checked(page, facet) == []
    assert row_counts() == before


@pytest.mark.parametrize("note", [HUGE, "x" * 1001, "tab\tok but bell\x07 not"])
def test_bad_note_shows_the_form_again_with_the_note_kept(app, family, as_user, note):
    """A 10,000-character, 1,001-character or control-character note: 422, error beside the note, text kept."""
    jordan, sam, _ = family
    client = as_user(sam)
    before = row_counts()
    resp = client.post(f"/trust/{jordan.id}/new", data={**VALID, "note": note})
    page = text(resp)
    assert resp.status_code == 422 and 'id="note-error"' in page
    assert note in page
    assert row_counts() == before


def test_empty_form_lists_every_question_as_unanswered(app, family, as_user):
    """Posting nothing at all marks all three questions and saves nothing."""
    jordan, sam, _ = family
    resp = as_user(sam).post(f"/trust/{jordan.id}/new", data={})
    assert resp.status_code == 422 and text(resp).count("Please choose a number from 1 to 7.") == 3
    assert count_checkins() == 0


def test_extra_fields_choose_nothing(app, family, make_user, as_user):
    """SECURITY.md 11: posted owner_id, person_id, local_date or id don't change whose or when a check-in is."""
    jordan, sam, _ = family
    other = make_user("person")
    data = {**VALID, "owner_id": other.id, "person_id": other.id, "local_date": "2000-01-01", "id": 987654,
            "created_at": "2000-01-01T00:00:00"}
    assert as_user(sam).post(f"/trust/{jordan.id}/new", data=data).status_code == 302
    checkin = db.session.scalar(sa.select(TrustCheckIn))
    assert (checkin.id != 987654, checkin.owner_id, checkin.person_id) == (True, sam.id, jordan.id)
    assert checkin.local_date == services.today_for(sam) and checkin.created_at.year > 2000


def test_notes_are_escaped(app, family, as_user):
    """SECURITY.md 14: a note with HTML shows as text, never as markup."""
    jordan, sam, _ = family
    client = as_user(sam)
    client.post(f"/trust/{jordan.id}/new", data={**VALID, "note": "<b>hi</b><script>x()</script>"})
    body = client.get(f"/trust/{jordan.id}").get_data(as_text=True)
    assert "<script>x()" not in body and "&lt;script&gt;x()" in body


def test_history_shows_chart_reading_and_every_checkin(app, family, as_user):
    """The history page draws an accessible SVG chart, names the reading and lists each check-in, newest first."""
    jordan, sam, _ = family
    today = services.today_for(sam)
    for weeks_ago, answers in ((3, (2, 2, 2)), (2, (3, 3, 3)), (1, (4, 4, 4)), (0, (5, 6, 5))):
        add_checkin(sam, jordan, today - timedelta(weeks=weeks_ago), answers, note=f"week -{weeks_ago}")
    page = text(as_user(sam).get(f"/trust/{jordan.id}"))
    assert "Rising" in page and "going up" in page and "Based on your last 4 check-ins" in page
    svg = re.search(r"<svg[^>]*>", page).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="trust-chart-' in svg and 'viewBox="0 0' in svg
    assert 'width="100%"' in svg
    assert page.count("<circle") == 4 and "<polyline" in page
    assert page.index("week -0") < page.index("week -3")
    assert "Your next check-in about Jordan can be on" in page


def test_overview_chart_has_a_text_equivalent(app, family, as_user):
    """On the overview the chart carries a visually hidden table of its dates and values."""
    jordan, sam, _ = family
    today = services.today_for(sam)
    add_checkin(sam, jordan, today - timedelta(weeks=1), (6, 6, 6))
    add_checkin(sam, jordan, today - timedelta(weeks=2), (3, 3, 3))
    page = text(as_user(sam).get("/trust/"))
    table = re.search(r'<div class="visually-hidden">\s*<table>.*?</table>', page, re.S).group(0)
    assert "<td>6.0</td>" in table and "<td>3.0</td>" in table
    assert f"{today - timedelta(weeks=1):%a} {(today - timedelta(weeks=1)).day}" in table


def test_form_says_when_checkins_are_shared(app, make_user, make_connection, as_user):
    """When the loved one shares trust check-ins with the person, the form and history say so."""
    jordan = make_user("person", name="Jordan")
    sam = make_user("loved_one", name="Sam")
    make_connection(jordan, sam, loved_one_shares={"trust"})
    client = as_user(sam)
    assert "they'll see this one too" in text(client.get(f"/trust/{jordan.id}/new"))
    assert "Shared with Jordan." in text(client.get(f"/trust/{jordan.id}"))


def test_nav_has_trust_for_loved_ones_only(app, family, as_user):
    """Loved ones get a "Trust check-ins" link after My circle, marked current there; people in recovery don't."""
    jordan, sam, _ = family
    page = as_user(sam).get(f"/trust/{jordan.id}").get_data(as_text=True)
    nav = re.search(r'<nav aria-label="Main">.*?</nav>', page, re.S).group(0)
    assert '<a href="/trust/" aria-current="page">Trust check-ins</a>' in nav
    assert nav.index("My circle") < nav.index(">Trust check-ins<")
    home = as_user(sam).get("/home").get_data(as_text=True)
    assert '<a href="/trust/">Trust check-ins</a>' in home
    assert 'href="/trust/"' not in as_user(jordan).get("/home").get_data(as_text=True)


def test_dashboard_card_and_path_step(app, family, as_user):
    """The loved one's dashboard shows who is ready for a check-in, and the trust step ticks itself off."""
    jordan, sam, _ = family
    client = as_user(sam)
    page = text(client.get("/home"))
    assert "Record how much you trust them today" in page
    assert "No check-ins yet" in page and f'href="/trust/{jordan.id}/new"' in page
    step = next(s for s in dashboard_for(sam).path if s.step.key == "trust")
    assert not step.done
    client.post(f"/trust/{jordan.id}/new", data=VALID)
    page = text(client.get("/home"))
    assert "Last check-in" in page and "next on" in page and f'href="/trust/{jordan.id}"' in page
    step = next(s for s in dashboard_for(sam).path if s.step.key == "trust")
    assert step.done
    assert all(s.step.key != "trust" for s in dashboard_for(jordan).path)


def test_loved_one_dashboard_query_count_does_not_grow(app, make_user, make_connection):
    """The loved one's dashboard loads in a fixed number of queries, however many people and check-ins."""
    sam = make_user("loved_one")

    def count_queries():
        return count_selects(lambda: dashboard_for(db.session.get(User, sam.id)))

    first = make_user("person")
    make_connection(first, sam)
    add_checkin(sam, first, services.today_for(sam))
    one = count_queries()
    today = services.today_for(sam)
    for i in range(4):
        person = make_user("person")
        make_connection(person, sam, loved_one_shares={"trust"})
        for week in range(6):
            add_checkin(sam, person, today - timedelta(weeks=week + i))
    assert count_queries() == one


def test_overview_query_count_does_not_grow(app, make_user, make_connection, as_user):
    """The overview loads in a fixed number of queries, however many people and check-ins."""
    sam = make_user("loved_one")
    client = as_user(sam)

    def count_queries():
        with captured_statements() as statements:
            assert client.get("/trust/").status_code == 200
        return len(statements)

    first = make_user("person")
    make_connection(first, sam)
    add_checkin(sam, first, services.today_for(sam))
    one = count_queries()
    for _ in range(3):
        person = make_user("person")
        make_connection(person, sam, loved_one_shares={"trust"})
        for week in range(15):
            add_checkin(sam, person, services.today_for(sam) - timedelta(weeks=week))
    assert count_queries() == one
    page = text(client.get("/trust/"))
    assert page.count("<circle") == 1 + 3 * services.OVERVIEW_POINTS
