"""Mend never pushes contact where it can harm: court orders, a loved one's "no" or "not yet", found risks.

Service rules first (no HTTP), then the pages in both roles, filled from the forms the pages really
show, then two families side by side.
"""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from recovery.amends import services
from recovery.amends.contact import CONTACT_STEP, advise, asks_for_contact
from recovery.amends.models import AmendsEntry, AmendsOpenness
from recovery.amends.services import EntryInput
from recovery.conversations import services as talks
from recovery.conversations.models import ConversationPlan
from recovery.db import db
from recovery.errors import Refused
from tests import factories
from tests.forms import choices_of, form_data

TODAY = date(2025, 3, 12)
ALL_NO = {"safety_harm_them": False, "safety_harm_others": False, "safety_no_contact": False, "safety_for_me": False}
ORDER = {**ALL_NO, "safety_no_contact": True}


def entry_input(**overrides) -> EntryInput:
    data = dict(person_name="Mum", connection_id=None, relationship="my mother", what_happened="I missed Dad's 60th.",
                impact="She felt forgotten.", my_part="I chose drinking.", kind="direct", willingness="willing",
                status="planned", not_possible_reason="", planned_on=None)
    data.update(overrides)
    return EntryInput(**data)


@pytest.fixture
def family(app):
    """Jordan (in recovery) with Mum (Pat) and a teenage child (Casey), sharing amends with both."""
    return factories.jordans_circle(("Pat", {"relationship": "parent", "share": {"amends"}}),
                                    ("Casey", {"relationship": "child", "share": {"amends", "tracker"}}))


def text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"')


# --- The rules, without HTTP --------------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "contact"), [
    ("Call her on Sunday", True), ("Visit Mum at home", True), ("Write a letter to them", True),
    ("Text him to say sorry", True), ("Ask them if now is a good time", True), (CONTACT_STEP, True),
    ("Talk it over with my sponsor or counsellor", False), ("Write down what I want to say", False),
    ("Give to a shelter", False), ("Save up the money", False), ("Call my sponsor", False),
])
def test_a_step_that_asks_for_contact_is_recognised(phrase, contact):
    """Contact verbs aimed at them (or their name) mark a contact step; steps about oneself don't."""
    assert asks_for_contact(phrase, "Mum") is contact


@pytest.mark.parametrize(("phrase", "contact"), [
    ("Llamarla el domingo", True), ("Visitar a Mamá en su casa", True), ("Escribir una carta para Mamá", True),
    ("Le escribo una nota", True), ("Hablar con ella después de las fiestas", True), ("Llámala", True),
    ("Pedirle perdón en persona", True), ("La llamo el sábado", True), ("Ir a ver a Mamá", True),
    ("Verla en su partido", True), ("Mandarle un mensaje", True),
    ("Hablarlo con mi padrino o mi consejera", False), ("Llamar a mi padrino", False),
    ("Escribir lo que quiero decir", False), ("Donar a un refugio", False), ("Encender una vela", False),
    ("Ahorrar el dinero", False), ("Ir a una reunión el martes", False),
])
def test_a_step_in_spanish_that_asks_for_contact_is_recognised(phrase, contact):
    """The same rule in Spanish (a person may write their steps in either): a contact step is never kept where
    contact is ruled out, whatever language it is written in."""
    assert asks_for_contact(phrase, "Mamá") is contact


def test_their_no_takes_a_spanish_contact_step_off_too(app, family):
    jordan, pat, _, with_pat, _ = family
    entry = services.create_entry(jordan, entry_input(connection_id=with_pat.id), today=TODAY)
    services.save_safety(entry, ALL_NO)
    services.add_step(entry, "Llamarla después de las fiestas")
    services.add_step(entry, "Donar a un refugio")
    db.session.commit()
    services.set_openness(pat, jordan.id, "no", "")
    db.session.commit()
    db.session.expire_all()
    steps = [s.text for s in db.session.get(AmendsEntry, entry.id).steps]
    assert "Llamarla después de las fiestas" not in steps and "Donar a un refugio" in steps


