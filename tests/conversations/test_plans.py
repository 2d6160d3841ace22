"""Conversation plans: prefill, lifecycle, sharing, isolation and bad input."""

import html
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.accounts.models import User
from recovery.amends import services as amends
from recovery.boundaries import services as boundaries
from recovery.circle.models import AccessLogEntry
from recovery.conversations import services
from recovery.conversations.models import ConversationPlan
from recovery.db import db
from recovery.errors import Refused
from recovery.yourdata import export as data_export
from tests.conftest import PASSWORD, row_counts
from tests.forms import form_data


@pytest.fixture
def pair(make_user, make_connection):
    person = make_user("person", name="Jordan")
    sam = make_user("loved_one", name="Sam")
    connection = make_connection(person, sam, share={"conversations"}, loved_one_shares={"boundaries"})
    return person, sam, connection


def _entry(person, connection=None):
    e = amends.create_entry(person, amends.EntryInput("Sam", connection.id if connection else None, "",
                                                      "I lied about the money.", "You stopped trusting me.",
                                                      "I hid the bills.", "direct", "ready", "planned", "", None))
    db.session.commit()
    return e


def test_plan_prefills_from_an_amends_entry(app, pair, as_user):
    """Starting "making an amends" from an entry fills in what happened, the impact and my part."""
    person, _, connection = pair
    entry = _entry(person, connection)
    client = as_user(person)
    page = client.get(f"/talk/scripts/making-an-amends?amends={entry.id}").get_data(as_text=True)
    assert "starting from what you wrote about Sam" in page
    r = client.post(f"/talk/scripts/making-an-amends?amends={entry.id}", data={"connection_id": ""})
    plan = db.session.scalar(sa.select(ConversationPlan))
    assert r.headers["Location"].endswith(f"/talk/plans/{plan.id}/edit")
    assert plan.answers["what_i_did"] == "I lied about the money."
    assert plan.answers["impact"] == "You stopped trusting me." and plan.answers["my_part"] == "I hid the bills."
    assert plan.connection_id == connection.id and plan.amends_id == entry.id
    assert "I lied about the money." in client.get(f"/talk/plans/{plan.id}/edit").get_data(as_text=True)


# Words only Sam wrote, in each part of Sam's boundary (no apostrophes, so the HTML holds them as typed).
SAMS_WORDS = ("you come home after midnight", "sleep at the cottage", "calm nights", "text me by ten")


def _sams_boundary(sam):
    b = boundaries.create_boundary(sam, "home", boundaries.Words(
        f"If {SAMS_WORDS[0]}", f"I will {SAMS_WORDS[1]}.", f"I need {SAMS_WORDS[2]}.", f"Please {SAMS_WORDS[3]}."))
    db.session.commit()
    return b


def _start_from_sams_boundary(client, connection, b):
    """Go from Sam's shared boundary to the guide it links to, and start the plan with the page's own form."""
    shared = client.get(f"/boundaries/shared/{connection.id}/{b.id}").get_data(as_text=True)
    guide = f"/talk/scripts/hearing-a-boundary?boundary={b.id}"
    assert guide in shared
    page = client.get(guide).get_data(as_text=True)
    assert not any(w in page for w in SAMS_WORDS)  # the guide names the link, not the words
    r = client.post(guide, data=form_data(page, connection_id=str(connection.id)))
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return db.session.scalar(sa.select(ConversationPlan))


def _holds_none_of(text: str) -> bool:
    return not any(w in text for w in SAMS_WORDS)


