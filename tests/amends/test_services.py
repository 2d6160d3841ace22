"""Amends services: entries, steps, safety answers, reflection, readiness order, openness and what a loved one sees."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from recovery.amends import services
from recovery.amends.contact import asks_for_contact
from recovery.amends.models import KINDS, STATUSES, AmendsEntry, AmendsOpenness, AmendsStep
from recovery.amends.safety import assess
from recovery.amends.services import MAX_STEPS, SUGGESTED_STEPS, EntryInput
from recovery.circle import services as circle
from recovery.db import db
from recovery.errors import Refused
from recovery.timezones import local_today
from recovery.tracker import commitments
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import DAILY, Commitment
from tests.factories import door_pass
from tests.queries import captured_statements, selects

TODAY = date(2025, 3, 12)
ALL_NO = {"safety_harm_them": False, "safety_harm_others": False, "safety_no_contact": False,
          "safety_for_me": False}


@pytest.fixture
def person(make_user):
    return make_user("person", name="Jordan")


def entry_input(**overrides) -> EntryInput:
    data = dict(person_name="Sam", connection_id=None, relationship="", what_happened="", impact="", my_part="",
                kind="direct", willingness="willing", status="listed", not_possible_reason="", planned_on=None)
    data.update(overrides)
    return EntryInput(**data)


def make_entry(owner, **overrides) -> AmendsEntry:
    entry = services.create_entry(owner, entry_input(**overrides), today=TODAY)
    db.session.commit()
    return entry


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- Creating, changing and deleting entries ------------------------------------------------------


def test_create_entry_stores_stripped_text_and_suggested_steps(app, person):
    """A new entry keeps what was typed, trimmed, and starts with the three suggested steps in order."""
    entry = services.create_entry(person, entry_input(
        person_name="  Sam  ", relationship=" my brother ", what_happened="  I took his car.\n",
        impact="\tHe missed work. ", my_part=" I lied about it. ", kind="indirect", willingness="ready",
        status="planned", planned_on=TODAY + timedelta(days=10)), today=TODAY)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AmendsEntry, entry.id)
    assert stored.owner_id == person.id
    assert (stored.person_name, stored.relationship) == ("Sam", "my brother")
    assert (stored.what_happened, stored.impact, stored.my_part) == ("I took his car.", "He missed work.",
                                                                     "I lied about it.")
    assert (stored.kind, stored.willingness, stored.status) == ("indirect", "ready", "planned")
    assert stored.planned_on == TODAY + timedelta(days=10)
    assert [(s.text, s.position, s.done) for s in stored.steps] == [
        (text, i, False) for i, text in enumerate(SUGGESTED_STEPS)]
    assert len(SUGGESTED_STEPS) == 2
    # No step asks for contact before anyone knows contact is safe and welcome.
    assert not any(asks_for_contact(t) for t in SUGGESTED_STEPS)
    assert all(getattr(stored, k) is None for k in services.answers_of(stored))
    assert not stored.share_reflection and not stored.has_reflection


@pytest.mark.parametrize("name", ["", "   ", "\n\t"])
def test_empty_name_is_refused(app, person, name):
    """Every entry needs someone's name."""
    with pytest.raises(Refused) as refused:
        services.create_entry(person, entry_input(person_name=name), today=TODAY)
    assert refused.value.field == "person_name"
    assert count(AmendsEntry) == 0


@pytest.mark.parametrize(("field", "value"), [
    ("kind", "apology"), ("kind", ""), ("kind", "Direct"),
    ("willingness", "eager"), ("willingness", ""), ("willingness", "Ready"),
    ("status", "done"), ("status", ""), ("status", "Made"),
])
def test_choices_outside_the_lists_are_refused(app, person, field, value):
    """Kind, willingness and status must each be one of the listed choices."""
    with pytest.raises(Refused) as refused:
        services.create_entry(person, entry_input(**{field: value}), today=TODAY)
    assert refused.value.field == field
    entry = make_entry(person)
    with pytest.raises(Refused) as refused:
        services.update_entry(entry, person, entry_input(**{field: value}), today=TODAY)
    assert refused.value.field == field