@pytest.mark.parametrize(("answers", "openness", "status", "reason", "closed"), [
    (ORDER, None, "planned", "no_contact", True),
    (ORDER, "yes", "planned", "no_contact", True),
    (ALL_NO, "no", "planned", "declined", True),
    (ALL_NO, "not_yet", "planned", "not_yet", False),
    (ALL_NO, "paused", "planned", "paused", True),
    ({**ALL_NO, "safety_harm_them": True}, None, "planned", "risk", False),
    ({**ALL_NO, "safety_for_me": True}, "yes", "listed", "risk", False),
    (ALL_NO, None, "not_possible", "not_possible", False),
    (ALL_NO, "maybe_later", "planned", "", False),
    (ALL_NO, "yes", "planned", "", False),
])
def test_contact_advice_for_every_reason(answers, openness, status, reason, closed):
    """An order or their "no" closes contact; "not yet", a risk or "not possible" stop suggestions; else allowed."""
    entry = AmendsEntry(person_name="Mum", status=status, kind="direct", **answers)
    advice = advise(entry, openness)
    assert advice.reason == reason
    assert advice.allowed is (reason == "")
    assert advice.closed is closed
    if reason == "no_contact":
        assert "would break it" in advice.message and "crime" in advice.message
    if reason in ("declined", "not_yet"):
        assert advice.message.startswith("Mum ") and "won't suggest" in advice.message


def test_new_entries_carry_no_contact_step_until_contact_is_safe_and_welcome(app, family):
    """The contact step comes only for a direct amends whose four answers found nothing, and goes again."""
    jordan, pat, _, with_pat, _ = family
    entry = services.create_entry(jordan, entry_input(connection_id=with_pat.id), today=TODAY)
    assert CONTACT_STEP not in [s.text for s in entry.steps]
    services.save_safety(entry, {**ALL_NO, "safety_for_me": None})  # one "not sure": still no contact step
    assert CONTACT_STEP not in [s.text for s in entry.steps]
    services.save_safety(entry, ALL_NO)
    assert [s.text for s in entry.steps][-1] == CONTACT_STEP
    # A risk found: the contact step goes.
    services.save_safety(entry, {**ALL_NO, "safety_harm_others": True})
    assert CONTACT_STEP not in [s.text for s in entry.steps]
    services.save_safety(entry, ALL_NO)
    # "Not possible": it goes too.
    services.update_entry(entry, jordan, entry_input(connection_id=with_pat.id, status="not_possible",
                                                     not_possible_reason="She moved away."), today=TODAY)
    assert CONTACT_STEP not in [s.text for s in entry.steps]
    # Living amends: no contact step either.
    services.update_entry(entry, jordan, entry_input(connection_id=with_pat.id, kind="living", status="willing"),
                          today=TODAY)
    assert CONTACT_STEP not in [s.text for s in entry.steps]


@pytest.mark.parametrize("answer", ["not_yet", "no"])
def test_their_answer_takes_the_contact_step_off_at_once(app, family, answer):
    """After "not yet" or "no", the person's entry about them loses its suggested contact step."""
    jordan, pat, _, with_pat, _ = family
    entry = services.create_entry(jordan, entry_input(connection_id=with_pat.id), today=TODAY)
    services.save_safety(entry, ALL_NO)
    services.add_step(entry, "Call her after the holidays")
    db.session.commit()
    services.set_openness(pat, jordan.id, answer, "")
    db.session.commit()
    db.session.expire_all()
    steps = [s.text for s in db.session.get(AmendsEntry, entry.id).steps]
    assert CONTACT_STEP not in steps
    # Their "no" rules contact out, so the person's own contact step goes too; "not yet" leaves it, flagged.
    assert ("Call her after the holidays" in steps) is (answer == "not_yet")
    # And it comes back only when they say yes.
    services.set_openness(pat, jordan.id, "yes", "")
    db.session.commit()
    assert CONTACT_STEP in [s.text for s in db.session.get(AmendsEntry, entry.id).steps]


