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
        assert "order" in advice.messages[0].lower()
        assert "no-contact" in advice.messages[0].lower()
    else:
        assert not any("no-contact" in m.lower() for m in advice.messages)

    if any_yes:
        assert advice.messages, "concerning answers must come with an explanation"
        assert any("indirect" in m.lower() and "living" in m.lower() for m in advice.messages)
        assert any(_mentions_help(m) for m in advice.messages)
    elif answered == 4:
        assert len(advice.messages) == 1
        assert _mentions_help(advice.messages[0])
        assert "harm" in advice.messages[0].lower()
    else:
        assert advice.messages == ()


def test_missing_keys_count_as_unanswered():
    """Answers left out of the dict are treated as "not yet", never as yes or no."""
    advice = assess({})
    assert advice.answered == 0 and not advice.complete
    assert not advice.discourage_direct and advice.messages == ()
    partial = assess({"safety_for_me": False})
    assert partial.answered == 1 and not partial.complete and partial.messages == ()


def _direct(**overrides) -> EntryInput:
    data = dict(person_name="Sam", connection_id=None, relationship="", what_happened="I lied about money.",
                impact="", my_part="", kind="direct", willingness="ready", status="listed",
                not_possible_reason="", planned_on=None)
    data.update(overrides)
    return EntryInput(**data)


CONCERNING = [tuple(i == n for i in range(4)) for n in range(4)] + [(True, True, True, True)]


@pytest.mark.parametrize("values", CONCERNING, ids=[_label(v) for v in CONCERNING])
def test_advice_never_blocks_a_direct_amends(app, make_user, values):
    """After answers that discourage direct contact, a direct, planned amends can still be saved."""
    person = make_user("person", name="Jordan")
    entry = services.create_entry(person, _direct(), today=TODAY)
    advice = services.save_safety(entry, dict(zip(KEYS, values, strict=True)))
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