def test_not_possible_needs_a_reason(app, person):
    """Saying an amends isn't possible asks for a few words why; the reason is stored trimmed."""
    for reason in ("", "   "):
        with pytest.raises(Refused) as refused:
            services.create_entry(person, entry_input(status="not_possible", not_possible_reason=reason),
                                  today=TODAY)
        assert refused.value.field == "not_possible_reason"
    entry = make_entry(person, status="not_possible", not_possible_reason="  She passed away last year. ")
    assert entry.not_possible_reason == "She passed away last year."


def test_reason_is_cleared_for_other_statuses(app, person):
    """A not-possible reason is only kept while the status is "not possible"."""
    listed = make_entry(person, status="listed", not_possible_reason="left over from the form")
    assert listed.not_possible_reason == ""
    entry = make_entry(person, status="not_possible", not_possible_reason="No way to reach him.")
    services.update_entry(entry, person, entry_input(status="willing", not_possible_reason="No way to reach him."),
                          today=TODAY)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(AmendsEntry, entry.id).not_possible_reason == ""


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"living"}))
def test_ongoing_is_only_for_living_amends(app, person, kind):
    """"Ongoing" is refused for any kind but living amends."""
    with pytest.raises(Refused) as refused:
        services.create_entry(person, entry_input(kind=kind, status="ongoing"), today=TODAY)
    assert refused.value.field == "status"
    entry = make_entry(person, kind="living", status="ongoing")
    assert entry.status == "ongoing"
    with pytest.raises(Refused):
        services.update_entry(entry, person, entry_input(kind=kind, status="ongoing"), today=TODAY)


@pytest.mark.parametrize("planned_on", [
    TODAY, TODAY - timedelta(days=1), TODAY + timedelta(days=1), date(2027, 3, 12), date(2024, 3, 12),
])
def test_planned_dates_within_the_window_are_accepted(app, person, planned_on):
    """A date from a year back up to two years ahead can be planned."""
    entry = make_entry(person, status="planned", planned_on=planned_on)
    assert entry.planned_on == planned_on


@pytest.mark.parametrize("planned_on", [
    date(2027, 3, 19), date(2030, 1, 1), date(2024, 3, 5), date(2000, 1, 1),
])
def test_planned_dates_outside_the_window_are_refused(app, person, planned_on):
    """A date more than two years ahead or more than a year back is refused, on create and on update."""
    with pytest.raises(Refused) as refused:
        services.create_entry(person, entry_input(status="planned", planned_on=planned_on), today=TODAY)
    assert refused.value.field == "planned_on"
    entry = make_entry(person)
    with pytest.raises(Refused):
        services.update_entry(entry, person, entry_input(planned_on=planned_on), today=TODAY)


def test_planned_date_window_follows_the_owners_today(app, make_user):
    """Without an explicit today, the window is measured from the owner's local date."""
    person = make_user("person", timezone="Pacific/Kiritimati")
    today = local_today(person.timezone)
    services.create_entry(person, entry_input(status="planned", planned_on=today + timedelta(days=700)))
    with pytest.raises(Refused):
        services.create_entry(person, entry_input(status="planned", planned_on=today + timedelta(days=800)))


def test_connection_must_be_my_own_live_connection(app, person, make_user, make_connection):
    """An entry can be linked only to the owner's own connection that hasn't ended; paused is fine."""
    mine = make_connection(person, make_user("loved_one", name="Sam"))
    paused = make_connection(person, make_user("loved_one", name="Pat"))
    circle.pause_connection(person, paused)
    ended = make_connection(person, make_user("loved_one", name="Lee"))
    circle.end_connection(person, ended)
    theirs = make_connection(make_user("person"), make_user("loved_one"))
    db.session.commit()

    assert make_entry(person, connection_id=mine.id).connection_id == mine.id
    assert make_entry(person, person_name="Pat", connection_id=paused.id).connection_id == paused.id
    for bad in (theirs.id, ended.id, 999_999):
        with pytest.raises(Refused) as refused:
            services.create_entry(person, entry_input(connection_id=bad), today=TODAY)
        assert refused.value.field == "connection_id"

    entry = make_entry(person, connection_id=mine.id)
    for bad in (theirs.id, ended.id):
        with pytest.raises(Refused):
            services.update_entry(entry, person, entry_input(connection_id=bad), today=TODAY)
    services.update_entry(entry, person, entry_input(connection_id=None), today=TODAY)
    assert entry.connection_id is None