def test_a_no_closes_direct_amends_but_not_indirect_or_living(app, family):
    """After Casey says no, a direct entry about Casey is refused; indirect and living are fine."""
    jordan, _, casey, _, with_casey = family
    services.set_openness(casey, jordan.id, "no", "")
    with pytest.raises(Refused) as refused:
        services.create_entry(jordan, entry_input(person_name="Casey", connection_id=with_casey.id), today=TODAY)
    assert refused.value.field == "kind"
    db.session.rollback()
    for kind in ("indirect", "living"):
        services.create_entry(jordan, entry_input(person_name="Casey", connection_id=with_casey.id, kind=kind,
                                                  status="willing"), today=TODAY)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AmendsEntry)) == 2


@pytest.mark.parametrize("answer", ["not_yet", "no"])
def test_the_next_step_never_names_a_plan_with_someone_who_said_not_yet_or_no(app, family, answer):
    """The old bug: "You have a plan with Mum" after Mum said not yet. Now it says her answer instead."""
    jordan, pat, _, with_pat, _ = family
    services.create_entry(jordan, entry_input(connection_id=with_pat.id, planned_on=TODAY + timedelta(days=9)),
                          today=TODAY)
    services.set_openness(pat, jordan.id, answer, "")
    db.session.commit()
    message = services.overview(jordan).next_step
    assert "You have a plan with" not in message
    assert "Mum has" in message and "won't suggest" in message


def test_safety_questions_are_not_asked_again_once_answered(app, family):
    """"Answer the safety questions" goes away once all four are answered."""
    jordan = family[0]
    entry = services.create_entry(jordan, entry_input(kind="undecided", status="listed"), today=TODAY)
    assert "answer the safety questions" in services.overview(jordan).next_step
    services.save_safety(entry, ALL_NO)
    assert "safety questions" not in services.overview(jordan).next_step
    services.save_safety(entry, ORDER)
    assert "indirect amends or living amends" in services.overview(jordan).next_step


def test_a_plan_for_contact_is_refused_and_set_aside_when_contact_is_ruled_out(app, family):
    """No new "Making an amends" plan for an entry under an order or with someone who said no."""
    jordan, _, casey, _, with_casey = family
    entry = services.create_entry(jordan, entry_input(person_name="Alex"), today=TODAY)
    plan = talks.start_plan(jordan, "making-an-amends", amends_id=entry.id)
    talks.set_status(plan, "ready")
    db.session.commit()
    services.save_safety(entry, ORDER)
    db.session.commit()
    with pytest.raises(Refused):
        talks.start_plan(jordan, "making-an-amends", amends_id=entry.id)
    db.session.rollback()
    assert talks.plan_contact(plan).closed
    with pytest.raises(Refused):
        talks.set_status(db.session.get(ConversationPlan, plan.id), "ready")
    db.session.rollback()
    services.set_openness(casey, jordan.id, "no", "")
    db.session.commit()
    with pytest.raises(Refused):
        talks.start_plan(jordan, "making-an-amends", connection_id=with_casey.id)
    db.session.rollback()
    # Other guides still start with Casey: only contact about amends is ruled out.
    talks.start_plan(jordan, "asking-for-a-chance", connection_id=with_casey.id)


# --- Pages, filled from the forms they really show ------------------------------------------------------------


