"""The amends safety check: every combination of the four answers, and advice that never blocks."""

import itertools
from datetime import date, timedelta

import pytest

from recovery.amends import services
from recovery.amends.models import SAFETY_QUESTIONS, AmendsEntry
from recovery.amends.safety import QUESTIONS, assess
from recovery.amends.services import EntryInput
from recovery.db import db

TODAY = date(2025, 3, 12)
KEYS = tuple(QUESTIONS)
# Each question answered yes (True), no (False) or not yet (None): 3^4 = 81 combinations.
COMBINATIONS = list(itertools.product((True, False, None), repeat=len(KEYS)))


def _label(values) -> str:
    return "-".join({True: "yes", False: "no", None: "unset"}[v] for v in values)


def _mentions_help(message: str) -> bool:
    lowered = message.lower()
    return "sponsor" in lowered or "counsellor" in lowered


def test_all_four_questions_are_asked_in_order():
    """The check asks exactly the four questions the entry stores, in the same order."""
    assert len(COMBINATIONS) == 81
    assert KEYS == SAFETY_QUESTIONS
    assert all(text.strip().endswith("?") for text in QUESTIONS.values())


@pytest.mark.parametrize("values", COMBINATIONS, ids=[_label(v) for v in COMBINATIONS])
def test_advice_for_every_combination(values):
    """Any "yes" discourages direct amends and suggests indirect or living ones; otherwise nothing is flagged."""
    answers = dict(zip(KEYS, values, strict=True))
    advice = assess(answers)
    any_yes = True in values
    answered = sum(v is not None for v in values)

    assert advice.answered == answered
    assert advice.complete is (answered == 4)
    assert advice.concerns == tuple(k for k, v in answers.items() if v is True)
    assert advice.discourage_direct is any_yes
    assert advice.talk_first is any_yes
    assert advice.suggest == (("indirect", "living") if any_yes else ())
    assert advice.no_contact is (answers["safety_no_contact"] is True)

    if advice.no_contact:
        # Not advice: it says plainly that contact would break it, and can be a crime.
        assert "court order" in advice.messages[0].lower()
        assert "would break it" in advice.messages[0] and "crime" in advice.messages[0]
        assert "not a choice" in advice.messages[0]
    else:
        assert not any("court order" in m.lower() for m in advice.messages)

    unsure = 4 - answered
    assert advice.unsure == unsure
    about_unsure = [m for m in advice.messages if "not sure yet" in m]
    if any_yes:
        assert advice.messages, "concerning answers must come with an explanation"
        assert any("indirect" in m.lower() and "living" in m.lower() for m in advice.messages)
        assert any(_mentions_help(m) for m in advice.messages)
    elif answered == 4:
        assert len(advice.messages) == 1
        assert _mentions_help(advice.messages[0])
        assert "harm" in advice.messages[0].lower()
    elif answered == 0:
        assert advice.messages == ()  # never answered: the entry page explains what "not sure" means
    else:
        # "Not sure yet" is explained: a reason to wait, so hold off on direct contact and talk it over.
        assert len(advice.messages) == 1
        assert "hold off on direct contact" in advice.messages[0] and _mentions_help(advice.messages[0])
    if 0 < answered < 4 or (any_yes and unsure):
        # Said once, in words: how many, that not knowing means waiting to find out, and who can help.
        assert len(about_unsure) == 1, advice.messages
        assert ("one question" if unsure == 1 else f"{unsure} questions") in about_unsure[0]
        assert "reason to wait and find out" in about_unsure[0] and _mentions_help(about_unsure[0])
        if any_yes:
            # It never reopens contact an answer closed, or that a "yes" discouraged.
            assert "contact" not in about_unsure[0].lower()
    else:
        assert about_unsure == []


def test_missing_keys_count_as_unanswered():
    """Answers left out of the dict are treated as "not yet", never as yes or no."""
    advice = assess({})
    assert advice.answered == 0 and not advice.complete
    assert not advice.discourage_direct and advice.messages == ()
    partial = assess({"safety_for_me": False})
    assert partial.answered == 1 and not partial.complete and not partial.discourage_direct
    assert "“not sure yet” to 3 questions" in partial.messages[0]


def _direct(**overrides) -> EntryInput:
    data = dict(person_name="Sam", connection_id=None, relationship="", what_happened="I lied about money.",
                impact="", my_part="", kind="direct", willingness="ready", status="listed",
                not_possible_reason="", planned_on=None)
    data.update(overrides)
    return EntryInput(**data)


# Every concern except a no-contact order or request: advice, never a block.
CONCERNING = [(True, False, False, False), (False, True, False, False), (False, False, False, True),
              (True, True, False, True)]
NO_CONTACT = [(False, False, True, False), (True, True, True, True), (None, None, True, None)]


@pytest.mark.parametrize("values", CONCERNING, ids=[_label(v) for v in CONCERNING])
def test_advice_never_blocks_a_direct_amends(app, make_user, values):
    """After answers that discourage direct contact (but no order), a direct, planned amends can still be saved."""
    person = make_user("person", name="Jordan")
    entry = services.create_entry(person, _direct(), today=TODAY)
    advice = services.save_safety(entry, dict(zip(KEYS, values, strict=True))).advice
    db.session.commit()
    assert advice.discourage_direct

    planned = _direct(status="planned", planned_on=TODAY + timedelta(days=14))
    services.update_entry(entry, person, planned, today=TODAY)
    db.session.commit()
    # A second direct entry for the same person is also accepted after the advice.
    again = services.create_entry(person, _direct(person_name="Sam again"), today=TODAY)
    db.session.commit()

    db.session.expire_all()
    stored = db.session.get(AmendsEntry, entry.id)
    assert (stored.kind, stored.status, stored.planned_on) == ("direct", "planned", TODAY + timedelta(days=14))
    assert services.answers_of(stored) == dict(zip(KEYS, values, strict=True))
    assert db.session.get(AmendsEntry, again.id).kind == "direct"


@pytest.mark.parametrize("values", NO_CONTACT, ids=[_label(v) for v in NO_CONTACT])
def test_a_no_contact_order_closes_direct_amends(app, make_user, values):
    """A court order or a clear request for no contact is not advice: direct amends is closed for that entry."""
    from recovery.errors import Refused

    person = make_user("person", name="Jordan")
    entry = services.create_entry(person, _direct(status="planned", planned_on=TODAY + timedelta(days=3)),
                                  today=TODAY)
    services.add_step(entry, "Call him on Sunday")
    services.add_step(entry, "Save up the money")
    saved = services.save_safety(entry, dict(zip(KEYS, values, strict=True)))
    db.session.commit()
    assert saved.direct_closed and saved.advice.no_contact
    assert saved.steps_removed == 1  # "Call him on Sunday"; saving money needs no contact
    stored = db.session.get(AmendsEntry, entry.id)
    assert stored.kind == "undecided"
    assert [s.text for s in stored.steps] == [*services.SUGGESTED_STEPS, "Save up the money"]
    with pytest.raises(Refused) as refused:
        services.update_entry(stored, person, _direct(), today=TODAY)
    assert refused.value.field == "kind" and "court order" in refused.value.message
    db.session.rollback()
    with pytest.raises(Refused):
        services.add_step(db.session.get(AmendsEntry, entry.id), "Visit him at work")
    db.session.rollback()
    # Indirect and living amends stay open.
    services.update_entry(db.session.get(AmendsEntry, entry.id), person, _direct(kind="indirect"), today=TODAY)
    db.session.commit()
    assert db.session.get(AmendsEntry, entry.id).kind == "indirect"
