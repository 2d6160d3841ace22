"""The server's own local help list (instance/local_help.toml): checked at start-up, shown first."""

from __future__ import annotations

from pathlib import Path

import pytest

from recovery import create_app
from recovery.findhelp import local_list
from recovery.findhelp.demo import DEMO_LOCAL_HELP, write_demo_local_help
from recovery.findhelp.local_list import LocalHelpError, load, parse

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "local_help.example.toml"

GOOD = """
[[help]]
name = "Riverside Tuesday Night Group"
what = "An open AA meeting."
phone = "(212) 555-0143"
address = "14 Elm Street"
hours = "Tuesdays, 7 pm"
url = "https://example.org/riverside"
meeting = true
for = "person"

[[help]]
name = "Thursday Family Group"
what = "A Nar-Anon meeting."
meeting = true
for = "loved_one"

[[help]]
name = "Riverside Clinic"
what = "Counseling for families."
"""


def test_a_good_file_gives_its_entries_in_order():
    entries = parse(GOOD)
    assert [e.name for e in entries] == ["Riverside Tuesday Night Group", "Thursday Family Group", "Riverside Clinic"]
    first = entries[0]
    assert (first.key, first.phone, first.phone_href, first.meeting, first.who_for) == (
        "local-riverside-tuesday-night-group", "(212) 555-0143", "tel:2125550143", True, "person")
    assert (entries[2].meeting, entries[2].who_for, entries[2].phone) == (False, "both", "")


def test_each_role_sees_the_entries_for_it():
    entries = parse(GOOD)
    assert [e.name for e in entries if e.is_for("person")] == ["Riverside Tuesday Night Group", "Riverside Clinic"]
    assert [e.name for e in entries if e.is_for("loved_one")] == ["Thursday Family Group", "Riverside Clinic"]
    assert all(e.is_for(None) for e in entries)  # a visitor sees every entry


def test_the_documented_example_and_the_demo_list_are_valid():
    assert len(load(EXAMPLE)) == 3
    assert len(parse(DEMO_LOCAL_HELP)) == 4


def test_no_file_means_no_entries(tmp_path):
    assert load(tmp_path / "local_help.toml") == ()
    assert parse("") == ()


FIRST = {"name": '"Riverside Tuesday Night Group"', "what": '"An open AA meeting."', "phone": '"(212) 555-0143"'}


def _with_first(**changes) -> str:
    """A file whose first entry has these fields changed (None: left out), then a good second entry."""
    fields = {k: v for k, v in {**FIRST, **changes}.items() if v is not None}
    first = "\n".join(f"{k} = {v}" for k, v in fields.items())
    return f'[[help]]\n{first}\n\n[[help]]\nname = "Other"\nwhat = "Fine."\n'


@pytest.mark.parametrize(("changes", "named"), [
    ({"name": None}, "entry 1: field 'name' is missing"),
    ({"name": '"   "'}, "entry 1: field 'name' is missing"),
    ({"what": None}, "entry 1 (“Riverside Tuesday Night Group”): field 'what' is missing"),
    ({"phone": '"call Bob"'}, "entry 1 (“Riverside Tuesday Night Group”): field 'phone'"),
    ({"phone": '"12"'}, "entry 1 (“Riverside Tuesday Night Group”): field 'phone'"),
    ({"url": '"example.org"'}, "entry 1 (“Riverside Tuesday Night Group”): field 'url'"),
    ({"url": '"javascript:alert(1)"'}, "entry 1 (“Riverside Tuesday Night Group”): field 'url'"),
    ({"meeting": '"yes"'}, "entry 1 (“Riverside Tuesday Night Group”): field 'meeting'"),
    ({"for": '"sponsor"'}, "entry 1 (“Riverside Tuesday Night Group”): field 'for'"),
    ({"hours": "7"}, "entry 1 (“Riverside Tuesday Night Group”): field 'hours'"),
    ({"adress": '"12 Elm"'}, "entry 1 (“Riverside Tuesday Night Group”): unknown field 'adress'"),
    ({"what": '"' + "x" * 301 + '"'}, "entry 1 (“Riverside Tuesday Night Group”): field 'what' is longer"),
])
def test_a_broken_entry_names_the_entry_and_the_field(changes, named):
    """Each rule is checked, and the message says which entry and which field to fix."""
    assert len(parse(_with_first())) == 2  # the file is good without the change
    with pytest.raises(LocalHelpError) as error:
        parse(_with_first(**changes), label="local_help.toml")
    assert str(error.value).startswith("local_help.toml, ") and named in str(error.value), str(error.value)


def test_two_entries_with_the_same_name_are_refused():
    text = GOOD + '\n[[help]]\nname = "riverside clinic"\nwhat = "Again."\n'
    with pytest.raises(LocalHelpError, match=r"entry 4 \(“riverside clinic”\): field 'name'.*entry 3"):
        parse(text)


@pytest.mark.parametrize(("text", "message"), [
    ("[[help]\nname = 'x'", "not valid TOML"),
    ("[help]\nname = 'x'\nwhat = 'y'", r"\[\[help\]\]"),
    ("[[place]]\nname = 'x'", "unknown table 'place'"),
    ("help = ['x']", r"entry 1: must be a \[\[help\]\] table"),
    ("[[help]]\nname = '!!!'\nwhat = 'y'", "field 'name' needs at least one letter"),
    ("[[help]]\nname = '" + "x" * 81 + "'\nwhat = 'y'", "field 'name' is longer than 80"),
])
def test_a_broken_file_says_what_is_wrong(text, message):
    with pytest.raises(LocalHelpError, match=message):
        parse(text)


def test_a_broken_file_stops_start_up_naming_the_entry_and_field(tmp_path, monkeypatch):
    """Like a broken guide, a broken local list never reaches anyone: the app refuses to start."""
    (tmp_path / "local_help.toml").write_text(GOOD.replace('phone = "(212) 555-0143"', 'phone = "ring me"'))
    monkeypatch.setenv("MEND_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(LocalHelpError) as error:
        create_app({"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    message = str(error.value)
    assert "local_help.toml, entry 1 (“Riverside Tuesday Night Group”): field 'phone'" in message


def test_a_good_file_is_read_at_start_up(tmp_path, monkeypatch):
    (tmp_path / "local_help.toml").write_text(GOOD)
    monkeypatch.setenv("MEND_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        assert [e.name for e in local_list.entries()][:1] == ["Riverside Tuesday Night Group"]
        assert [e.name for e in local_list.entries("loved_one")] == ["Thursday Family Group", "Riverside Clinic"]


def test_without_a_file_the_app_starts_with_no_list(tmp_path, monkeypatch):
    monkeypatch.setenv("MEND_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        assert local_list.entries() == ()


def test_the_demo_writes_its_list_once_and_never_over_the_hosts(tmp_path):
    written = write_demo_local_help(tmp_path)
    assert written == tmp_path / "local_help.toml"
    assert len(load(written)) == 4
    written.write_text(GOOD)  # the host's own list from now on
    assert write_demo_local_help(tmp_path) is None
    assert written.read_text() == GOOD


def test_the_demo_list_has_meetings_for_both_roles_and_only_made_up_numbers():
    import re

    entries = parse(DEMO_LOCAL_HELP)
    assert any(e.meeting and e.is_for("person") for e in entries)
    assert any(e.meeting and e.is_for("loved_one") for e in entries)
    phones = [e.phone for e in entries if e.phone]
    assert phones and all(re.search(r"555-01\d\d$", p) for p in phones)
