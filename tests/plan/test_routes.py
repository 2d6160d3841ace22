"""The plan for hard days in the browser's place: each section filled in from its page's own form."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON
from recovery.db import db, utcnow
from recovery.plan import services
from recovery.plan.models import HardDaysPlan
from recovery.plan.sections import BY_KEY, SECTIONS
from tests import factories
from tests.e2e.pages import PLAN_SECTIONS
from tests.forms import choices_of, form_data


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return unescape(response.get_data(as_text=True))


def press(html: str, data: dict, button: str) -> dict:
    """The form's fields plus the button a person pressed (a submit button named "action" on the page)."""
    assert f'name="action" value="{button}"' in html, f"no {button!r} button on the page"
    return {**data, "action": button}


def fill(client, section: str, button: str = "save", **fields):
    """Open a section's page and post its own form with these fields changed, pressing one of its buttons."""
    path = f"/plan/{section}"
    html = page(client, path)
    return client.post(path, data=press(html, form_data(html, action=path, **fields), button))


@pytest.fixture
def jordan(app, as_user):
    jordan, sam, with_sam = factories.jordans_circle("Sam")
    return jordan, sam, with_sam, as_user(jordan)


def test_every_section_has_a_page_and_the_e2e_map_lists_them_all():
    assert PLAN_SECTIONS == tuple(s.key for s in SECTIONS)


def test_an_empty_plan_shows_examples_and_where_to_start(jordan):
    *_, client = jordan
    body = page(client, "/plan/")
    assert "My plan for hard days" in body and "Start with part 1" in body
    for section in SECTIONS:
        assert section.title in body and section.example[0] in body
        assert f'href="/plan/{section.key}"' in body
    assert "Only you can see your plan." in body


def test_warning_signs_typed_one_per_line_show_as_a_list_each_a_possible_commitment(jordan):
    jordan_user, *_, client = jordan
    response = fill(client, "warning-signs", items="I stop answering texts.\n\nI skip meals.\n")
    assert response.status_code == 302 and response.location.endswith("/plan/#warning-signs")
    assert services.plan_of(jordan_user).warning_signs == ["I stop answering texts.", "I skip meals."]
    body = page(client, "/plan/")
    assert "<li><span class=\"hd-line\">I stop answering texts.</span>" in body
    assert f'href="/tracker/commitments/new?{urlencode({"title": "I stop answering texts"})}"' in body
    assert "Saved." in body and "Start with part 1" not in body
    # The text box shows the list again, one per line, to add to.
    assert form_data(page(client, "/plan/warning-signs"), action="/plan/warning-signs")["items"] == [
        "I stop answering texts.\nI skip meals."]


def test_save_then_the_next_part(jordan):
    *_, client = jordan
    response = fill(client, "on-my-own", "next", items="Walk around the block.")
    assert response.location.endswith("/plan/people-and-places")
    assert "Part 4 of 8" in page(client, response.location)
    # The last part has no next one: back to the plan.
    assert "Save, then part" not in page(client, "/plan/reasons")


def test_triggers_rows_and_save_and_add_more(jordan):
    jordan_user, *_, client = jordan
    html = page(client, "/plan/triggers")
    assert "rows-1-trigger" in html and "rows-2-trigger" not in html  # two empty rows to start
    response = client.post("/plan/triggers", data=press(html, form_data(
        html, action="/plan/triggers", **{"rows-0-trigger": "Friday night after work",
                                          "rows-0-response": "Go straight home and call Sam.",
                                          "rows-1-trigger": "Payday"}), "more"))
    assert response.status_code == 302 and response.location.endswith("/plan/triggers#rows")
    again = page(client, "/plan/triggers")
    assert "rows-3-trigger" in again and "rows-4-trigger" not in again  # two saved, two empty
    assert services.plan_of(jordan_user).triggers == [
        {"trigger": "Friday night after work", "response": "Go straight home and call Sam."},
        {"trigger": "Payday", "response": ""}]
    body = page(client, "/plan/")
    assert "Friday night after work" in body and "Go straight home and call Sam." in body


def test_people_to_ask_from_my_circle_get_call_and_text_links_only_with_a_number(jordan):
    jordan_user, sam, with_sam, client = jordan
    html = page(client, "/plan/people-to-ask")
    assert choices_of(html, "rows-0-who", action="/plan/people-to-ask") == {"", str(with_sam.id)}
    response = client.post("/plan/people-to-ask", data=form_data(
        html, action="/plan/people-to-ask", **{"rows-0-who": str(with_sam.id), "rows-1-name": "Alex, my sponsor",
                                               "rows-1-phone": "+1 555 0199"}))
    assert response.status_code == 302
    people = helpers_part(page(client, "/plan/"))
    assert 'href="tel:+15550199"' in people and 'href="sms:+15550199"' in people
    assert ">Sam</strong>" in people
    # Mend has no phone numbers: Sam has no link until one is typed for him in the plan.
    assert people.count('href="tel:') == 1 and people.count('href="sms:') == 1
    fill(client, "people-to-ask", **{"rows-0-phone": "555 0100"})
    assert 'href="tel:5550100"' in helpers_part(page(client, "/plan/"))
    # The form shows Sam chosen from the circle again, with his number.
    again = form_data(page(client, "/plan/people-to-ask"), action="/plan/people-to-ask")
    assert again["rows-0-who"] == [str(with_sam.id)] and again["rows-0-phone"] == ["555 0100"]