def test_plan_from_their_boundary_keeps_a_link_not_their_words(app, pair, as_user):
    """SECURITY.md 26: a plan started from Sam's shared boundary links to it; Sam's words are not copied in."""
    person, sam, connection = pair
    b = _sams_boundary(sam)
    client = as_user(person)
    plan = _start_from_sams_boundary(client, connection, b)
    assert plan.boundary_id == b.id and plan.owner_id == person.id
    assert _holds_none_of(json.dumps(plan.answers))
    # While Sam shares boundaries, the plan and its form show Sam's current words, read through the door.
    db.session.execute(sa.delete(AccessLogEntry))
    for url in (f"/talk/plans/{plan.id}", f"/talk/plans/{plan.id}/edit"):
        page = html.unescape(client.get(url).get_data(as_text=True))
        assert all(w in page for w in SAMS_WORDS), url
        assert "Sam's boundary" in page
    visits = db.session.execute(sa.select(AccessLogEntry.owner_id, AccessLogEntry.viewer_id,
                                          AccessLogEntry.area)).all()
    assert [tuple(v) for v in visits] == [(sam.id, person.id, "boundaries")]
    # Saving the form as it stands copies nothing of Sam's either.
    edit = client.get(f"/talk/plans/{plan.id}/edit").get_data(as_text=True)
    assert client.post(f"/talk/plans/{plan.id}/edit", data=form_data(edit)).status_code == 302
    db.session.expire_all()
    assert _holds_none_of(json.dumps(db.session.get(ConversationPlan, plan.id).answers))
    # Sam changes the words: the plan shows the new ones, since it keeps only the link.
    boundaries.revise(db.session.get(type(b), b.id), "home", boundaries.Words(
        f"If {SAMS_WORDS[0]}", "I will stay with a friend.", f"I need {SAMS_WORDS[2]}.", ""))
    db.session.commit()
    page = html.unescape(client.get(f"/talk/plans/{plan.id}").get_data(as_text=True))
    assert "stay with a friend" in page and SAMS_WORDS[1] not in page


@pytest.mark.parametrize("how", ["revoke", "pause", "end"])
def test_plan_holds_none_of_their_words_once_sharing_stops(app, pair, as_user, how):
    """Revoked, paused or ended: the plan page, its form and the export hold none of Sam's words."""
    person, sam, connection = pair
    b = _sams_boundary(sam)
    client = as_user(person)
    plan = _start_from_sams_boundary(client, connection, b)
    assert all(w in client.get(f"/talk/plans/{plan.id}").get_data(as_text=True) for w in SAMS_WORDS)
    sam_client = as_user(sam)
    circle_page = sam_client.get("/circle/").get_data(as_text=True)
    if how == "revoke":
        action = f"/circle/{connection.id}/sharing"
        data = form_data(circle_page, action=action)
        data[f"c{connection.id}-areas"] = [a for a in data.get(f"c{connection.id}-areas", []) if a != "boundaries"]
    else:
        action = f"/circle/{connection.id}/{how}"
        source = circle_page if how == "pause" else sam_client.get(action).get_data(as_text=True)
        data = form_data(source, action=action)
    assert sam_client.post(action, data=data).status_code in (302, 303)
    db.session.execute(sa.delete(AccessLogEntry))
    for url in (f"/talk/plans/{plan.id}", f"/talk/plans/{plan.id}/edit"):
        response = client.get(url)
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 200 and _holds_none_of(page), url
        assert "The boundary this plan was started from isn't shared with you now." in page
    assert db.session.scalars(sa.select(AccessLogEntry)).all() == []
    export_page = client.get("/settings/export").get_data(as_text=True)
    for fmt in ("json", "print"):
        data = form_data(export_page, password=PASSWORD)
        data["format"] = fmt  # the button the person presses
        response = client.post("/settings/export", data=data)
        assert response.status_code == 200
        assert _holds_none_of(html.unescape(response.get_data(as_text=True))), fmt
    assert _holds_none_of(json.dumps(data_export(db.session.get(User, person.id)), default=str))


def test_loved_one_states_own_boundary_from_a_plan(app, pair, as_user):
    """A loved one's "stating a boundary" plan fills in from their own boundary."""
    _, sam, _ = pair
    b = boundaries.create_boundary(sam, "money", boundaries.Words("When you ask to borrow money",
                                                                  "I will say no for now.", "I need to save."))
    db.session.commit()
    as_user(sam).post(f"/talk/scripts/stating-a-boundary?boundary={b.id}", data={"connection_id": ""})
    plan = db.session.scalar(sa.select(ConversationPlan))
    assert "I will say no for now." in plan.answers.values()


