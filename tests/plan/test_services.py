"""The plan for hard days' rules (recovery/plan/services.py): one plan per person, section by section."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON
from recovery.db import db, utcnow
from recovery.errors import NotFound, Refused
from recovery.plan import services
from recovery.plan.models import HardDaysPlan
from recovery.plan.sections import BY_KEY, MAX_LINES, SECTIONS, STEPS
from tests import factories

SIGNS, COPING, SAFER = BY_KEY["warning-signs"], BY_KEY["on-my-own"], BY_KEY["safer"]


def test_the_sections_follow_the_order_safety_plans_use():
    """Warning signs, triggers, coping alone, people and places, people to ask, professionals, a safer place,
    reasons; then the note for the people it is shared with. Every section has an example in our own words."""
    assert [s.key for s in STEPS] == ["warning-signs", "triggers", "on-my-own", "people-and-places",
                                      "people-to-ask", "professionals", "safer", "reasons"]
    assert SECTIONS[-1].key == "how-to-help" and SECTIONS[-1] not in STEPS
    assert all(s.example and s.ask and s.their for s in SECTIONS)
    assert {s.column for s in SECTIONS} == {c.name for c in HardDaysPlan.__table__.columns} - {
        "id", "owner_id", "created_at", "updated_at"}


def test_a_list_is_one_item_per_line_trimmed_and_bounded(app):
    assert services.lines_from("  Stop answering texts \n\n- Skip meals\r\n•  Stay up late  \n") == [
        "Stop answering texts", "Skip meals", "Stay up late"]
    assert services.lines_from("") == []
    with pytest.raises(Refused, match="12 lines"):
        services.lines_from("\n".join(f"line {i}" for i in range(MAX_LINES + 1)))
    with pytest.raises(Refused, match="200 characters") as refused:
        services.lines_from("short\n" + "x" * 201)
    assert refused.value.field == "items"


def test_one_plan_per_person_saved_one_section_at_a_time(app):
    person = factories.make_user(PERSON)
    assert services.plan_of(person) is None and services.is_empty(None)
    services.save_lines(person, SIGNS, "I stop answering texts.\nI skip meals.")
    services.save_lines(person, COPING, "Walk around the block.")
    services.save_note(person, "  Call me.\nDon't lecture.  ")
    db.session.commit()
    plans = db.session.scalars(sa.select(HardDaysPlan).where(HardDaysPlan.owner_id == person.id)).all()
    assert len(plans) == 1
    plan = plans[0]
    assert plan.warning_signs == ["I stop answering texts.", "I skip meals."]
    assert plan.coping == ["Walk around the block."] and plan.safer == []
    assert plan.how_to_help == "Call me.\nDon't lecture."
    assert services.filled(plan, SIGNS) and not services.filled(plan, SAFER)
    # Saving a section again replaces it; the other sections stay.
    services.save_lines(person, SIGNS, "")
    db.session.commit()
    assert plan.warning_signs == [] and plan.coping == ["Walk around the block."]


def test_only_a_person_in_recovery_keeps_a_plan(app):
    loved = factories.make_user(LOVED_ONE)
    with pytest.raises(NotFound):
        services.save_lines(loved, SIGNS, "Anything")
    with pytest.raises(NotFound):
        services.save_lines(factories.make_user(PERSON), BY_KEY["triggers"], "not a list section")


def test_triggers_keep_each_with_what_ill_do(app):
    person = factories.make_user(PERSON)
    services.save_triggers(person, [("Friday night", "Go straight home"), ("", ""), ("  Payday ", "")])
    assert services.plan_of(person).triggers == [{"trigger": "Friday night", "response": "Go straight home"},
                                                 {"trigger": "Payday", "response": ""}]
    with pytest.raises(Refused, match="what the trigger is"):
        services.save_triggers(person, [("", "Call Sam")])
    with pytest.raises(Refused, match="10"):
        services.save_triggers(person, [(f"t{i}", "") for i in range(11)])


def test_people_to_ask_come_from_my_circle_or_are_typed(app):
    jordan, sam, with_sam = factories.jordans_circle("Sam")
    services.save_helpers(jordan, [services.Person(with_sam.id, "typed names are ignored", "555 0100"),
                                   services.Person(None, "Alex, my sponsor", ""),
                                   services.Person(None, "", "")])
    assert services.plan_of(jordan).helpers == [
        {"name": "Sam", "phone": "555 0100", "connection_id": with_sam.id},
        {"name": "Alex, my sponsor", "phone": "", "connection_id": None}]
    with pytest.raises(Refused, match="who this number is for"):
        services.save_helpers(jordan, [services.Person(None, "", "555 0100")])
    with pytest.raises(Refused, match="numbers, spaces"):
        services.save_helpers(jordan, [services.Person(None, "Alex", "call me maybe")])


def test_someone_in_another_family_can_never_be_chosen(app):
    """Two families: Jordan can't put a connection of someone else's into his plan, nor one that has ended."""
    jordan, sam, with_sam = factories.jordans_circle("Sam")
    other_person = factories.make_user(PERSON, name="Riley")
    other_loved = factories.make_user(LOVED_ONE, name="Quinn")
    theirs = factories.make_connection(other_person, other_loved)
    with pytest.raises(Refused, match="from your circle"):
        services.save_helpers(jordan, [services.Person(theirs.id, "", "")])
    from recovery.circle import services as circle

    circle.end_connection(jordan, with_sam)
    with pytest.raises(Refused, match="from your circle"):
        services.save_helpers(jordan, [services.Person(with_sam.id, "", "")])
    assert services.plan_of(jordan) is None


def test_professionals_and_phone_links(app):
    person = factories.make_user(PERSON)
    services.save_professionals(person, [("Dr. Rivera, my counsellor", "+1 (555) 014-2"), ("The clinic", "")])
    assert services.plan_of(person).professionals == [{"name": "Dr. Rivera, my counsellor", "phone": "+1 (555) 014-2"},
                                                      {"name": "The clinic", "phone": ""}]
    links = services.phone_links("+1 (555) 014-2")
    assert (links.call, links.text) == ("tel:+15550142", "sms:+15550142")
    assert services.phone_links("") is None and services.phone_links("12") is None
    with pytest.raises(Refused, match="30 characters"):
        services.save_professionals(person, [("Clinic", "1" * 31)])


def test_the_note_is_bounded(app):
    person = factories.make_user(PERSON)
    with pytest.raises(Refused, match="1,500 characters"):
        services.save_note(person, "x" * 1501)


def test_a_review_is_due_three_months_after_the_last_save_or_read_through(app):
    person = factories.make_user(PERSON)
    assert not services.review_due(None)
    plan = services.save_lines(person, SIGNS, "I stop answering texts.")
    now = utcnow()
    assert not services.review_due(plan, now + timedelta(days=89))
    assert services.review_due(plan, now + timedelta(days=91))
    with pytest.raises(Refused):
        services.mark_read_through(factories.make_user(PERSON))  # nothing in it yet
    plan.updated_at = now - timedelta(days=100)
    services.mark_read_through(person)
    assert not services.review_due(plan) and utcnow() - plan.updated_at < timedelta(minutes=1)


def test_the_shared_plan_needs_a_pass_for_the_plan(app):
    """Only a pass the door gave for the "plan" area opens someone else's plan (404 for any other)."""
    jordan, sam, with_sam = factories.jordans_circle(("Sam", {"share": {"plan", "tracker"}}))
    services.save_lines(jordan, SIGNS, "I stop answering texts.")
    assert services.load_shared(factories.door_pass(sam, with_sam, "plan")).warning_signs == [
        "I stop answering texts."]
    with pytest.raises(NotFound):
        services.load_shared(factories.door_pass(sam, with_sam, "tracker"))
    assert services.readers(jordan) == ["Sam"]


def test_a_line_as_a_commitment_title_fits_the_tracker(app):
    assert services.commitment_title("Call my sponsor on Sundays.") == "Call my sponsor on Sundays"
    long = services.commitment_title("word " * 40)
    assert len(long) == 120 and long.endswith("…")