def test_court_order_over_http(app, family, as_user):
    """Answering "yes" to the order question: plain words, no direct choice, no contact step, no contact plan."""
    jordan = family[0]
    client = as_user(jordan)
    page = text(client.get("/amends/new"))
    data = form_data(page, person_name="Jamie", relationship="my ex-partner", kind="direct",
                     what_happened="I frightened Jamie when I was drinking.")
    r = client.post("/amends/new", data=data)
    assert r.status_code == 302
    entry = db.session.scalar(sa.select(AmendsEntry))
    client.post(f"/amends/{entry.id}/steps", data=form_data(text(client.get(f"/amends/{entry.id}")),
                                                            action=f"/amends/{entry.id}/steps",
                                                            text="Call Jamie to apologise"))
    safety = text(client.get(f"/amends/{entry.id}/safety"))
    r = client.post(f"/amends/{entry.id}/safety", data=form_data(
        safety, safety_harm_them="yes", safety_harm_others="no", safety_no_contact="yes", safety_for_me="no"))
    assert r.status_code == 302
    page = text(client.get(r.headers["Location"]))
    assert "Contacting them would break it, and breaking a court order can be a crime" in page
    assert "Direct amends is no longer a choice" in page and "took off 1 step" in page
    assert "Call Jamie to apologise" not in page and "Plan what I'll say" not in page
    assert "Ways that need no contact" in page
    r = client.get(f"/amends/{entry.id}/edit")
    assert r.status_code == 200, text(r)[-3000:]
    edit = text(r)
    assert choices_of(edit, "kind") == {"undecided", "indirect", "living"}
    assert "isn't one of the choices" in edit
    # Posting "direct" anyway is refused, the typing kept, nothing saved.
    data = form_data(edit, what_happened="Changed words")
    data["kind"] = ["direct"]
    r = client.post(f"/amends/{entry.id}/edit", data=data)
    assert r.status_code == 422 and "Changed words" in text(r)
    db.session.expire_all()
    assert db.session.get(AmendsEntry, entry.id).what_happened == "I frightened Jamie when I was drinking."
    # The guide for contact won't start a plan for this entry.
    guide = text(client.get(f"/talk/scripts/making-an-amends?amends={entry.id}"))
    assert "would break it" in guide and "Start my plan" not in guide
    r = client.post(f"/talk/scripts/making-an-amends?amends={entry.id}", data={"amends": str(entry.id)})
    assert r.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConversationPlan)) == 0
    # Printed, the plan says it too.
    assert "would break it" in text(client.get("/amends/print"))


@pytest.mark.parametrize("answer", ["not_yet", "no"])
def test_a_loved_ones_answer_stops_contact_everywhere(app, family, as_user, answer):
    """Pat answers; the entry, the list, the dashboard, the guide and the linked plan all show it."""
    jordan, pat, _, with_pat, _ = family
    client = as_user(jordan)
    page = text(client.get("/amends/new"))
    client.post("/amends/new", data=form_data(page, person_name="Mum", connection_id=str(with_pat.id),
                                              kind="direct", stage="planned"))
    entry = db.session.scalar(sa.select(AmendsEntry))
    client.post(f"/amends/{entry.id}/safety", data=form_data(
        text(client.get(f"/amends/{entry.id}/safety")), safety_harm_them="no", safety_harm_others="no",
        safety_no_contact="no", safety_for_me="no"))
    guide = text(client.get(f"/talk/scripts/making-an-amends?amends={entry.id}"))
    client.post(f"/talk/scripts/making-an-amends?amends={entry.id}", data=form_data(guide))
    plan = db.session.scalar(sa.select(ConversationPlan))
    assert plan is not None and plan.amends_id == entry.id
    assert CONTACT_STEP in text(client.get(f"/amends/{entry.id}"))

    pat_client = as_user(pat)
    form = text(pat_client.get(f"/amends/openness/{jordan.id}"))
    assert choices_of(form, "status") == {"yes", "maybe_later", "not_yet", "no"}
    r = pat_client.post(f"/amends/openness/{jordan.id}", data=form_data(form, status=answer))
    assert r.status_code == 302

    label = {"not_yet": "Not yet", "no": "No — please don't contact me about this"}[answer]
    entry_page = text(client.get(f"/amends/{entry.id}"))
    assert label in entry_page and "won't suggest" in entry_page
    assert CONTACT_STEP not in entry_page and "Plan what I'll say" not in entry_page
    listing = text(client.get("/amends/"))
    assert label in listing and "You have a plan with" not in listing
    home = text(client.get("/home"))
    assert label in home and "Mend won't suggest contact about amends" in home
    guide = text(client.get("/talk/scripts/making-an-amends"))
    assert "Their answers come first" in guide and "Pat" in guide
    assert ("Pat (your" not in guide) is (answer == "no")  # someone who said no isn't offered as who it's with
    plan_page = text(client.get(f"/talk/plans/{plan.id}"))
    assert "won't suggest" in plan_page
    # Pat can change the answer at any time; "yes" brings the suggestions back.
    pat_client.post(f"/amends/openness/{jordan.id}", data=form_data(
        text(pat_client.get(f"/amends/openness/{jordan.id}")), status="yes"))
    assert "won't suggest" not in text(client.get(f"/amends/{entry.id}"))