def test_lifecycle_draft_ready_held_reflected(app, pair, as_user):
    """A plan moves from draft to ready to held (with a date) to reflected."""
    person, _, connection = pair
    client = as_user(person)
    client.post("/talk/scripts/making-an-amends", data={"connection_id": str(connection.id)})
    plan = db.session.scalar(sa.select(ConversationPlan))
    assert plan.status == "draft"
    r = client.post(f"/talk/plans/{plan.id}/edit", data={"title": "Talk with Sam", "connection_id": str(connection.id),
                                                          "answer_opening": "Is now okay?", "answer_bogus": "x"})
    assert r.status_code == 302
    db.session.refresh(plan)
    assert plan.answers == {"opening": "Is now okay?"}
    client.post(f"/talk/plans/{plan.id}/status", data={"status": "ready"})
    db.session.refresh(plan)
    assert plan.status == "ready"
    r = client.post(f"/talk/plans/{plan.id}/reflection", data={"reflection_how": "too soon"})
    assert r.status_code == 422 and "First mark the plan as talked" in r.get_data(as_text=True)
    today = services.today_for(person)
    r = client.post(f"/talk/plans/{plan.id}/status", data={"status": "held", "held_on": today.isoformat()})
    assert r.headers["Location"].endswith(f"/talk/plans/{plan.id}/reflection")
    r = client.post(f"/talk/plans/{plan.id}/reflection", data={"reflection_how": "Hard but kind.",
                                                                "reflection_next": "Talk again Sunday."})
    assert r.status_code == 302
    db.session.refresh(plan)
    assert plan.status == "reflected" and plan.held_on == today
    page = client.get(f"/talk/plans/{plan.id}").get_data(as_text=True)
    assert "Is now okay?" in page and "Hard but kind." in page


def test_status_rules(app, pair):
    """Held needs a past date; reflected needs a held talk; unknown stages are refused."""
    person, _, _ = pair
    plan = services.start_plan(person, "making-an-amends")
    today = services.today_for(person)
    with pytest.raises(Refused):
        services.set_status(plan, "held", None, today)
    with pytest.raises(Refused):
        services.set_status(plan, "held", today + timedelta(days=1), today)
    with pytest.raises(Refused):
        services.set_status(plan, "reflected", None, today)
    with pytest.raises(Refused):
        services.set_status(plan, "finished", None, today)


def test_sharing_needs_the_choice_and_the_grant(app, pair, as_user):
    """The linked person reads a plan only when the owner shares it and shares conversations with them."""
    person, sam, connection = pair
    client = as_user(person)
    client.post("/talk/scripts/making-an-amends", data={"connection_id": str(connection.id)})
    plan = db.session.scalar(sa.select(ConversationPlan))
    url = f"/talk/shared/{connection.id}/{plan.id}"
    sam_client = as_user(sam)
    assert sam_client.get(url).status_code == 404  # not shared by the owner yet
    client.post(f"/talk/plans/{plan.id}/edit", data={"title": "A letter for Sam", "connection_id": str(connection.id),
                                                     "answer_opening": "letter-words", "shared": "y"})
    page = sam_client.get(url).get_data(as_text=True)
    assert "letter-words" in page and "chose to share this with you" in page
    assert "A letter for Sam" in sam_client.get(f"/circle/{connection.id}/conversations").get_data(as_text=True)
    client.post(f"/circle/{connection.id}/sharing", data={})  # stop sharing the area
    assert sam_client.get(url).status_code == 404


def test_sharing_needs_a_connection(app, pair, as_user):
    """Sharing a plan that isn't with anyone is refused with a message."""
    person, _, _ = pair
    client = as_user(person)
    client.post("/talk/scripts/making-an-amends", data={"connection_id": ""})
    plan = db.session.scalar(sa.select(ConversationPlan))
    r = client.post(f"/talk/plans/{plan.id}/edit", data={"title": "x", "connection_id": "", "shared": "y"})
    assert r.status_code == 422 and "before sharing" in r.get_data(as_text=True)


@pytest.mark.parametrize("data", [{"title": ""}, {"title": "x" * 500}, {"title": "ok", "connection_id": "999"},
                                  {"title": "ok", "answer_opening": "x" * 3000}])
def test_plan_bad_input(app, pair, as_user, data):
    """Bad plan input shows the form again with a message and keeps the typing; nothing changes."""
    person, _, _ = pair
    client = as_user(person)
    client.post("/talk/scripts/making-an-amends", data={"connection_id": ""})
    plan = db.session.scalar(sa.select(ConversationPlan))
    r = client.post(f"/talk/plans/{plan.id}/edit", data={"answer_impact": "kept words", **data})
    assert r.status_code == 422 and "kept words" in r.get_data(as_text=True)
    db.session.refresh(plan)
    assert plan.answers == {}


