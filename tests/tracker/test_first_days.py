"""A commitment's first days: the plain record instead of a score that is low only because it is young."""

import re
from datetime import timedelta

import pytest

from recovery.db import db
from recovery.tracker import commitments, pages
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import DAILY, ONCE, CheckIn
from tests import factories
from tests.forms import form_data, forms_in


@pytest.fixture
def family(app):
    return factories.jordans_circle(("Sam", {"share": {"tracker", "milestones"}}))


def _commitment(person, title="Call home", days_ago=0, schedule=None, kept_days=()):
    today = commitments.today_for(person)
    start = today - timedelta(days=days_ago)
    c = commitments.create_commitment(person, title, "", schedule or ScheduleInput(DAILY), start, today=start)
    for back in kept_days:
        db.session.add(CheckIn(commitment_id=c.id, local_date=today - timedelta(days=back), status="kept"))
    db.session.commit()
    return c


def _kept_today_through_the_page(client, person, c):
    page = client.get("/tracker/today").get_data(as_text=True)
    form = next(f for f in forms_in(page) if f.action.startswith(f"/tracker/commitments/{c.id}/checkin"))
    data = form_data(page, action=form.action)
    data[f"c{c.id}-status"] = "kept"  # the button pressed
    assert client.post(form.action.replace("&amp;", "&"), data=data).status_code == 302


def test_a_first_kept_day_reads_as_a_record_on_every_page(app, family, as_user):
    """After a first "Kept", both sides read "Kept 1 of 1 day so far", never "5%" in a warning colour."""
    person, sam, connection = family
    c = _commitment(person)
    client = as_user(person)
    _kept_today_through_the_page(client, person, c)
    owner_pages = ["/tracker/", f"/tracker/commitments/{c.id}", "/tracker/today"]
    loved_pages = [f"/circle/{connection.id}/tracker", f"/tracker/shared/{connection.id}/commitments/{c.id}"]
    sam_client = as_user(sam)
    for url, who in [(u, client) for u in owner_pages] + [(u, sam_client) for u in loved_pages]:
        r = who.get(url)
        assert r.status_code == 200, url
        body = r.get_data(as_text=True)
        assert "Kept 1 of 1 day so far" in body, url
        assert "score starts after 7 due days" in body, url
        assert "5%" not in body and 'low="40"' not in body, url


def test_the_summaries_for_the_homes_say_young(app, family):
    """The home pages get `young` and the words to show, for the person and for the loved one."""
    person, sam, connection = family
    _commitment(person, kept_days=(0,))
    mine = pages.person_dashboard(person)
    assert mine.young and mine.record_words == "Kept 1 of 1 day so far" and mine.overall is None
    theirs = pages.loved_one_dashboard(sam, [connection])[connection.id]
    assert theirs.young and theirs.record_words == "Kept 1 of 1 day so far" and theirs.overall is None


def test_after_seven_due_days_the_score_shows(app, family, as_user):
    """From the 7th due day on, the score shows; still in its first weeks, without a warning colour."""
    person, _, _ = family
    c = _commitment(person, days_ago=7, kept_days=range(7))  # days 7..1 back are over: 7 settled
    body = as_user(person).get(f"/tracker/commitments/{c.id}").get_data(as_text=True)
    assert "Kept" not in re.sub(r"<form.*?</form>", "", body, flags=re.S).split("What moves the score")[0] \
        .split("stat-row", 1)[1].split("</div>", 1)[0]
    assert re.search(r'class="score-value">\d+%', body) and 'low="40"' not in body
    assert "Still growing" in body


def test_a_grown_score_keeps_its_colours(app, family, as_user):
    """A commitment with months behind it shows its score with the usual colour ranges."""
    person, _, _ = family
    c = _commitment(person, days_ago=40, kept_days=range(1, 41))
    body = as_user(person).get(f"/tracker/commitments/{c.id}").get_data(as_text=True)
    assert 'low="40"' in body and "Still growing" not in body


def test_a_new_commitment_does_not_drag_down_the_overall(app, family):
    """The overall is the mean of grown commitments; a young one joins it after its first week."""
    person, _, _ = family
    _commitment(person, "Walk", days_ago=40, kept_days=range(1, 41))
    _commitment(person, "Call home", days_ago=2)  # two missed days: young
    view = pages.overview(person)
    grown = next(s for s in view.summaries if s.commitment.title == "Walk")
    young = next(s for s in view.summaries if s.commitment.title == "Call home")
    assert young.young and young.record_words == "Kept 0 of 2 days so far"
    assert view.overall == pytest.approx(grown.score) and not view.record.young


def test_a_young_record_counts_from_the_start_after_progress_is_saved(app, family, as_user):
    """A commitment with few due days long ago (its progress saved) still tells its whole record."""
    person, _, _ = family
    today = commitments.today_for(person)
    start = today - timedelta(days=30)
    c = commitments.create_commitment(person, "Visit Gran", "", ScheduleInput(ONCE, once_on=start), start,
                                      today=start)
    db.session.add(CheckIn(commitment_id=c.id, local_date=start, status="partly"))
    db.session.commit()
    client = as_user(person)
    for _ in range(2):  # the first visit saves the progress over the settled weeks; the second reads it
        body = client.get(f"/tracker/commitments/{c.id}").get_data(as_text=True)
        assert "Kept 1 of 1 day so far, 1 of them partly" in body
    db.session.refresh(c)
    assert c.progress_through is not None


@pytest.mark.parametrize("with_commitment", [False, True])
def test_one_new_commitment_button_per_page(app, family, as_user, with_commitment):
    """Each tracker page offers at most one way to a new commitment."""
    person, _, _ = family
    urls = ["/tracker/", "/tracker/today", "/tracker/journey"]
    if with_commitment:
        c = _commitment(person)
        urls.append(f"/tracker/commitments/{c.id}")
    client = as_user(person)
    for url in urls:
        body = client.get(url).get_data(as_text=True)
        assert body.count('href="/tracker/commitments/new') <= 1, url
    assert client.get("/tracker/").get_data(as_text=True).count('href="/tracker/commitments/new') == 1