def test_a_loved_one_cannot_create_entries(app, make_user, make_connection):
    """The amends list belongs to the person in recovery."""
    loved = make_user("loved_one")
    make_connection(make_user("person"), loved)
    with pytest.raises(Refused):
        services.create_entry(loved, entry_input(), today=TODAY)
    assert count(AmendsEntry) == 0


def test_update_entry_changes_fields_and_keeps_steps(app, person):
    """Editing an entry changes what was typed but leaves its steps and safety answers alone."""
    entry = make_entry(person)
    services.add_step(entry, "Buy a card")
    services.save_safety(entry, ALL_NO)
    db.session.commit()
    before = entry.updated_at
    services.update_entry(entry, person, entry_input(person_name=" Samuel ", kind="living", status="ongoing",
                                                     willingness="ready", my_part=" showing up "), today=TODAY)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AmendsEntry, entry.id)
    assert (stored.person_name, stored.kind, stored.status, stored.willingness, stored.my_part) == (
        "Samuel", "living", "ongoing", "ready", "showing up")
    assert [s.text for s in stored.steps] == [*SUGGESTED_STEPS, "Buy a card"]
    assert services.answers_of(stored) == ALL_NO
    assert stored.updated_at >= before


def test_delete_entry_removes_steps_and_unlinks_commitments(app, person):
    """Deleting an entry deletes its steps; a living-amends commitment stays, no longer linked."""
    entry = make_entry(person, kind="living", status="ongoing")
    other = make_entry(person, person_name="Pat")
    commitment = commitments.create_commitment(person, "Call Sam on Sundays", "", ScheduleInput(DAILY), TODAY,
                                               today=TODAY)
    commitment.amends_id = entry.id
    db.session.commit()
    entry_id, commitment_id = entry.id, commitment.id

    services.delete_entry(entry)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(AmendsEntry, entry_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AmendsStep)
                             .where(AmendsStep.entry_id == entry_id)) == 0
    kept = db.session.get(Commitment, commitment_id)
    assert kept is not None and kept.amends_id is None
    assert [s.text for s in db.session.get(AmendsEntry, other.id).steps] == list(SUGGESTED_STEPS)


# --- Loading one's own rows -------------------------------------------------------------------------


def test_load_own_entry_and_step_refuse_other_users(app, person, make_user):
    """Another person's entry or step is "not found", exactly like an id that doesn't exist."""
    mine = make_entry(person)
    other_person = make_user("person")
    theirs = make_entry(other_person, person_name="Alex")
    assert services.load_own_entry(person, mine.id).id == mine.id
    assert services.load_own_step(person, mine.steps[0].id).id == mine.steps[0].id
    for entry_id in (theirs.id, 999_999):
        with pytest.raises(LookupError):
            services.load_own_entry(person, entry_id)
    for step_id in (theirs.steps[0].id, 999_999):
        with pytest.raises(LookupError):
            services.load_own_step(person, step_id)
    with pytest.raises(LookupError):
        services.load_own_entry(other_person, mine.id)


# --- Steps ------------------------------------------------------------------------------------------


def test_add_step_appends_trimmed_text(app, person):
    """A step is trimmed and goes to the end of the checklist."""
    entry = make_entry(person)
    step = services.add_step(entry, "  Write the letter  ")
    db.session.commit()
    assert (step.text, step.position, step.done) == ("Write the letter", len(SUGGESTED_STEPS), False)
    db.session.expire_all()
    assert [s.text for s in services.load_own_entry(person, entry.id).steps][-1] == "Write the letter"


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_step_is_refused(app, person, text):
    """An empty step is refused and nothing is added."""
    entry = make_entry(person)
    with pytest.raises(Refused) as refused:
        services.add_step(entry, text)
    assert refused.value.field == "text"
    assert len(entry.steps) == len(SUGGESTED_STEPS)