def test_scripts_are_role_specific_and_unknown_ones_404(app, pair, as_user):
    """A loved one can't open a person's guide, and an unknown guide is 404."""
    person, sam, _ = pair
    assert as_user(sam).get("/talk/scripts/making-an-amends").status_code == 404
    assert as_user(person).get("/talk/scripts/stating-a-boundary").status_code == 404
    assert as_user(person).get("/talk/scripts/no-such-guide").status_code == 404
    assert as_user(person).get("/talk/scripts/making-an-amends?amends=99999").status_code == 404


def test_another_family_gets_404_everywhere(app, pair, make_user, make_connection, as_user):
    """Two families: every plan URL with the other family's ids is 404 and changes nothing."""
    person, _, connection = pair
    entry = _entry(person, connection)
    plan = services.start_plan(person, "making-an-amends", connection.id, entry.id)
    db.session.commit()
    other = make_user("person")
    other_connection = make_connection(other, make_user("loved_one"), share={"conversations"})
    clients = [as_user(other)]
    before = row_counts()
    for client in clients:
        for url in (f"/talk/plans/{plan.id}", f"/talk/plans/{plan.id}/edit", f"/talk/plans/{plan.id}/reflection",
                    f"/talk/plans/{plan.id}/delete", f"/talk/shared/{connection.id}/{plan.id}",
                    f"/talk/shared/{other_connection.id}/{plan.id}",
                    f"/talk/scripts/making-an-amends?amends={entry.id}"):
            assert client.get(url).status_code == 404, url
        for url in (f"/talk/plans/{plan.id}/edit", f"/talk/plans/{plan.id}/status", f"/talk/plans/{plan.id}/delete",
                    f"/talk/plans/{plan.id}/reflection", f"/talk/scripts/making-an-amends?amends={entry.id}"):
            assert client.post(url, data={"title": "x", "status": "ready", "reflection_how": "x"}).status_code == 404
    assert row_counts() == before


def test_right_now_cards_for_each_role(app, pair, as_user):
    """Each role gets its own short phrases for listening, validating and pausing; every page links to them."""
    person, sam, _ = pair
    mine = as_user(person).get("/talk/now").get_data(as_text=True)
    theirs = as_user(sam).get("/talk/now").get_data(as_text=True)
    assert "To take a pause" in mine and mine != theirs
    assert "/talk/now" in as_user(person).get("/home").get_data(as_text=True)


def test_delete_asks_first(app, pair, as_user):
    """Deleting a plan asks first."""
    person, _, _ = pair
    client = as_user(person)
    client.post("/talk/scripts/making-an-amends", data={"connection_id": ""})
    plan = db.session.scalar(sa.select(ConversationPlan))
    assert "can't be undone" in client.get(f"/talk/plans/{plan.id}/delete").get_data(as_text=True).replace("&#39;", "'")
    client.post(f"/talk/plans/{plan.id}/delete")
    assert row_counts()["conversation_plans"] == 0


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_printed_export_names_a_plans_answers_and_a_connection_in_words(app, pair, as_user, language):
    """On paper a plan's answers stand under its guide's step titles, in the guide's order, with the guide
    named; a connection's relationship reads as a word, not a stored code; all in the reader's language.
    The JSON keeps what is stored."""
    from recovery.conversations import library

    person, _sam, connection = pair
    person.language = language
    db.session.commit()
    client = as_user(person)
    plan = services.start_plan(person, "asking-for-a-chance", connection.id)
    services.save_plan(plan, person, "Talk with Sam", {"opening": "Sam, is now a good time?"}, connection.id, False)
    db.session.commit()
    with app.test_request_context("/", headers={"Accept-Language": language}):
        guide = library.library(language)["asking-for-a-chance"]
        opening = next(step.title for step in guide.steps if step.key == "opening")
        partner = {"en": "partner", "es": "pareja"}[language]
    export_page = client.get("/settings/export").get_data(as_text=True)
    data = {**form_data(export_page, password=PASSWORD), "format": "print"}
    page = html.unescape(client.post("/settings/export", data=data).get_data(as_text=True))
    assert f"{opening}:</span> Sam, is now a good time?" in page and guide.title in page
    assert ">opening:" not in page and "muted\">opening" not in page
    assert connection.relationship in ("partner",) and partner in page
    data["format"] = "json"
    stored = json.loads(client.post("/settings/export", data=data).get_data(as_text=True))
    assert stored["conversation_plans"][0]["answers"]["opening"] == "Sam, is now a good time?"
