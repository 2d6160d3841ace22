"""The amends form and the safety check as a person meets them: the name and what happened first, one question
for where I am with it, "I …" prompts, and what a "Not sure yet" answer means for the choice."""

import re

import pytest
import sqlalchemy as sa

from recovery.amends import services
from recovery.amends.models import STAGES, AmendsEntry
from recovery.db import db
from tests import factories
from tests.conftest import row_counts
from tests.forms import choices_of, form_data, forms_in


@pytest.fixture
def family(app):
    return factories.jordans_circle(("Sam", {"share": {"amends"}}))


def text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


def _details(page: str) -> str:
    found = re.search(r"<details class=\"more-fields\"[^>]*>.*?</details>\s*<div class=\"button-row\"", page, re.S)
    assert found, "the form has no 'Add more now or later' section"
    return found.group(0)


def _opening(page: str) -> str:
    return re.search(r"<details class=\"more-fields\"[^>]*>", page).group(0)


def _add(client, **fields) -> AmendsEntry:
    page = text(client.get("/amends/new"))
    r = client.post("/amends/new", data=form_data(page, **fields))
    assert r.status_code == 302, text(r)
    return db.session.scalar(sa.select(AmendsEntry).order_by(AmendsEntry.id.desc()))


# --- The form: a name and what happened first -----------------------------------------------------------------


def test_the_form_starts_with_the_name_and_what_happened(app, family, as_user):
    """Only the name and what happened are in view; everything else waits, closed, behind "Add more now or later"."""
    page = text(as_user(family[0]).get("/amends/new"))
    more = _details(page)
    assert "<summary>Add more now or later</summary>" in more and " open" not in _opening(page)
    form = [f for f in forms_in(page) if "person_name" in f.names][0]
    inside = {n for n in form.names if f'name="{n}"' in more}
    assert form.names - inside - {"csrf_token"} == {"person_name", "what_happened"}
    assert {"relationship", "connection_id", "impact", "my_part", "kind", "stage", "planned_on"} <= inside


def test_a_name_and_a_sentence_are_enough(app, family, as_user):
    """Submitting the form as it first shows, with a name and one sentence, adds the entry."""
    entry = _add(as_user(family[0]), person_name="Alex", what_happened="I missed your birthday.")
    assert (entry.person_name, entry.what_happened) == ("Alex", "I missed your birthday.")
    assert (entry.kind, entry.willingness, entry.status, entry.stage) == ("undecided", "not_yet", "listed", "not_yet")


def test_an_error_inside_opens_the_section_and_keeps_everything_typed(app, family, as_user):
    """A mistake behind "Add more" comes back with the section open, beside the field, with all the typing kept."""
    client = as_user(family[0])
    page = text(client.get("/amends/new"))
    r = client.post("/amends/new", data=form_data(page, person_name="Alex", what_happened="I lied to you.",
                                                  impact="I think you felt alone.", stage="not_possible"))
    body = text(r)
    assert r.status_code == 422 and row_counts()["amends_entries"] == 0
    assert " open" in _opening(body)
    assert "why it isn't possible" in _details(body)
    assert "I lied to you." in body and "I think you felt alone." in body and 'value="Alex"' in body
    assert form_data(body)["stage"] == ["not_possible"]


def test_an_error_outside_keeps_the_section_as_it_was(app, family, as_user):
    """A missing name doesn't open an untouched section; what was typed stays."""
    client = as_user(family[0])
    page = text(client.get("/amends/new"))
    r = client.post("/amends/new", data=form_data(page, person_name="", what_happened="I lied to you."))
    body = text(r)
    assert r.status_code == 422 and "Please write who this is about." in body and "I lied to you." in body
    assert " open" not in _opening(body)
    # What was typed behind it opens it again, so nothing is hidden that the person wrote.
    r = client.post("/amends/new", data=form_data(page, person_name="", my_part="I hid the bills."))
    assert " open" in _opening(text(r)) and "I hid the bills." in text(r)


def test_changing_an_entry_shows_what_was_written(app, family, as_user):
    """The change form opens the section when the entry has more than a name and what happened."""
    client = as_user(family[0])
    short = _add(client, person_name="Alex")
    assert " open" not in _opening(text(client.get(f"/amends/{short.id}/edit")))
    full = _add(client, person_name="Riley", my_part="I broke my promise.", stage="planned")
    page = text(client.get(f"/amends/{full.id}/edit"))
    assert " open" in _opening(page) and "I broke my promise." in page and form_data(page)["stage"] == ["planned"]


# --- One question for how willing I am and where things stand --------------------------------------------------


def test_one_question_for_willingness_and_where_things_stand(app, family, as_user):
    """The form asks "Where am I with this?" once; there is no second field for the same idea."""
    page = text(as_user(family[0]).get("/amends/new"))
    assert choices_of(page, "stage") == set(STAGES)
    assert not {"willingness", "status"} & set().union(*(f.names for f in forms_in(page)))
    assert page.count("Where am I with this?") == 1 and "How willing" not in page and "Where things stand" not in page


@pytest.mark.parametrize("stage", list(STAGES))
def test_each_stage_is_saved_and_read_back(app, family, as_user, stage):
    """Each answer fills both columns and reads back as the same answer, on the entry and its change form."""
    client = as_user(family[0])
    extra = {"kind": "living"} if stage == "ongoing" else {}
    if stage == "not_possible":
        extra["not_possible_reason"] = "They have died."
    entry = _add(client, person_name="Alex", stage=stage, **extra)
    assert entry.stage == stage and entry.status in services.STATUSES and entry.willingness in services.WILLINGNESS
    assert form_data(text(client.get(f"/amends/{entry.id}/edit")))["stage"] == [stage]
    page = text(client.get(f"/amends/{entry.id}"))
    badges = re.search(r'<p class="badges">(.*?)</p>', page, re.S).group(1)
    assert STAGES[stage] in badges and "Listed" not in badges and "I feel" not in badges