def test_a_plan_holds_at_most_thirty_steps(app, person):
    """Steps can be added up to 30 in all, the suggested ones included; the 31st is refused."""
    entry = make_entry(person)
    for n in range(MAX_STEPS - len(SUGGESTED_STEPS)):
        services.add_step(entry, f"Step {n}")
    db.session.commit()
    assert len(entry.steps) == MAX_STEPS == 30
    assert [s.position for s in entry.steps] == list(range(30))
    with pytest.raises(Refused):
        services.add_step(entry, "One too many")
    db.session.rollback()
    assert count(AmendsStep) == 30


# --- Safety answers -----------------------------------------------------------------------------------


def test_save_safety_stores_answers_and_returns_advice(app, person):
    """The answers are stored on the entry, and the advice matches them."""
    entry = make_entry(person)
    answers = {"safety_harm_them": True, "safety_harm_others": False, "safety_no_contact": None,
               "safety_for_me": False}
    advice = services.save_safety(entry, answers).advice
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AmendsEntry, entry.id)
    assert services.answers_of(stored) == answers
    assert advice == assess(answers)
    assert advice.discourage_direct and advice.answered == 3 and not advice.complete

    advice = services.save_safety(stored, ALL_NO).advice
    assert services.answers_of(stored) == ALL_NO
    assert advice.complete and not advice.discourage_direct


@pytest.mark.parametrize("value", ["yes", "true", 2])
def test_save_safety_refuses_other_values(app, person, value):
    """Only yes, no or not yet are accepted as an answer, and the field is named."""
    entry = make_entry(person)
    with pytest.raises(Refused) as refused:
        services.save_safety(entry, {**ALL_NO, "safety_for_me": value})
    assert refused.value.field == "safety_for_me"


# --- Reflection ----------------------------------------------------------------------------------------


def test_reflection_needs_at_least_one_answer(app, person):
    """An empty reflection is refused."""
    entry = make_entry(person, status="made")
    with pytest.raises(Refused) as refused:
        services.save_reflection(entry, "  ", "", "\n", "", share=True)
    assert refused.value.field == "reflection_how"


def test_reflection_is_private_unless_shared(app, person):
    """One answer is enough; it is trimmed and stays private unless the person asks to share it."""
    entry = make_entry(person, status="made")
    services.save_reflection(entry, "", " She listened. ", "", "", share=False)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AmendsEntry, entry.id)
    assert stored.reflection_response == "She listened."
    assert stored.has_reflection and stored.share_reflection is False

    services.save_reflection(stored, " Calm ", "", " Go slow ", " Keep calling ", share=True)
    db.session.commit()
    assert (stored.reflection_how, stored.reflection_response, stored.reflection_learned,
            stored.reflection_next) == ("Calm", "", "Go slow", "Keep calling")
    assert stored.share_reflection is True
    services.save_reflection(stored, "Calm", "", "", "", share=False)
    assert stored.share_reflection is False


# --- Readiness order, overview and next step -----------------------------------------------------------


def test_sort_by_readiness(app, person, make_user):
    """Ready before willing before not yet; planned (soonest first) before listed; finished ones last."""
    specs = [
        ("not-yet listed", dict(willingness="not_yet", status="listed")),
        ("finished made", dict(willingness="ready", status="made")),
        ("ready listed", dict(willingness="ready", status="listed")),
        ("willing planned", dict(willingness="willing", status="planned", planned_on=TODAY + timedelta(days=5))),
        ("ready planned later", dict(willingness="ready", status="planned", planned_on=TODAY + timedelta(days=30))),
        ("finished ongoing", dict(willingness="not_yet", kind="living", status="ongoing")),
        ("ready willing", dict(willingness="ready", status="willing")),
        ("ready planned soon", dict(willingness="ready", status="planned", planned_on=TODAY + timedelta(days=10))),
        ("finished not possible", dict(willingness="ready", status="not_possible", not_possible_reason="Gone")),
        ("willing listed", dict(willingness="willing", status="listed")),
    ]
    entries = [make_entry(person, person_name=name, **kw) for name, kw in specs]
    order = [e.person_name for e in services.sort_by_readiness(entries)]
    assert order[:7] == ["ready planned soon", "ready planned later", "ready willing", "ready listed",
                         "willing planned", "willing listed", "not-yet listed"]
    assert set(order[7:]) == {"finished made", "finished ongoing", "finished not possible"}
    assert [e.person_name for e in services.sort_by_readiness(list(reversed(entries)))] == order
    # own_entries gives the same order, and only the owner's entries.
    make_entry(make_user("person"), person_name="someone else's")
    assert [e.person_name for e in services.own_entries(person)] == order


