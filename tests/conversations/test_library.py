"""The script library: every file validates, reads at grade 8 or below, and uses person-first words."""

import re
from pathlib import Path

import pytest
import textstat

from recovery.conversations import library
from recovery.conversations.library import SCRIPTS_DIR, ScriptError, load_all, parse

SCRIPT_FILES = sorted(SCRIPTS_DIR.glob("*.toml"))
# Stigmatizing words Mend never uses (person-first language; no "clean/dirty" for test results).
STIGMA = [r"\baddicts?\b", r"\bjunkies?\b", r"\babusers?\b", r"\balcoholics?\b", r"\bdrunks\b", r"\bclean\b",
          r"\bdirty\b", r"\bjunk\b", r"\bcrackheads?\b", r"\bstoners?\b", r"\bdruggies?\b", r"\bsubstance abuse\b",
          r"\bhabit\b", r"\brelapser\b"]


def test_library_has_every_required_conversation():
    """At least 16 scripts, seven for the person and nine for loved ones, covering the topics the product brief names,
    with a guide for saying and one for hearing a boundary in each role."""
    scripts = load_all()
    assert len(scripts) >= 16
    assert len(library.for_role("person")) >= 7 and len(library.for_role("loved_one")) >= 9
    assert {"ending-or-pausing-contact", "hearing-about-a-relapse", "saying-not-ready-yet"} <= set(scripts)
    assert {"stating-a-boundary", "hearing-a-boundary", "sharing-your-own-boundary",
            "hearing-their-boundary"} <= set(scripts)


@pytest.mark.parametrize("path", SCRIPT_FILES, ids=[p.stem for p in SCRIPT_FILES])
def test_every_script_validates(path):
    """Each file parses against the schema."""
    script = parse(path)
    assert script.id == path.stem


@pytest.mark.parametrize("path", SCRIPT_FILES, ids=[p.stem for p in SCRIPT_FILES])
def test_every_script_reads_at_grade_8_or_below(path):
    """Flesch-Kincaid grade of each script's whole text is 8 or lower."""
    grade = textstat.flesch_kincaid_grade(parse(path).all_text())
    assert grade <= 8, f"{path.name} reads at grade {grade}"


@pytest.mark.parametrize("path", SCRIPT_FILES, ids=[p.stem for p in SCRIPT_FILES])
def test_no_stigmatizing_words(path):
    """No script uses words like "addict", "junkie" or "clean/dirty"."""
    text = parse(path).all_text().lower()
    found = [w for w in STIGMA if re.search(w, text)]
    assert not found, f"{path.name} uses {found}"


def test_readability_check_can_fail():
    """The grade check really rejects dense text."""
    dense = ("Notwithstanding considerable interpersonal complications, comprehensive acknowledgement of "
             "responsibility facilitates reconciliation between individuals experiencing substantial emotional "
             "dysregulation.")
    assert textstat.flesch_kincaid_grade(dense) > 8


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_broken_file_names_the_file_and_the_field(tmp_path):
    """A script missing a field, or with a wrong value, fails with the file and the field named."""
    good = (SCRIPTS_DIR / "making-an-amends.toml").read_text()
    cases = {
        "missing-purpose": ("purpose = ", "purpos = "),
        "bad-role": ('role = "person"', 'role = "sponsor"'),
        "bad-prefill": ('prefill = "amends.impact"', 'prefill = "amends.secret"'),
    }
    for name, (old, new) in cases.items():
        text = good.replace('id = "making-an-amends"', f'id = "{name}"').replace(old, new, 1)
        with pytest.raises(ScriptError) as error:
            parse(_write(tmp_path, f"{name}.toml", text))
        message = str(error.value)
        assert message.startswith(f"{name}.toml")
        assert {"missing-purpose": "purpos", "bad-role": "'role'", "bad-prefill": "'prefill'"}[name] in message
    with pytest.raises(ScriptError, match="match the file name"):
        parse(_write(tmp_path, "other.toml", good))
    with pytest.raises(ScriptError, match="not valid TOML"):
        parse(_write(tmp_path, "broken.toml", "id = "))
    unsafe = good.replace("drinking or using, or if either of you is angry", "busy").replace(
        "put them, you or anyone else in danger", "be awkward")
    with pytest.raises(ScriptError, match="when_not"):
        parse(_write(tmp_path, "making-an-amends.toml", unsafe))


def test_a_broken_script_stops_the_app_starting(tmp_path, monkeypatch):
    """create_app refuses to start when a script is broken, naming the file."""
    from recovery import create_app

    _write(tmp_path, "bad-one.toml", 'id = "bad-one"\ntitle = "x"')
    monkeypatch.setattr(library, "SCRIPTS_DIR", tmp_path)
    library.forget()
    try:
        with pytest.raises(ScriptError, match="bad-one.toml"):
            create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    finally:
        library.forget()
