"""The library of guided conversations: one TOML file per script, checked against a schema at start-up.

A counsellor can add a script by adding a file to recovery/conversations/scripts/ — no Python.
A file that breaks the schema stops the app from starting with an error that names the file
and the field, so a broken script can never reach a person right before a hard talk.

The schema, field by field (every text is plain words, grade 8 or lower):

    id = "making-an-amends"        # lowercase words joined by hyphens; the file is <id>.toml
    title = "Making an amends"
    role = "person"                # "person" (in recovery) or "loved_one"
    summary = "One line for the library list."
    purpose = "What this conversation is for."
    framework = "The approach it follows, e.g. apology research, CRAFT, DEAR MAN."   # optional
    links_to = "amends"            # optional: "amends" or "boundary", for prefilling
    when_to_use = ["…", …]         # at least one
    when_not = ["…", …]            # at least one; must say to wait or get help if someone is
                                   # intoxicated, angry or in danger
    prepare = ["a question to think about first", …]       # at least two
    if_it_goes_badly = ["…", …]    # at least one, and one of them must point to safety: leave if
                                   # unsafe, emergency services, a crisis line (never a number:
                                   # the page shows the lines for the user's country)
    after_care = ["…", …]          # at least one

    [[steps]]                      # at least three, in order
    key = "opening"                # unique within the script; names the fill-in
    title = "Start gently"
    guide = "What to do in this step."
    prompt = "The fill-in question the person answers."
    example = "An example answer."              # optional
    prefill = "amends.what_happened"            # optional: where to prefill the fill-in from

    [[try]]                        # at least three phrases to try, each with why
    phrase = "…"
    why = "…"

    [[avoid]]                      # at least three phrases to avoid, each with why
    phrase = "…"
    why = "…"

Prefill sources: amends.person_name, amends.what_happened, amends.impact, amends.my_part,
boundary.situation, boundary.my_action, boundary.need, boundary.request, connection.name.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCRIPTS_DIR = Path(__file__).resolve().parent / "scripts"
ROLES = ("person", "loved_one")
LINKS = ("amends", "boundary")
PREFILL_SOURCES = (
    "amends.person_name", "amends.what_happened", "amends.impact", "amends.my_part",
    "boundary.situation", "boundary.my_action", "boundary.need", "boundary.request", "connection.name",
)
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class ScriptError(Exception):
    """A script file breaks the schema; the message names the file and the field."""


@dataclass(frozen=True)
class Step:
    """One step of a conversation, with its fill-in."""

    key: str
    title: str
    guide: str
    prompt: str
    example: str = ""
    prefill: str = ""


@dataclass(frozen=True)
class Phrase:
    """A phrase to try or to avoid, and why."""

    phrase: str
    why: str


@dataclass(frozen=True)
class Script:
    """A guided conversation."""

    id: str
    title: str
    role: str
    summary: str
    purpose: str
    when_to_use: tuple[str, ...]
    when_not: tuple[str, ...]
    prepare: tuple[str, ...]
    steps: tuple[Step, ...]
    try_: tuple[Phrase, ...]
    avoid: tuple[Phrase, ...]
    if_it_goes_badly: tuple[str, ...]
    after_care: tuple[str, ...]
    framework: str = ""
    links_to: str = ""
    language: str = "en"  # the language it is written in (a guide not yet in the reader's is shown in English)

    def all_text(self) -> str:
        """Every sentence of the script, for readability and word checks."""
        parts = [self.title, self.summary, self.purpose, self.framework, *self.when_to_use, *self.when_not,
                 *self.prepare, *self.if_it_goes_badly, *self.after_care]
        for s in self.steps:
            parts += [s.title, s.guide, s.prompt, s.example]
        for p in (*self.try_, *self.avoid):
            parts += [p.phrase, p.why]
        return "\n".join(p for p in parts if p)


def _text(data: dict, field: str, where: str, required: bool = True, max_len: int = 1500) -> str:
    value = data.get(field, "")
    if value == "" and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise ScriptError(f"{where}: field '{field}' must be non-empty text")
    if len(value) > max_len:
        raise ScriptError(f"{where}: field '{field}' is longer than {max_len} characters")
    return value.strip()


def _texts(data: dict, field: str, where: str, minimum: int) -> tuple[str, ...]:
    value = data.get(field)
    if not isinstance(value, list) or len(value) < minimum:
        raise ScriptError(f"{where}: field '{field}' must be a list of at least {minimum} text(s)")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise ScriptError(f"{where}: field '{field}[{i}]' must be non-empty text")
    return tuple(v.strip() for v in value)


def _phrases(data: dict, field: str, where: str) -> tuple[Phrase, ...]:
    value = data.get(field)
    if not isinstance(value, list) or len(value) < 3:
        raise ScriptError(f"{where}: field '{field}' must list at least 3 phrases, each with 'phrase' and 'why'")
    return tuple(Phrase(_text(p, "phrase", f"{where} {field}[{i}]"), _text(p, "why", f"{where} {field}[{i}]"))
                 for i, p in enumerate(value) if isinstance(p, dict) or _bad(where, f"{field}[{i}]"))


def _bad(where: str, field: str):
    raise ScriptError(f"{where}: field '{field}' must be a table with 'phrase' and 'why'")


ALLOWED = {"id", "title", "role", "summary", "purpose", "framework", "links_to", "when_to_use", "when_not",
           "prepare", "if_it_goes_badly", "after_care", "steps", "try", "avoid"}
STEP_FIELDS = {"key", "title", "guide", "prompt", "example", "prefill"}
# (per language: a guide in Spanish says the same in Spanish words)
SAFETY_WORDS = {
    "en": ("drunk", "high", "intoxicated", "under the influence", "drinking or using", "angry", "danger", "unsafe",
           "violent"),
    "es": ("bebido", "consumido", "bajo los efectos", "enojo", "enojad", "peligro", "a salvo", "violen"),
}
# One line of "if it goes badly" must point to safety with one of these.
SAFETY_POINTERS = {
    "en": ("emergency", "crisis line", "unsafe", "not safe", "danger"),
    "es": ("emergencia", "línea de crisis", "peligro", "a salvo", "no es seguro"),
}


def parse(path: Path, language: str = "en") -> Script:
    """Read and check one script file written in `language`; raise ScriptError naming the file and the field."""
    where = path.name if language == "en" else f"{language}/{path.name}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScriptError(f"{where}: not valid TOML ({exc})") from exc
    unknown = set(data) - ALLOWED
    if unknown:
        raise ScriptError(f"{where}: unknown field '{sorted(unknown)[0]}'")
    script_id = _text(data, "id", where, max_len=60)
    if not ID_PATTERN.match(script_id):
        raise ScriptError(f"{where}: field 'id' must be lowercase words joined by hyphens")
    if path.stem != script_id:
        raise ScriptError(f"{where}: field 'id' must match the file name ('{path.stem}')")
    role = _text(data, "role", where)
    if role not in ROLES:
        raise ScriptError(f"{where}: field 'role' must be one of {', '.join(ROLES)}")
    links_to = data.get("links_to", "")
    if links_to and links_to not in LINKS:
        raise ScriptError(f"{where}: field 'links_to' must be one of {', '.join(LINKS)}")
    when_not = _texts(data, "when_not", where, 1)
    if not any(word in " ".join(when_not).lower() for word in SAFETY_WORDS[language]):
        raise ScriptError(f"{where}: field 'when_not' must say not to talk when someone is intoxicated, "
                          "angry or in danger")
    if_it_goes_badly = _texts(data, "if_it_goes_badly", where, 1)
    if not any(word in line.lower() for line in if_it_goes_badly for word in SAFETY_POINTERS[language]):
        raise ScriptError(f"{where}: field 'if_it_goes_badly' must point to safety: say to leave if unsafe, "
                          "or to call emergency services or a crisis line")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or len(raw_steps) < 3:
        raise ScriptError(f"{where}: field 'steps' must list at least 3 steps")
    steps, keys = [], set()
    for i, raw in enumerate(raw_steps):
        at = f"{where} steps[{i}]"
        if not isinstance(raw, dict):
            raise ScriptError(f"{at}: must be a table")
        extra = set(raw) - STEP_FIELDS
        if extra:
            raise ScriptError(f"{at}: unknown field '{sorted(extra)[0]}'")
        key = _text(raw, "key", at, max_len=40)
        if not KEY_PATTERN.match(key) or key in keys:
            raise ScriptError(f"{at}: field 'key' must be unique, lowercase letters, digits or _")
        keys.add(key)
        prefill = raw.get("prefill", "")
        if prefill and prefill not in PREFILL_SOURCES:
            raise ScriptError(f"{at}: field 'prefill' must be one of {', '.join(PREFILL_SOURCES)}")
        steps.append(Step(key, _text(raw, "title", at, max_len=120), _text(raw, "guide", at),
                          _text(raw, "prompt", at, max_len=300), _text(raw, "example", at, required=False),
                          prefill))
    return Script(
        id=script_id, title=_text(data, "title", where, max_len=120), role=role,
        summary=_text(data, "summary", where, max_len=300), purpose=_text(data, "purpose", where),
        when_to_use=_texts(data, "when_to_use", where, 1), when_not=when_not,
        prepare=_texts(data, "prepare", where, 2), steps=tuple(steps),
        try_=_phrases(data, "try", where), avoid=_phrases(data, "avoid", where),
        if_it_goes_badly=if_it_goes_badly,
        after_care=_texts(data, "after_care", where, 1),
        framework=_text(data, "framework", where, required=False), links_to=links_to, language=language,
    )


def load_all(directory: Path | None = None, language: str = "en") -> dict[str, Script]:
    """Load every script in a folder (the library's by default), failing loudly on the first broken one."""
    directory = directory or (SCRIPTS_DIR if language == "en" else SCRIPTS_DIR / language)
    scripts = {}
    for path in sorted(directory.glob("*.toml")):
        script = parse(path, language)
        scripts[script.id] = script
    return scripts


def check_translation(translated: Script, english: Script) -> None:
    """A guide in another language is the English one in other words: the same role, links and steps (a plan's
    answers are kept by step key, whatever language it is read in). Raise ScriptError naming what differs."""
    where = f"{translated.language}/{translated.id}.toml"
    if (translated.role, translated.links_to) != (english.role, english.links_to):
        raise ScriptError(f"{where}: 'role' and 'links_to' must be the English guide's")
    if [(s.key, s.prefill) for s in translated.steps] != [(s.key, s.prefill) for s in english.steps]:
        raise ScriptError(f"{where}: 'steps' must have the English guide's keys and prefills, in its order")


@lru_cache(maxsize=None)
def _library(language: str) -> dict[str, Script]:
    english = load_all()
    if language == "en":
        return english
    translated = load_all(language=language) if (SCRIPTS_DIR / language).is_dir() else {}
    for script_id, script in translated.items():
        if script_id not in english:
            raise ScriptError(f"{language}/{script_id}.toml: there is no English guide with this id")
        check_translation(script, english[script_id])
    # A guide not yet written in this language is offered in English (its page says so).
    return {script_id: translated.get(script_id, script) for script_id, script in english.items()}


def library(language: str | None = None) -> dict[str, Script]:
    """Return the checked scripts in `language` (by default the page's), English where one isn't written in it
    yet; each language is loaded once per process."""
    return _library(language or _page_language())


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """The languages some guide is written in."""
    return ("en", *sorted(p.name for p in SCRIPTS_DIR.iterdir() if p.is_dir() and any(p.glob("*.toml"))))


def forget() -> None:
    """Forget the loaded guides (a test that changes the folder)."""
    _library.cache_clear()
    languages.cache_clear()


def _page_language() -> str:
    from flask import has_app_context

    from recovery.i18n import page_language

    if not has_app_context():  # a script or a test outside the app: the guides as written
        return "en"
    language = page_language()
    return language if language in languages() else "en"


def for_role(role: str) -> list[Script]:
    """Return the scripts written for one role, by title."""
    return sorted((s for s in library().values() if s.role == role), key=lambda s: s.title)


def get(script_id: str) -> Script | None:
    """Return one script, or None."""
    return library().get(script_id)