def test_overview_counts_every_status(app, person, make_user):
    """The overview counts entries per status, with zero for statuses not used."""
    make_entry(person, person_name="A")
    make_entry(person, person_name="B")
    make_entry(person, person_name="C", status="planned", planned_on=TODAY + timedelta(days=3))
    make_entry(person, person_name="D", kind="living", status="ongoing")
    make_entry(make_user("person"), person_name="Not mine", status="made")
    view = services.overview(person)
    assert view.counts == {"listed": 2, "willing": 0, "planned": 1, "made": 0, "ongoing": 1, "not_possible": 0}
    assert set(view.counts) == set(STATUSES)
    assert [e.person_name for e in view.entries] == ["C", "A", "B", "D"]
    assert view.next_step == services.suggest_next(view.entries)
    assert "C" in view.next_step
    assert view.openness == {}


def test_overview_of_an_empty_list(app, person):
    """With nothing written yet, every count is zero and the next step invites a first name."""
    view = services.overview(person)
    assert view.entries == [] and set(view.counts.values()) == {0}
    assert "one person" in view.next_step


def test_suggest_next_for_an_empty_list(app):
    """An empty list is met with an invitation to write down one name."""
    message = services.suggest_next([])
    assert "one person" in message and "name" in message


def test_suggest_next_names_the_planned_entry_first(app, person):
    """A planned entry comes before anything else, naming the soonest planned person."""
    entries = [make_entry(person, person_name="Alex", kind="undecided"),
               make_entry(person, person_name="Pat", status="planned", planned_on=TODAY + timedelta(days=20),
                          willingness="ready"),
               make_entry(person, person_name="Sam", status="planned", planned_on=TODAY + timedelta(days=2),
                          willingness="ready")]
    message = services.suggest_next(entries)
    assert "plan with Sam" in message
    assert "Alex" not in message and "Pat" not in message


def test_suggest_next_asks_about_an_undecided_kind(app, person):
    """Without a plan, an entry whose kind is undecided is named, with a nudge to the safety questions."""
    entries = [make_entry(person, person_name="Sam", willingness="ready"),
               make_entry(person, person_name="Alex", kind="undecided")]
    message = services.suggest_next(entries)
    assert "Alex" in message and "Sam" not in message
    assert "safety questions" in message


def test_suggest_next_for_a_ready_entry(app, person):
    """When one entry feels ready but has no plan yet, the next step is to add a date and steps."""
    entries = [make_entry(person, person_name="Sam", willingness="ready", status="willing"),
               make_entry(person, person_name="Pat", willingness="not_yet", kind="living")]
    message = services.suggest_next(entries)
    assert "ready" in message and "date" in message


def test_suggest_next_when_nothing_is_ready(app, person):
    """With open entries but nobody ready, the suggestion is to take one's time."""
    entries = [make_entry(person, person_name="Sam", willingness="not_yet"),
               make_entry(person, person_name="Pat", willingness="willing", kind="indirect")]
    assert "Take your time" in services.suggest_next(entries)


def test_suggest_next_when_everything_is_finished(app, person):
    """When every entry is made, ongoing or not possible, the list is recognised as worked through."""
    entries = [make_entry(person, person_name="Sam", status="made"),
               make_entry(person, person_name="Pat", kind="living", status="ongoing"),
               make_entry(person, person_name="Lee", kind="indirect", status="not_possible",
                          not_possible_reason="No address")]
    assert "worked through" in services.suggest_next(entries)


def test_suggest_next_ignores_the_kind_of_finished_entries(app, person):
    """A finished entry whose kind was never set doesn't bring back the "what kind fits" question."""
    entries = [make_entry(person, person_name="Grandpa", kind="undecided", status="not_possible",
                          not_possible_reason="He died before I got sober."),
               make_entry(person, person_name="Sam", kind="undecided", status="made")]
    message = services.suggest_next(entries)
    assert "Grandpa" not in message and "Sam" not in message
    assert "worked through" in message


