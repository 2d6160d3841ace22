""""Add as a commitment": a meeting becomes a weekly commitment (once a week) in one step."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON
from recovery.db import db
from recovery.findhelp import local_list
from recovery.findhelp.demo import DEMO_LOCAL_HELP
from recovery.findhelp.finders import meeting_title
from recovery.tracker import commitments
from recovery.tracker.models import WEEKLY, Commitment
from tests.conftest import row_counts
from tests.forms import form_data
from tests.security.world import csrf_token_from

PAGE = "/help/near-me/"


def add_url(key: str, country: str = "US") -> str:
    return f"/help/near-me/meetings/{key}/add?country={country}"


def rows(user_id: int) -> list[Commitment]:
    return list(db.session.scalars(sa.select(Commitment).where(Commitment.owner_id == user_id)
                                   .order_by(Commitment.id)))


def press(client, key: str, country: str = "US"):
    """Open the finder and press the meeting's button, with what the page's form holds."""
    page = client.get(f"{PAGE}?country={country}").get_data(as_text=True)
    return client.post(add_url(key, country), data=form_data(page, action=add_url(key, country)))


@pytest.fixture
def with_local_list(app, monkeypatch):
    monkeypatch.setitem(app.extensions, local_list.EXTENSION, local_list.parse(DEMO_LOCAL_HELP))


@pytest.mark.parametrize(("name", "title"), [
    ("AA", "Go to an AA meeting"), ("NA", "Go to an NA meeting"),
    ("SMART Recovery", "Go to a SMART Recovery meeting"), ("LifeRing", "Go to a LifeRing meeting"),
    ("Al-Anon", "Go to an Al-Anon meeting"), ("Nar-Anon", "Go to a Nar-Anon meeting"),
    ("Alateen", "Go to an Alateen meeting"), ("SMART Family & Friends", "Go to a SMART Family & Friends meeting"),
    ("Riverside Tuesday Night Group", "Go to the Riverside Tuesday Night Group"),
    ("Open Speaker Meeting", "Go to the Open Speaker Meeting"),
])
def test_a_meetings_commitment_reads_naturally(name, title):
    assert meeting_title(name) == title


def test_the_person_adds_a_meeting_as_a_weekly_commitment(as_user, make_user):
    person = make_user(role=PERSON)
    client = as_user(person)
    response = press(client, "aa")
    [made] = rows(person.id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tracker/commitments/{made.id}")
    assert made.title == "Go to an AA meeting" and made.status == "active" and not made.private
    plan = commitments.planned_schedule(made)
    assert (plan.kind, plan.times_per_week) == (WEEKLY, 1)
    assert made.start_date == commitments.today_for(person)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Go to an AA meeting” is on your list, once a week." in page


def test_a_local_meeting_becomes_a_commitment(with_local_list, as_user, make_user):
    person = make_user(role=PERSON)
    press(as_user(person), "local-riverside-tuesday-night-group")
    assert [c.title for c in rows(person.id)] == ["Go to the Riverside Tuesday Night Group"]


def test_pressing_again_makes_no_second_commitment(as_user, make_user):
    person = make_user(role=PERSON)
    client = as_user(person)
    first = press(client, "na")
    again = press(client, "na")
    assert len(rows(person.id)) == 1
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert "already on your list" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_loved_one_adds_their_own_meeting_as_self_care(as_user, make_user):
    """Loved ones keep self-care commitments, so they get the same button, for their own groups."""
    loved = make_user(role=LOVED_ONE)
    response = press(as_user(loved), "al_anon")
    [made] = rows(loved.id)
    assert made.title == "Go to an Al-Anon meeting"
    assert response.headers["Location"].endswith(f"/tracker/commitments/{made.id}")


@pytest.mark.parametrize(("role", "key"), [
    (PERSON, "al_anon"),  # a group for loved ones
    (PERSON, "family_therapy"),  # not a meeting
    (PERSON, "no-such-group"),
    (PERSON, "local-riverside-counseling-clinic"),  # on the local list, but not a meeting
    (PERSON, "local-thursday-family-group"),  # a local meeting for loved ones
    (LOVED_ONE, "aa"),  # a group for the person
    (LOVED_ONE, "local-riverside-tuesday-night-group"),
    (PERSON, "%3Cscript%3E"),
])
def test_a_meeting_that_is_not_yours_to_add_is_404_and_saves_nothing(with_local_list, as_user, make_user, role, key):
    client = as_user(make_user(role=role))
    counts = row_counts()
    assert client.post(add_url(key)).status_code == 404
    assert row_counts() == counts


@pytest.mark.parametrize("country", ["DE", "", "<b>", "x" * 500])
def test_a_bad_country_on_the_button_uses_the_default(as_user, make_user, country):
    person = make_user(role=PERSON)
    response = as_user(person).post("/help/near-me/meetings/smart/add", query_string={"country": country})
    assert response.status_code == 302
    assert [c.title for c in rows(person.id)] == ["Go to a SMART Recovery meeting"]


def test_a_visitor_is_asked_to_log_in_and_nothing_is_saved(client):
    counts = row_counts()
    response = client.post(add_url("aa"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert row_counts() == counts


def test_get_is_not_allowed(as_user, make_user):
    assert as_user(make_user()).get(add_url("aa")).status_code == 405


def test_the_button_needs_the_pages_csrf_token(app, as_user, make_user):
    person = make_user(role=PERSON)
    client = as_user(person)
    app.config["WTF_CSRF_ENABLED"] = True
    counts = row_counts()
    assert client.post(add_url("aa")).status_code == 400
    assert client.post(add_url("aa"), data={"csrf_token": "forged"}).status_code == 400
    assert row_counts() == counts
    page = client.get(PAGE).get_data(as_text=True)
    data = form_data(page, action=add_url("aa"))
    assert data["csrf_token"] == [csrf_token_from(page)]
    assert client.post(add_url("aa"), data=data).status_code == 302
    assert len(rows(person.id)) == 1


def test_another_users_commitments_are_untouched(as_user, make_user):
    """Two people add the same meeting: each gets their own, and nobody else's rows change."""
    other = make_user(role=PERSON)
    mine = commitments.create_commitment(other, "Go to an AA meeting", "mine", commitments.ScheduleInput("daily"),
                                         commitments.today_for(other))
    db.session.commit()
    before = [(c.id, c.title, c.why, c.status) for c in rows(other.id)]
    person = make_user(role=PERSON)
    press(as_user(person), "aa")
    assert [(c.id, c.title, c.why, c.status) for c in rows(other.id)] == before
    [made] = rows(person.id)
    assert made.id != mine.id and made.owner_id == person.id
