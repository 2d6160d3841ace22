"""SECURITY.md 31 (issue 14, item 11): odd ids in URLs and query strings answer 404 (or the page), never 500.

A 23-digit id used to overflow SQLite's integers (OverflowError) and PostgreSQL's INTEGER (DataError),
and `?amends=²` passed str.isdigit() and then failed int(). One URL converter now bounds every
`<int:...>` argument, and one parser reads ids from query strings.
"""

from __future__ import annotations

import re

import pytest

from recovery.converters import MAX_ID, IdConverter, parse_id
from tests.security.world import walked_rules

HUGE = "9" * 23
# Values for the other, string arguments of rules that also take an id.
OTHER_ARGUMENTS = {"area": "tracker", "action": "pause", "day": "2024-01-01", "script_id": "making-an-amends",
                   "token": "x" * 43}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _id_rules(app):
    return [rule for rule in walked_rules(app) if any(conv == "int" for conv, _ in _ARGUMENT.findall(rule.rule))]


def _path(rule, id_text: str) -> str:
    return _ARGUMENT.sub(lambda m: id_text if m.group(1) == "int" else OTHER_ARGUMENTS.get(m.group(2), "x"),
                         rule.rule)


@pytest.fixture
def clients(app, make_user, make_connection, as_user):
    """A signed-in person and a signed-in loved one, connected and sharing everything."""
    person, loved = make_user("person"), make_user("loved_one")
    make_connection(person, loved, share={"tracker", "amends", "boundaries"})
    return {"person": as_user(person), "loved_one": as_user(loved)}


def test_every_id_route_uses_the_bounded_converter(app):
    """One converter, not per route: every rule's `<int:...>` argument is an IdConverter."""
    rules = _id_rules(app)
    assert len(rules) > 20
    for rule in rules:
        for name, converter in rule._converters.items():
            if f"<int:{name}>" in rule.rule:
                assert isinstance(converter, IdConverter), rule.rule


@pytest.mark.parametrize("role", ["person", "loved_one"])
@pytest.mark.parametrize("id_text", [HUGE, str(MAX_ID + 1), "0", "007", "٣", "-1"],
                         ids=["23-digits", "2**31", "zero", "leading-zeros", "arabic-indic-three", "negative"])
def test_out_of_range_ids_are_404_on_every_route(app, clients, role, id_text):
    """SECURITY.md 31: every `<int:>` rule, GET and POST, as each role, with an id no record can have → 404."""
    client = clients[role]
    answers = {}
    for rule in _id_rules(app):
        path = _path(rule, id_text)
        for method in ("GET", "POST"):
            answers[(method, path)] = client.open(path, method=method).status_code
    assert {key: code for key, code in answers.items() if code != 404} == {}


@pytest.mark.parametrize("role", ["person", "loved_one"])
def test_the_largest_id_reaches_the_route_and_is_not_found(app, clients, role):
    """The top of the range still routes (and overflows nothing): the answer is the route's own, never 500."""
    client = clients[role]
    for rule in _id_rules(app):
        path = _path(rule, str(MAX_ID))
        for method in ("GET", "POST"):
            code = client.open(path, method=method).status_code
            assert code < 500, (method, path, code)


@pytest.mark.parametrize("role", ["person", "loved_one"])
@pytest.mark.parametrize("query", ["amends=²", "amends=99999999999999999999", "boundary=-1", "boundary=²",
                                   f"boundary={MAX_ID + 1}", f"amends={MAX_ID}", "amends=", "amends=1.5"])
def test_odd_ids_in_the_query_string_never_500(app, clients, role, query):
    """SECURITY.md 31: `?amends=²` and friends on the pages that read ids from the query string: 200 or 404."""
    client = clients[role]
    for path in ("/talk/scripts/making-an-amends", "/talk/scripts/stating-a-boundary",
                 "/talk/scripts/hearing-a-boundary", "/tracker/commitments/new"):
        for method in ("GET", "POST"):
            code = client.open(f"{path}?{query}", method=method).status_code
            assert code in (200, 302, 303, 404, 422), (method, path, query, code)


@pytest.mark.parametrize(("text", "expected"), [
    ("1", 1), ("42", 42), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), (HUGE, None), ("0", None),
    ("007", None), ("²", None), ("٣", None), ("-1", None), ("+1", None), (" 1", None), ("1\n", None),
    ("", None), (None, None), ("1.0", None),
])
def test_parse_id(text, expected):
    """The one parser of ids from text: ASCII digits, 1 to 2**31 - 1, nothing else."""
    assert parse_id(text) == expected