# --- What a loved one sees: only the entries about them --------------------------------------------------


@pytest.fixture
def family(person, make_user, make_connection):
    """Jordan, connected to Sam and Pat, sharing amends with both, with entries about Sam, Pat and Alex."""
    sam = make_user("loved_one", name="Sam")
    pat = make_user("loved_one", name="Pat")
    to_sam = make_connection(person, sam, share={"amends"})
    to_pat = make_connection(person, pat, share={"amends"})
    about_sam = make_entry(person, person_name="Sam", connection_id=to_sam.id)
    about_pat = make_entry(person, person_name="Pat", connection_id=to_pat.id)
    about_alex = make_entry(person, person_name="Alex")
    return dict(sam=sam, pat=pat, to_sam=to_sam, to_pat=to_pat, about_sam=about_sam, about_pat=about_pat,
                about_alex=about_alex)


def entries_for(loved_one, connection):
    """The entries a loved one sees with a pass to the amends area of this connection."""
    return services.entries_about(door_pass(loved_one, connection, "amends"))


def test_entries_about_shows_only_the_entries_about_that_loved_one(app, person, family):
    """Sharing the amends area with Sam and Pat still shows each only the entries linked to them."""
    assert circle.areas_shared_with(family["sam"], family["to_sam"]) == ["amends"]
    assert circle.areas_shared_with(family["pat"], family["to_pat"]) == ["amends"]
    assert [e.id for e in entries_for(family["sam"], family["to_sam"])] == [family["about_sam"].id]
    assert [e.id for e in entries_for(family["pat"], family["to_pat"])] == [family["about_pat"].id]
    assert len(services.own_entries(person)) == 3


def test_entries_about_follows_the_link_when_it_changes(app, person, family):
    """Unlinking an entry hides it from that loved one; linking another shows it, in the order written."""
    second = make_entry(person, person_name="Sam (again)", connection_id=family["to_sam"].id)
    assert [e.id for e in entries_for(family["sam"], family["to_sam"])] == [family["about_sam"].id, second.id]
    services.update_entry(family["about_sam"], person, entry_input(connection_id=None), today=TODAY)
    services.update_entry(family["about_alex"], person, entry_input(person_name="Alex",
                                                                    connection_id=family["to_pat"].id), today=TODAY)
    db.session.commit()
    assert [e.id for e in entries_for(family["sam"], family["to_sam"])] == [second.id]
    assert {e.id for e in entries_for(family["pat"], family["to_pat"])} == {family["about_pat"].id,
                                                                       family["about_alex"].id}


def test_entries_about_ignores_other_peoples_entries(app, person, family, make_user, make_connection):
    """Another person's entries about Sam never appear on Jordan's connection with Sam, even if mislinked."""
    morgan = make_user("person", name="Morgan")
    morgan_to_sam = make_connection(morgan, family["sam"], share={"amends"})
    morgans = make_entry(morgan, person_name="Sam", connection_id=morgan_to_sam.id)
    # A row pointing at Jordan's connection but owned by Morgan (only possible by bypassing the services).
    stray = AmendsEntry(owner_id=morgan.id, person_name="Sam", connection_id=family["to_sam"].id)
    db.session.add(stray)
    db.session.commit()
    assert [e.id for e in entries_for(family["sam"], family["to_sam"])] == [family["about_sam"].id]
    assert [e.id for e in entries_for(family["sam"], morgan_to_sam)] == [morgans.id]


def test_ended_connection_keeps_the_filter_and_loses_the_grant(app, person, family):
    """Ending Sam's connection removes the amends grant (the caller's gate); the filter still only matches Sam."""
    circle.end_connection(person, family["to_sam"])
    db.session.commit()
    assert circle.areas_shared_with(family["sam"], family["to_sam"]) == []
    assert circle.shared_areas(family["to_sam"], person.id) == set()
    assert [e.id for e in entries_for(family["sam"], family["to_sam"])] == [family["about_sam"].id]
    assert [e.id for e in entries_for(family["pat"], family["to_pat"])] == [family["about_pat"].id]


# --- Openness --------------------------------------------------------------------------------------------