def test_changing_the_stage_keeps_how_willing_when_it_is_not_possible(app, family, as_user):
    """ "Not possible" says nothing new about willingness, so it keeps what the person said before."""
    client = as_user(family[0])
    entry = _add(client, person_name="Alex", stage="willing")
    page = text(client.get(f"/amends/{entry.id}/edit"))
    r = client.post(f"/amends/{entry.id}/edit", data=form_data(page, stage="not_possible",
                                                               not_possible_reason="They moved away."))
    assert r.status_code == 302
    db.session.refresh(entry)
    assert (entry.willingness, entry.status) == ("willing", "not_possible")


def test_ongoing_needs_living_amends_beside_the_question(app, family, as_user):
    """The rule about "Ongoing" shows beside the one question it is about."""
    client = as_user(family[0])
    page = text(client.get("/amends/new"))
    body = text(client.post("/amends/new", data=form_data(page, person_name="Alex", stage="ongoing")))
    assert re.search(r'<fieldset class="field choices has-error"[^>]*>\s*<legend class="label">Where am I with this\?'
                     r"</legend>\s*<p class=\"error\"[^>]*>[^<]*living amends", body)


# --- "I …" sentences ------------------------------------------------------------------------------------------


def test_prompts_invite_i_sentences(app, family, as_user):
    """What happened and my part ask for "I …" sentences, in the hint and the empty box."""
    page = text(as_user(family[0]).get("/amends/new"))
    for name in ("what_happened", "my_part"):
        hint = re.search(rf'<p class="hint" id="{name}-hint">([^<]*)</p>', page).group(1)
        assert "“I …”" in hint
        assert re.search(rf'<textarea[^>]*name="{name}"[^>]*placeholder="I …"', page)


# --- What "Not sure yet" means ----------------------------------------------------------------------------


def _safety(client, entry, **answers) -> str:
    page = text(client.get(f"/amends/{entry.id}/safety"))
    r = client.post(f"/amends/{entry.id}/safety", data=form_data(page, **answers))
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/amends/{entry.id}#safety")
    entry_page = text(client.get(f"/amends/{entry.id}"))
    return re.search(r'<section class="card" id="safety">(.*?)</section>', entry_page, re.S).group(1)


def test_the_safety_form_says_what_not_sure_means(app, family, as_user):
    """Before choosing, the safety form says what "Not sure yet" means: wait, find out, talk it over."""
    client = as_user(family[0])
    entry = _add(client, person_name="Alex")
    page = text(client.get(f"/amends/{entry.id}/safety"))
    assert "“Not sure yet” is a fine answer" in page and "wait and find out before any contact" in page


def test_all_not_sure_is_a_reason_to_wait(app, family, as_user):
    """Leaving every answer at "Not sure yet" brings advice, not a bare count."""
    client = as_user(family[0])
    section = _safety(client, _add(client, person_name="Alex", kind="direct"))
    assert "reason to wait" in section and "hold off on direct contact" in section
    assert "sponsor or counsellor" in section and "questions answered" not in section


def test_some_not_sure_says_how_many_and_what_to_do(app, family, as_user):
    """Three "no" and one "Not sure yet": the page says so in words and says to wait and talk it over."""
    client = as_user(family[0])
    entry = _add(client, person_name="Alex", kind="direct")
    section = _safety(client, entry, safety_harm_them="no", safety_harm_others="no", safety_no_contact="no")
    assert "You said “not sure yet” to one question" in section and "reason to wait and find out" in section
    assert "hold off on direct contact" in section and "3 of 4" not in section


def test_a_worry_and_not_sure_explains_both(app, family, as_user):
    """A "yes" and two "Not sure yet": the worry's advice, then what not knowing means, and no count."""
    client = as_user(family[0])
    entry = _add(client, person_name="Alex", kind="direct")
    section = _safety(client, entry, safety_harm_them="yes", safety_no_contact="no")
    assert "may not be the kindest way" in section
    assert "You're also not sure yet about 2 questions" in section and "reason to wait and find out" in section
    assert "questions answered" not in section


def test_not_sure_never_reopens_contact_an_order_closed(app, family, as_user):
    """With a no-contact order and the rest "Not sure yet", nothing on the page suggests contact."""
    person, _, with_sam = family
    client = as_user(person)
    entry = _add(client, person_name="Sam", kind="direct", connection_id=str(with_sam.id))
    section = _safety(client, entry, safety_no_contact="yes")
    unsure = [p for p in re.findall(r"<p>(.*?)</p>", section) if "not sure yet" in p]
    assert len(unsure) == 1 and "contact" not in unsure[0].lower()
    page = text(client.get(f"/amends/{entry.id}"))
    assert "making-an-amends" not in page and "Plan what I'll say" not in page


def test_not_sure_with_a_direct_plan_says_to_wait_before_reaching_out(app, family, as_user):
    """Planning the words stays open while some answers are "Not sure yet", with a word to wait to reach out."""
    client = as_user(family[0])
    entry = _add(client, person_name="Alex", kind="direct")
    _safety(client, entry, safety_harm_them="no")
    page = text(client.get(f"/amends/{entry.id}"))
    assert "Plan what I'll say" in page and "wait to reach out until you know" in page
    _safety(client, entry, safety_harm_them="no", safety_harm_others="no", safety_no_contact="no", safety_for_me="no")
    assert "wait to reach out" not in text(client.get(f"/amends/{entry.id}"))