def helpers_part(body: str) -> str:
    """The "People I can ask for help" part of the plan page."""
    return body.split('id="people-to-ask"', 1)[1].split('id="professionals"', 1)[0]


def test_professionals_and_the_help_lines_for_my_country_always_show(jordan):
    *_, client = jordan
    body = page(client, "/plan/")
    assert "Help lines, any time" in body and "988" in body  # the demo user's country is the server's: US
    fill(client, "professionals", **{"rows-0-name": "Dr. Rivera, my counsellor", "rows-0-phone": "555 0142"})
    body = page(client, "/plan/")
    assert "Dr. Rivera, my counsellor" in body and 'href="tel:5550142"' in body and "988" in body


def test_the_note_and_who_can_read_the_plan(jordan, make_connection):
    jordan_user, sam, with_sam, client = jordan
    fill(client, "how-to-help", note="If I text “hard night”, call me.")
    body = page(client, "/plan/")
    assert "If I text “hard night”, call me." in body and "Only you can see your plan." in body
    client.post(f"/circle/{with_sam.id}/sharing", data={f"c{with_sam.id}-areas": ["plan"]})
    assert "Sam can read your plan." in page(client, "/plan/")


def test_it_still_fits_starts_the_three_months_again(jordan):
    jordan_user, *_, client = jordan
    plan = services.save_lines(jordan_user, BY_KEY["reasons"], "Casey's school play.")
    plan.updated_at = utcnow() - timedelta(days=95)
    db.session.commit()
    body = page(client, "/plan/")
    assert "three months since you last looked at your plan" in body
    response = client.post("/plan/read-through", data=form_data(body, action="/plan/read-through"))
    assert response.status_code == 302
    db.session.refresh(plan)
    assert utcnow() - plan.updated_at < timedelta(minutes=1)
    assert "three months since" not in page(client, "/plan/")


def test_a_plan_line_becomes_a_commitment_with_its_words(jordan):
    *_, client = jordan
    html = page(client, "/tracker/commitments/new?" + urlencode({"title": "Call my sponsor on Sundays"}))
    assert form_data(html)["title"] == ["Call my sponsor on Sundays"]
    assert form_data(page(client, "/tracker/commitments/new?title=" + "x" * 300))["title"] == ["x" * 120]
    assert form_data(page(client, "/tracker/commitments/new"))["title"] == [""]


def test_a_setback_points_to_the_plan(jordan):
    *_, client = jordan
    assert 'href="/plan/"' in page(client, "/tracker/setbacks/new")
    assert "Open my plan for hard days" in page(client, "/tracker/setbacks/new")
    assert "Open my plan for hard days" in page(client, "/tracker/journey")


def test_only_a_person_in_recovery_has_a_plan_page(app, as_user, client):
    loved = as_user(factories.make_user(LOVED_ONE))
    for path in ("/plan/", "/plan/warning-signs", "/plan/how-to-help"):
        assert loved.get(path).status_code == 404
        assert client.get(path).status_code == 302  # logged out: the login page
    for path in ("/plan/warning-signs", "/plan/how-to-help", "/plan/read-through"):
        assert loved.post(path, data={"items": "x", "note": "x"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HardDaysPlan)) == 0


def test_the_export_holds_the_plan(jordan, login):
    from recovery import yourdata

    jordan_user, *_, client = jordan
    fill(client, "reasons", items="Waking up with a clear head.")
    exported = yourdata.export(jordan_user)
    assert exported["plan_for_hard_days"][0]["reasons"] == ["Waking up with a clear head."]
    assert yourdata.export(factories.make_user(PERSON))["plan_for_hard_days"] == []


def test_the_printed_export_shows_the_plan_in_plain_words(jordan):
    """The printed copy of my data names each part of the plan and shows a trigger with what I'll do, not ids."""
    *_, client = jordan
    fill(client, "reasons", items="Waking up with a clear head.")
    html = page(client, "/plan/triggers")
    client.post("/plan/triggers", data=press(html, form_data(
        html, action="/plan/triggers", **{"rows-0-trigger": "Friday night after work",
                                          "rows-0-response": "Go straight to the gym"}), "save"))
    export = page(client, "/settings/export")
    assert 'name="format" value="print"' in export
    printed = client.post("/settings/export", data={
        **form_data(export, password=factories.PASSWORD), "format": "print"})
    text = unescape(printed.get_data(as_text=True))
    assert "My plan for hard days" in text and "My reasons to keep going:</span> Waking up with a clear head." in text
    assert "Friday night after work — Go straight to the gym" in text
    assert "{" not in text.split("My plan for hard days", 1)[1] and "connection_id" not in text