def test_set_openness_creates_then_updates_one_row(app, person, make_user, make_connection):
    """A loved one's answer is one row per pair, changed in place; conditions are trimmed."""
    sam = make_user("loved_one", name="Sam")
    make_connection(person, sam)
    row = services.set_openness(sam, person.id, "not_yet", "  Not before the holidays.  ")
    db.session.commit()
    assert (row.owner_id, row.person_id, row.status, row.conditions) == (sam.id, person.id, "not_yet",
                                                                         "Not before the holidays.")
    again = services.set_openness(sam, person.id, "yes", "")
    db.session.commit()
    assert again.id == row.id
    assert count(AmendsOpenness) == 1
    db.session.expire_all()
    stored = services.openness_of(sam.id, person.id)
    assert (stored.status, stored.conditions) == ("yes", "")


def test_openness_is_per_person(app, person, make_user, make_connection):
    """A loved one supporting two people gives each their own answer."""
    sam = make_user("loved_one", name="Sam")
    morgan = make_user("person", name="Morgan")
    make_connection(person, sam)
    make_connection(morgan, sam)
    services.set_openness(sam, person.id, "not_yet", "")
    services.set_openness(sam, morgan.id, "yes", "")
    db.session.commit()
    assert services.openness_of(sam.id, person.id).status == "not_yet"
    assert services.openness_of(sam.id, morgan.id).status == "yes"
    assert services.openness_of(person.id, sam.id) is None
    assert services.openness_of(sam.id, 999_999) is None


@pytest.mark.parametrize("status", ["", "maybe", "Yes", "never"])
def test_set_openness_refuses_unknown_answers(app, person, make_user, make_connection, status):
    """Only the listed answers can be given."""
    sam = make_user("loved_one")
    make_connection(person, sam)
    with pytest.raises(Refused) as refused:
        services.set_openness(sam, person.id, status, "")
    assert refused.value.field == "status"
    assert count(AmendsOpenness) == 0


def test_set_openness_needs_a_live_connection(app, person, make_user, make_connection):
    """Someone not connected, an ended connection and a person in recovery all get "not found"."""
    stranger = make_user("loved_one")
    former = make_user("loved_one")
    circle.end_connection(person, make_connection(person, former))
    sam = make_user("loved_one")
    paused = make_connection(person, sam)
    circle.pause_connection(sam, paused)
    morgan = make_user("person")
    make_connection(morgan, make_user("loved_one"))
    db.session.commit()
    for user, person_id in ((stranger, person.id), (former, person.id), (person, person.id),
                            (morgan, person.id), (person, sam.id)):
        with pytest.raises(LookupError):
            services.set_openness(user, person_id, "yes", "")
    assert count(AmendsOpenness) == 0
    # Pausing isn't ending: a paused loved one can still say where they stand.
    assert services.set_openness(sam, person.id, "maybe_later", "").status == "maybe_later"


def test_openness_by_connection_in_one_query(app, person, make_user, make_connection):
    """Each live connection maps to its loved one's answer, in a single query; others are left out."""
    sam, pat, lee, kim = (make_user("loved_one", name=n) for n in ("Sam", "Pat", "Lee", "Kim"))
    to_sam = make_connection(person, sam)
    to_pat = make_connection(person, pat)
    make_connection(person, kim)  # Kim never answered
    to_lee = make_connection(person, lee)
    morgan = make_user("person")
    make_connection(morgan, sam)
    services.set_openness(sam, person.id, "not_yet", "")
    services.set_openness(pat, person.id, "yes", "")
    services.set_openness(lee, person.id, "maybe_later", "")
    services.set_openness(sam, morgan.id, "yes", "")
    circle.end_connection(lee, to_lee)
    db.session.commit()
    person_id = person.id  # load before counting

    with captured_statements() as statements:
        mapping = services.openness_by_connection(person)
        statuses = {cid: row.status for cid, row in mapping.items()}
    assert len(selects(statements)) == 1
    assert statuses == {to_sam.id: "not_yet", to_pat.id: "yes"}
    assert all(row.person_id == person_id for row in mapping.values())
    assert services.openness_by_connection(morgan)[circle.connections_of(morgan)[0].id].status == "yes"