def test_answering_is_never_a_step_on_the_loved_ones_path(app, family, as_user):
    """The loved one's home offers the question gently, but never as a step to tick off."""
    _, pat, *_ = family
    home = text(as_user(pat).get("/home"))
    assert "say where you stand, if you want to" in home
    from recovery.dashboards.path import STEPS
    assert not any("amends" in s.title.lower() or "amends" in s.why.lower()
                   for s in STEPS if "loved_one" in s.roles)


def test_a_child_is_not_asked_to_confirm_until_they_choose_to(app, family, as_user):
    """A child connection shares the tracker without "did you see this?" until the child opts in."""
    from recovery.tracker import commitments
    from recovery.tracker.commitments import ScheduleInput
    from recovery.tracker.models import DAILY, CheckIn

    jordan, _, casey, _, with_casey = family
    today = commitments.today_for(jordan)
    c = commitments.create_commitment(jordan, "Home for dinner", "", ScheduleInput(DAILY), today - timedelta(days=3),
                                      today=today - timedelta(days=3))
    db.session.add(CheckIn(commitment_id=c.id, local_date=today - timedelta(days=1), status="kept"))
    db.session.commit()
    assert with_casey.loved_one_confirms is False
    child = as_user(casey)
    shared = text(child.get(f"/circle/{with_casey.id}/tracker"))
    assert "Did you see these?" not in shared
    assert "waiting for your word" not in text(child.get("/home"))
    assert "Help for young people" in text(child.get("/home"))
    checkin = db.session.scalar(sa.select(CheckIn))
    r = child.post(f"/tracker/shared/{with_casey.id}/checkins/{checkin.id}/confirm",
                   data={f"k{checkin.id}-verdict": "saw"})
    assert r.status_code in (404, 422)
    # Casey opts in from the circle page, with the button the page shows.
    circle_page = text(child.get("/circle/"))
    action = f"/circle/{with_casey.id}/start-confirming"
    assert child.post(action, data=form_data(circle_page, action=action)).status_code == 302
    assert "Did you see these?" in text(child.get(f"/circle/{with_casey.id}/tracker"))
    # And can stop again.
    action = f"/circle/{with_casey.id}/stop-confirming"
    child.post(action, data=form_data(text(child.get("/circle/")), action=action))
    assert "Did you see these?" not in text(child.get(f"/circle/{with_casey.id}/tracker"))


def test_the_person_cannot_switch_a_childs_confirming_on(app, family, as_user):
    """Only the loved one chooses whether they're asked; the person's attempt changes nothing."""
    jordan, _, _, _, with_casey = family
    client = as_user(jordan)
    assert client.post(f"/circle/{with_casey.id}/start-confirming").status_code in (302, 404)
    db.session.expire_all()
    assert db.session.get(type(with_casey), with_casey.id).loved_one_confirms is False


