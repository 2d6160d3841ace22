"""Amends pages over HTTP, in both roles, with bad input and another family's ids."""

import pytest
import sqlalchemy as sa

from recovery.amends import services
from recovery.amends.models import AmendsEntry, AmendsOpenness, AmendsStep
from recovery.db import db
from tests import factories
from tests.conftest import row_counts

GOOD = {"person_name": "Sam", "relationship": "my partner", "what_happened": "I lied about money.",
        "impact": "Sam stopped trusting me.", "my_part": "I hid the bills.", "kind": "direct",
        "stage": "willing", "connection_id": "", "planned_on": ""}


@pytest.fixture
def family(app):
    return factories.jordans_circle(("Sam", {"share": {"amends"}}), ("Pat", {"share": {"amends"}}))


def test_full_cycle(app, family, as_user):
    """Add an entry, answer the safety check, add and tick steps, reflect, and print the plan."""
    person, _, _, with_sam, _ = family
    client = as_user(person)
    r = client.post("/amends/new", data={**GOOD, "connection_id": str(with_sam.id)})
    entry = db.session.scalar(sa.select(AmendsEntry))
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/amends/{entry.id}/safety")
    assert [s.text for s in entry.steps][:1] == ["Talk it over with my sponsor or counsellor"]
    r = client.post(f"/amends/{entry.id}/safety", data={"safety_harm_them": "yes", "safety_harm_others": "no",
                                                        "safety_no_contact": "no", "safety_for_me": "unsure"})
    assert r.status_code == 302
    page = client.get(f"/amends/{entry.id}").get_data(as_text=True)
    assert "may not be the kindest way" in page and "not sure yet about one question" in page
    client.post(f"/amends/{entry.id}/steps", data={"text": "Pay back the $200"})
    step = db.session.scalar(sa.select(AmendsStep).where(AmendsStep.text == "Pay back the $200"))
    client.post(f"/amends/steps/{step.id}/toggle")
    db.session.refresh(step)
    assert step.done
    step_id = step.id
    client.post(f"/amends/steps/{step_id}/delete")
    db.session.expire_all()
    assert db.session.get(AmendsStep, step_id) is None
    r = client.post(f"/amends/{entry.id}/reflection", data={"reflection_how": "Hard, but honest.",
                                                             "reflection_learned": "Go slow."})
    assert r.status_code == 302
    printed = client.get("/amends/print").get_data(as_text=True)
    assert "I lied about money." in printed and "Talk it over with my sponsor" in printed
    index = client.get("/amends/").get_data(as_text=True)
    assert "A gentle next step" in index and "Sam" in index


@pytest.mark.parametrize(("change", "message"), [
    ({"person_name": ""}, "who this is about"),
    ({"person_name": "x" * 10_000}, "80 characters"),
    ({"what_happened": "x" * 10_000}, "4,000 characters"),
    ({"kind": "revenge"}, "Please choose one of the options shown"),
    ({"stage": "maybe"}, "Please choose one of the options shown"),
    ({"stage": "not_possible"}, "why it isn't possible"),
    ({"stage": "ongoing"}, "living amends"),
    ({"planned_on": "someday"}, "Please enter a date"),
    ({"planned_on": "2999-01-01"}, "within the next two years"),
    ({"connection_id": "12345"}, "Please choose one of the options shown"),
])
def test_entry_bad_input(app, family, as_user, change, message):
    """Bad entry input shows the form again with a message, keeps the typing, and saves nothing."""
    person = family[0]
    r = as_user(person).post("/amends/new", data={**GOOD, **change})
    body = r.get_data(as_text=True).replace("&#39;", "'")
    assert r.status_code == 422 and message.lower() in body.lower()
    assert row_counts()["amends_entries"] == 0
    if "what_happened" not in change:
        assert "I lied about money." in body
    if "person_name" not in change:
        assert 'value="Sam"' in body


def test_step_and_reflection_bad_input(app, family, as_user):
    """Empty or huge steps and empty reflections are refused with a message."""
    person = family[0]
    entry = services.create_entry(person, services.EntryInput("Alex", None, "", "", "", "", "undecided",
                                                              "not_yet", "listed", "", None))
    db.session.commit()
    client = as_user(person)
    before = row_counts()["amends_steps"]
    client.post(f"/amends/{entry.id}/steps", data={"text": ""})
    client.post(f"/amends/{entry.id}/steps", data={"text": "x" * 5000})
    assert row_counts()["amends_steps"] == before
    r = client.post(f"/amends/{entry.id}/reflection", data={})
    assert r.status_code == 422 and "at least one answer" in r.get_data(as_text=True)
    r = client.post(f"/amends/{entry.id}/safety", data={"safety_harm_them": "maybe"})
    assert r.status_code == 422


