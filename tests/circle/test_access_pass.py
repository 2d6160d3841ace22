"""The door hands out a pass (Access); every loader of another person's records takes one and checks its area."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from recovery.amends import services as amends
from recovery.boundaries import services as boundaries
from recovery.circle.permissions import Access, shared_through
from recovery.circle.shared import SHARED_VIEWS
from recovery.conversations import services as conversations
from recovery.db import db
from recovery.tracker import checkins, commitments, journey, pages
from recovery.trust import services as trust
from tests.factories import door_pass
from tests.queries import captured_statements

ROOT = Path(__file__).resolve().parent.parent.parent

# Every loader of another person's records, with the area its pass must be for and a call that reads.
LOADERS = {
    "tracker commitment": ("tracker", lambda a: commitments.load_shared_commitment(a, 1)),
    "tracker commitment of a check-in": ("tracker", lambda a: commitments.load_shared_commitment_of_checkin(a, 1)),
    "tracker confirmation": ("tracker", lambda a: checkins.confirm(a, 1, "saw")),
    "tracker overview": ("tracker", lambda a: pages.shared_overview(a, commitments.today_for(a.owner))),
    "milestones": ("milestones", journey.shared_journey),
    "amends entries": ("amends", amends.entries_about),
    "boundaries": ("boundaries", boundaries.shared_boundaries),
    "one boundary": ("boundaries", lambda a: boundaries.load_shared(a, 1)),
    "talk plans": ("conversations", conversations.shared_plans),
    "one talk plan": ("conversations", lambda a: conversations.load_shared(a, 1)),
    "trust check-ins": ("trust", trust.shared_trust_for),
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_a_loader_refuses_a_pass_to_another_area(app, make_user, make_connection, name):
    """A pass the door gave for one area opens no other: the loader answers "not found" before it reads."""
    area, load = LOADERS[name]
    person, loved_one = make_user("person"), make_user("loved_one")
    connection = make_connection(person, loved_one, share={"tracker", "amends", "milestones"},
                                 loved_one_shares={"trust"})
    viewer = person if area == "trust" else loved_one
    wrong = next(other for other in ("tracker", "amends", "boundaries", "conversations", "milestones", "trust")
                 if other != area)
    wrong_area, right_area = door_pass(viewer, connection, wrong), door_pass(viewer, connection, area)
    db.session.flush()
    with captured_statements() as wrong_pass, pytest.raises(LookupError):
        load(wrong_area)
    assert wrong_pass == []  # refused before reading anything
    with captured_statements() as right_pass:
        try:
            load(right_area)
        except LookupError:
            pass  # record 1 may not exist; what matters is that the right pass lets the loader read
    assert right_pass


def test_the_door_hands_out_a_pass_naming_who_sees_what(app, make_user, make_connection):
    person, loved_one = make_user("person"), make_user("loved_one")
    connection = make_connection(person, loved_one, share={"tracker"})
    access = shared_through(loved_one, connection.id, "tracker")
    assert (access.viewer, access.owner, access.connection, access.area) == (loved_one, person, connection, "tracker")
    assert access.require("tracker") is connection


def test_only_the_door_makes_passes():
    """No module but circle/permissions.py builds an Access: a page can't write itself a pass."""
    makers = []
    for path in sorted((ROOT / "recovery").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Access":
                makers.append(str(path.relative_to(ROOT)))
    assert makers == ["recovery/circle/permissions.py"]


def test_every_shared_area_view_is_handed_the_pass_alone():
    """The shared-area route gives each registered view only the door's pass, nothing to load around it with."""
    assert SHARED_VIEWS
    for area, view in SHARED_VIEWS.items():
        assert list(inspect.signature(view).parameters) == ["access"], area


@pytest.mark.parametrize("loader", [
    commitments.load_shared_commitment, commitments.load_shared_commitment_of_checkin, checkins.confirm,
    pages.shared_overview, journey.shared_journey, amends.entries_about, boundaries.shared_boundaries,
    boundaries.load_shared, conversations.shared_plans, conversations.load_shared, trust.shared_trust_for,
])
def test_every_loader_takes_a_pass_first(loader):
    first = next(iter(inspect.signature(loader).parameters.values()))
    assert first.name == "access" and first.annotation in ("Access", Access)