# --- Two families -------------------------------------------------------------------------------------------


def test_another_familys_answer_changes_nothing_here(app, family, make_user, make_connection, as_user):
    """A "no" from someone in another family touches none of Jordan's entries, and can't be given about Jordan."""
    jordan, pat, _, with_pat, _ = family
    other_person = make_user("person", name="Morgan")
    other_loved = make_user("loved_one", name="Robin")
    make_connection(other_person, other_loved, relationship="parent")
    entry = services.create_entry(jordan, entry_input(connection_id=with_pat.id), today=TODAY)
    services.save_safety(entry, ALL_NO)
    db.session.commit()
    services.set_openness(other_loved, other_person.id, "no", "")
    db.session.commit()
    assert services.contact_for(db.session.get(AmendsEntry, entry.id)).allowed
    robin = as_user(other_loved)
    assert robin.get(f"/amends/openness/{jordan.id}").status_code == 404
    assert robin.post(f"/amends/openness/{jordan.id}", data={"status": "no"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AmendsOpenness)) == 1
    assert CONTACT_STEP in text(as_user(jordan).get(f"/amends/{entry.id}"))


def test_talks_marks_a_plan_set_aside_and_speaks_to_a_child(app, family, as_user):
    """The Talks page flags a plan whose contact is ruled out, and points a child to help for young people."""
    jordan, pat, casey, with_pat, _ = family
    entry = services.create_entry(jordan, entry_input(connection_id=with_pat.id), today=TODAY)
    talks.start_plan(jordan, "making-an-amends", amends_id=entry.id)
    db.session.commit()
    client = as_user(jordan)
    assert "Set aside" not in text(client.get("/talk/"))
    services.set_openness(pat, jordan.id, "no", "")
    db.session.commit()
    assert "Set aside: contact is ruled out" in text(client.get("/talk/"))
    assert "If you're young" in text(as_user(casey).get("/talk/"))
    assert "If you're young" not in text(as_user(pat).get("/talk/"))


def test_another_family_cannot_change_whether_a_child_is_asked(app, family, make_user, make_connection, as_user):
    """A loved one from another family gets 404 on Casey's connection, and nothing changes."""
    _, _, _, _, with_casey = family
    stranger = make_user("loved_one", name="Robin")
    make_connection(make_user("person", name="Morgan"), stranger, relationship="child")
    client = as_user(stranger)
    for action in ("start-confirming", "stop-confirming"):
        assert client.post(f"/circle/{with_casey.id}/{action}").status_code == 404
    db.session.expire_all()
    assert db.session.get(type(with_casey), with_casey.id).loved_one_confirms is False


def test_pausing_hides_their_answer_and_still_suggests_no_contact(app, family, as_user):
    """SECURITY (issue 14 item 8): a paused connection hides the loved one's answer, and offers no contact."""
    from recovery.circle import services as circle

    jordan, pat, _, with_pat, _ = family
    entry = services.create_entry(jordan, entry_input(connection_id=with_pat.id), today=TODAY)
    services.save_safety(entry, ALL_NO)
    services.set_openness(pat, jordan.id, "no", "Please, not this year.")
    db.session.commit()
    client = as_user(jordan)
    assert "Please, not this year." in text(client.get(f"/amends/{entry.id}"))
    circle.pause_connection(pat, with_pat)
    db.session.commit()
    for page in (f"/amends/{entry.id}", "/amends/", "/home", "/talk/scripts/making-an-amends"):
        body = text(client.get(page))
        assert "Please, not this year." not in body and "don't contact me" not in body, page
    advice = services.contact_for(db.session.get(AmendsEntry, entry.id))
    assert advice.reason == "paused" and advice.closed
    assert "is paused" in text(client.get(f"/amends/{entry.id}"))
    with pytest.raises(Refused):
        talks.start_plan(jordan, "making-an-amends", connection_id=with_pat.id)