def test_sharing_the_area_is_not_sharing_entries_about_others(app, family, as_user):
    """With the amends area shared, Sam sees the entry about Sam only — never Pat's or a stranger's."""
    person, sam, pat, with_sam, with_pat = family
    client = as_user(person)
    client.post("/amends/new", data={**GOOD, "connection_id": str(with_sam.id), "what_happened": "about-sam"})
    client.post("/amends/new", data={**GOOD, "person_name": "Pat", "connection_id": str(with_pat.id),
                                     "what_happened": "about-pat"})
    client.post("/amends/new", data={**GOOD, "person_name": "Old boss", "what_happened": "about-boss"})
    sam_page = as_user(sam).get(f"/circle/{with_sam.id}/amends").get_data(as_text=True)
    assert "about-sam" in sam_page and "about-pat" not in sam_page and "about-boss" not in sam_page
    pat_page = as_user(pat).get(f"/circle/{with_pat.id}/amends").get_data(as_text=True)
    assert "about-pat" in pat_page and "about-sam" not in pat_page
    # Unsharing: 404 on the next request.
    client.post(f"/circle/{with_sam.id}/sharing", data={})
    assert as_user(sam).get(f"/circle/{with_sam.id}/amends").status_code == 404


def test_reflection_is_private_unless_shared(app, family, as_user):
    """A reflection shows to the loved one only when the person ticks the box."""
    person, sam, _, with_sam, _ = family
    client = as_user(person)
    client.post("/amends/new", data={**GOOD, "connection_id": str(with_sam.id)})
    entry = db.session.scalar(sa.select(AmendsEntry))
    client.post(f"/amends/{entry.id}/reflection", data={"reflection_how": "reflection-words"})
    assert "reflection-words" not in as_user(sam).get(f"/circle/{with_sam.id}/amends").get_data(as_text=True)
    client.post(f"/amends/{entry.id}/reflection", data={"reflection_how": "reflection-words", "share_reflection": "y"})
    assert "reflection-words" in as_user(sam).get(f"/circle/{with_sam.id}/amends").get_data(as_text=True)


def test_openness_round_trip_and_warning(app, family, as_user):
    """Sam says "not yet"; Jordan sees it on the entry, and planning direct amends brings a kind warning."""
    person, sam, _, with_sam, _ = family
    sam_client = as_user(sam)
    assert "Are you open to an amends conversation with Jordan?" in sam_client.get(
        f"/amends/openness/{person.id}").get_data(as_text=True)
    r = sam_client.post(f"/amends/openness/{person.id}", data={"status": "not_yet",
                                                               "conditions": "In writing first, please."})
    assert r.status_code == 302
    row = db.session.scalar(sa.select(AmendsOpenness))
    assert (row.status, row.conditions) == ("not_yet", "In writing first, please.")
    client = as_user(person)
    r = client.post("/amends/new", data={**GOOD, "person_name": "My love", "connection_id": str(with_sam.id),
                                         "stage": "planned"})
    assert r.status_code == 302
    warning = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "My love has said they're not ready for an amends conversation yet" in warning.replace("&#39;", "'")
    entry = db.session.scalar(sa.select(AmendsEntry))
    page = client.get(f"/amends/{entry.id}").get_data(as_text=True).replace("&#39;", "'")
    assert "In writing first, please." in page and "not ready for an amends conversation yet" in page
    assert "Their answer about an amends conversation: <strong>Not yet</strong>" in client.get(
        "/amends/").get_data(as_text=True)
    # Sam changes the answer: the warning goes away.
    sam_client.post(f"/amends/openness/{person.id}", data={"status": "yes", "conditions": ""})
    page = client.get(f"/amends/{entry.id}").get_data(as_text=True).replace("&#39;", "'")
    assert "not ready for an amends conversation yet" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AmendsOpenness)) == 1


def test_openness_bad_input_and_strangers(app, family, make_user, as_user):
    """A bad answer is refused; a loved one not connected to the person gets 404; persons get 404."""
    person, sam, *_ = family
    client = as_user(sam)
    r = client.post(f"/amends/openness/{person.id}", data={"status": "whatever", "conditions": "kept text"})
    assert r.status_code == 422 and "kept text" in r.get_data(as_text=True)
    r = client.post(f"/amends/openness/{person.id}", data={"status": "yes", "conditions": "x" * 5000})
    assert r.status_code == 422
    stranger = as_user(make_user("loved_one"))
    assert stranger.get(f"/amends/openness/{person.id}").status_code == 404
    assert stranger.post(f"/amends/openness/{person.id}", data={"status": "yes"}).status_code == 404
    assert as_user(person).get(f"/amends/openness/{person.id}").status_code == 404
    assert row_counts()["amends_openness"] == 0


