"""Bad input to the plan for hard days: the form again (422) with a clear message beside the field, everything
typed still there, and nothing saved — not even the parts of the form that were fine."""

from __future__ import annotations

from html import unescape

import pytest

from recovery.accounts.models import LOVED_ONE, PERSON
from recovery.db import db
from recovery.plan import services
from recovery.plan.sections import BY_KEY
from tests import factories
from tests.conftest import row_counts
from tests.forms import form_data

TOO_MANY = "\n".join(f"Sign number {i}" for i in range(13))

CASES = [
    ("warning-signs", {"items": TOO_MANY}, "12 lines", "Sign number 12"),
    ("warning-signs", {"items": "Fine line\n" + "y" * 201}, "200 characters", "Fine line"),
    ("warning-signs", {"items": "z" * 3000}, "read in a hurry", "zzzz"),
    ("triggers", {"rows-0-trigger": "", "rows-0-response": "Call Sam right away"}, "what the trigger is",
     "Call Sam right away"),
    ("triggers", {"rows-0-trigger": "Payday", "rows-1-trigger": "t" * 201}, "200 characters", "Payday"),
    ("people-to-ask", {"rows-0-name": "Alex", "rows-0-phone": "call me maybe"}, "numbers, spaces", "call me maybe"),
    ("people-to-ask", {"rows-0-name": "", "rows-0-phone": "555 0100", "rows-1-name": "Alex"},
     "who this number is for", "555 0100"),
    ("professionals", {"rows-0-name": "Dr. Rivera", "rows-0-phone": "1" * 31}, "30 characters", "Dr. Rivera"),
    ("how-to-help", {"note": "Please call. " * 200}, "1,500 characters", "Please call. Please call."),
]


@pytest.mark.parametrize(("section", "typed", "message", "kept"), CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_bad_input_shows_the_form_again_with_everything_kept(app, as_user, section, typed, message, kept):
    jordan, sam, with_sam = factories.jordans_circle("Sam")
    # Something saved already, that a refused form must leave as it was.
    services.save_lines(jordan, BY_KEY["reasons"], "Waking up clear.")
    services.save_note(jordan, "Call me.")
    db.session.commit()
    before = (row_counts()["hard_days_plans"], services.plan_of(jordan).updated_at)
    client = as_user(jordan)
    path = f"/plan/{section}"
    html = client.get(path).get_data(as_text=True)
    response = client.post(path, data=form_data(html, action=path, **typed))
    body = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert message in body and ('class="error"' in body or 'role="alert"' in body)
    assert kept in body
    db.session.expire_all()
    plan = services.plan_of(jordan)
    assert (row_counts()["hard_days_plans"], plan.updated_at) == before
    assert plan.reasons == ["Waking up clear."] and plan.how_to_help == "Call me."
    assert plan.warning_signs == plan.triggers == plan.helpers == plan.professionals == []


def test_a_connection_from_another_family_is_not_a_choice(app, as_user):
    """Two families: posting someone else's connection id as "someone from my circle" is refused, and kept."""
    jordan, sam, with_sam = factories.jordans_circle("Sam")
    other = factories.make_connection(factories.make_user(PERSON, name="Riley"),
                                      factories.make_user(LOVED_ONE, name="Quinn"))
    client = as_user(jordan)
    html = client.get("/plan/people-to-ask").get_data(as_text=True)
    data = form_data(html, action="/plan/people-to-ask", **{"rows-1-name": "Alex"})
    data["rows-0-who"] = [str(other.id)]  # not offered on the page: typed in by hand
    response = client.post("/plan/people-to-ask", data=data)
    body = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "choose one of the options shown" in body.lower()
    assert 'value="Alex"' in body and "Quinn" not in body
    assert services.plan_of(jordan) is None


def test_a_row_for_someone_who_left_the_circle_keeps_their_name_and_saves_again(app, as_user):
    """Sam's connection ends: the plan keeps his name as typed, and saving the page again still works."""
    from recovery.circle import services as circle

    jordan, sam, with_sam = factories.jordans_circle("Sam")
    services.save_helpers(jordan, [services.Person(with_sam.id, "", "555 0100")])
    circle.end_connection(jordan, with_sam)
    db.session.commit()
    client = as_user(jordan)
    html = client.get("/plan/people-to-ask").get_data(as_text=True)
    data = form_data(html, action="/plan/people-to-ask")
    assert data["rows-0-who"] == [""] and data["rows-0-name"] == ["Sam"] and data["rows-0-phone"] == ["555 0100"]
    assert client.post("/plan/people-to-ask", data=data).status_code == 302
    db.session.expire_all()
    assert services.plan_of(jordan).helpers == [{"name": "Sam", "phone": "555 0100", "connection_id": None}]