def test_delete_asks_first(app, family, as_user):
    """Removing an entry asks first, then deletes it with its steps."""
    person = family[0]
    client = as_user(person)
    client.post("/amends/new", data=GOOD)
    entry = db.session.scalar(sa.select(AmendsEntry))
    assert "can't be undone" in client.get(f"/amends/{entry.id}/delete").get_data(as_text=True).replace("&#39;", "'")
    assert client.post(f"/amends/{entry.id}/delete").status_code == 302
    assert row_counts()["amends_entries"] == 0 and row_counts()["amends_steps"] == 0


def test_another_family_gets_404_everywhere(app, family, make_user, make_connection, as_user):
    """Two families: every amends URL with the other family's ids is 404 and changes nothing."""
    person = family[0]
    as_user(person).post("/amends/new", data=GOOD)
    entry = db.session.scalar(sa.select(AmendsEntry))
    step = entry.steps[0]
    other_person, other_loved = make_user("person"), make_user("loved_one")
    make_connection(other_person, other_loved, share={"amends"})
    clients = (as_user(other_person), as_user(other_loved))
    before = row_counts()
    for client in clients:
        assert client.get(f"/amends/{entry.id}").status_code == 404
        for url in (f"/amends/{entry.id}/edit", f"/amends/{entry.id}/safety",
                    f"/amends/{entry.id}/reflection", f"/amends/{entry.id}/delete"):
            assert client.get(url).status_code == 404, url
            assert client.post(url, data=GOOD).status_code == 404, url
        for url in (f"/amends/{entry.id}/steps", f"/amends/steps/{step.id}/toggle", f"/amends/steps/{step.id}/delete"):
            assert client.post(url, data={"text": "x"}).status_code == 404, url
    assert row_counts() == before


def test_loved_one_has_no_person_pages_and_empty_states(app, family, as_user):
    """A loved one gets 404 on the person's amends pages; a new person's list says what to do."""
    person, sam, _, with_sam, _ = family
    for url in ("/amends/", "/amends/new", "/amends/print"):
        assert as_user(sam).get(url).status_code == 404
    assert "Add one person" in as_user(person).get("/amends/").get_data(as_text=True)
    page = as_user(sam).get(f"/circle/{with_sam.id}/amends").get_data(as_text=True).replace("&#39;", "'")
    assert "hasn't shared an amends plan about you" in page and "Tell them where I stand" in page


def test_living_amends_link_to_a_commitment(app, family, as_user, make_user):
    """A commitment can carry out a living amends; the entry lists it; another person's entry is refused."""
    from recovery.tracker import commitments
    from recovery.tracker.models import Commitment

    person = family[0]
    client = as_user(person)
    client.post("/amends/new", data={**GOOD, "kind": "living", "stage": "ongoing", "person_name": "Riley"})
    entry = db.session.scalar(sa.select(AmendsEntry))
    form = client.get(f"/tracker/commitments/new?amends={entry.id}").get_data(as_text=True)
    assert f'<option selected value="{entry.id}">Amends to Riley</option>' in form
    today = commitments.today_for(person).isoformat()
    r = client.post("/tracker/commitments/new", data={"title": "Call Riley on Fridays", "kind": "daily",
                                                      "start_date": today, "connection_id": "",
                                                      "amends_id": str(entry.id)})
    assert r.status_code == 302
    assert db.session.scalar(sa.select(Commitment.amends_id)) == entry.id
    assert "Call Riley on Fridays" in client.get(f"/amends/{entry.id}").get_data(as_text=True)
    other = make_user("person")
    other_entry = services.create_entry(other, services.EntryInput("X", None, "", "", "", "", "living", "ready",
                                                                   "ongoing", "", None))
    db.session.commit()
    r = client.post("/tracker/commitments/new", data={"title": "Sneaky", "kind": "daily", "start_date": today,
                                                      "connection_id": "", "amends_id": str(other_entry.id)})
    assert r.status_code == 422 and row_counts()["commitments"] == 1


def test_editing_an_entry_whose_connection_ended(app, family, as_user):
    """An entry linked to a connection that ended can still be edited; the dead link is dropped."""
    from recovery.circle import services as circle

    person, _, _, with_sam, _ = family
    client = as_user(person)
    client.post("/amends/new", data={**GOOD, "connection_id": str(with_sam.id)})
    entry = db.session.scalar(sa.select(AmendsEntry))
    circle.end_connection(person, with_sam)
    db.session.commit()
    form = client.get(f"/amends/{entry.id}/edit").get_data(as_text=True)
    assert '<option selected value="">' in form
    r = client.post(f"/amends/{entry.id}/edit", data={**GOOD, "what_happened": "edited"})
    assert r.status_code == 302
    db.session.refresh(entry)
    assert entry.what_happened == "edited" and entry.connection_id is None
