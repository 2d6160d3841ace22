"""The server's own list of local help: `instance/local_help.toml`, optional, checked at start-up.

A self-hoster (a clinic, a recovery community centre) can list the groups and services near them;
"Find help near me" shows them first. The file is the host's data, so phone numbers in it are fine
(help-line numbers Mend itself shows still live only in recovery/helplines.py). A file that breaks
the rules below stops the app from starting with a message naming the entry and the field, the
way the conversation guides do, so a typo never reaches a person looking for help.

The file, field by field (every entry is a `[[help]]` table; see docs/local_help.example.toml):

    [[help]]
    name = "Riverside Tuesday group"   # required, up to 80 characters, unique in the file
    what = "An open AA meeting."       # required: what it is and who it is for, up to 300 characters
    phone = "(555) 010-0142"           # optional: digits, spaces and + - ( ) . only
    address = "12 Elm Street"          # optional, up to 200 characters
    hours = "Tuesdays, 7 to 8 pm"      # optional, up to 200 characters
    url = "https://example.org"        # optional: a web address starting with https:// or http://
    meeting = true                     # optional: a group that meets; offers "Add as a commitment"
    for = "both"                       # optional: "person", "loved_one" or "both" (the default)

No file, or a file with no entries: nothing is shown.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

FILE_NAME = "local_help.toml"
EXTENSION = "mend_local_help"
MAX_ENTRIES = 50
WHO_FOR = ("person", "loved_one", "both")
FIELDS = {"name", "what", "phone", "address", "hours", "url", "meeting", "for"}
PHONE = re.compile(r"^\+?[0-9(][0-9 ().\-]*[0-9]$")
URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


class LocalHelpError(RuntimeError):
    """The local help file breaks the rules; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class LocalEntry:
    """One place or group on the server's local list."""

    key: str  # "local-" and the name in lowercase words: names the entry in "Add as a commitment"
    name: str
    what: str
    phone: str = ""
    address: str = ""
    hours: str = ""
    url: str = ""
    meeting: bool = False
    who_for: str = "both"

    @property
    def phone_href(self) -> str:
        """The tel: link for the phone number."""
        return "tel:" + re.sub(r"[^0-9+]", "", self.phone) if self.phone else ""

    def is_for(self, role: str | None) -> bool:
        """Whether to show it to someone in this role (None: a visitor, who sees everything)."""
        return role is None or self.who_for in ("both", role)


def slug(name: str) -> str:
    """The name as lowercase words joined by hyphens: "St. Mark's Group" -> "st-mark-s-group"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _text(raw: dict, field: str, where: str, max_len: int, required: bool = False) -> str:
    value = raw.get(field, "")
    if not isinstance(value, str):
        raise LocalHelpError(f"{where}: field '{field}' must be text in quotes")
    value = " ".join(value.split())
    if required and not value:
        raise LocalHelpError(f"{where}: field '{field}' is missing or empty")
    if len(value) > max_len:
        raise LocalHelpError(f"{where}: field '{field}' is longer than {max_len} characters")
    return value


def _entry(raw, number: int, label: str) -> LocalEntry:
    where = f"{label}, entry {number}"
    if not isinstance(raw, dict):
        raise LocalHelpError(f"{where}: must be a [[help]] table")
    name = _text(raw, "name", where, 80, required=True)
    where = f"{label}, entry {number} (“{name}”)"
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise LocalHelpError(f"{where}: unknown field '{unknown[0]}' (fields: {', '.join(sorted(FIELDS))})")
    phone = _text(raw, "phone", where, 30)
    if phone and (not PHONE.match(phone) or len(re.sub(r"\D", "", phone)) < 3):
        raise LocalHelpError(f"{where}: field 'phone' may hold only digits, spaces and + - ( ) .")
    url = _text(raw, "url", where, 300)
    if url and not URL.match(url):
        raise LocalHelpError(f"{where}: field 'url' must be a web address starting with https:// or http://")
    meeting = raw.get("meeting", False)
    if not isinstance(meeting, bool):
        raise LocalHelpError(f"{where}: field 'meeting' must be true or false, without quotes")
    who_for = raw.get("for", "both")
    if who_for not in WHO_FOR:
        raise LocalHelpError(f"{where}: field 'for' must be one of {', '.join(WHO_FOR)}")
    if not slug(name):
        raise LocalHelpError(f"{where}: field 'name' needs at least one letter or digit")
    return LocalEntry(key=f"local-{slug(name)}", name=name, what=_text(raw, "what", where, 300, required=True),
                      phone=phone, address=_text(raw, "address", where, 200), hours=_text(raw, "hours", where, 200),
                      url=url, meeting=meeting, who_for=who_for)


def parse(text: str, label: str = FILE_NAME) -> tuple[LocalEntry, ...]:
    """Read and check the file's text; raise LocalHelpError naming the entry and the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LocalHelpError(f"{label}: not valid TOML ({exc})") from exc
    unknown = sorted(set(data) - {"help"})
    if unknown:
        raise LocalHelpError(f"{label}: unknown table '{unknown[0]}' (each entry starts with [[help]])")
    raw_entries = data.get("help", [])
    if not isinstance(raw_entries, list):
        raise LocalHelpError(f"{label}: each entry must start with [[help]] (two pairs of brackets)")
    if len(raw_entries) > MAX_ENTRIES:
        raise LocalHelpError(f"{label}: at most {MAX_ENTRIES} entries")
    entries: list[LocalEntry] = []
    for number, raw in enumerate(raw_entries, start=1):
        entry = _entry(raw, number, label)
        twin = next((e for e in entries if e.key == entry.key), None)
        if twin is not None:
            raise LocalHelpError(f"{label}, entry {number} (“{entry.name}”): field 'name' is too close to "
                                 f"entry {entries.index(twin) + 1} (“{twin.name}”); give each entry its own name")
        entries.append(entry)
    return tuple(entries)


def load(path: Path) -> tuple[LocalEntry, ...]:
    """Read the file at `path`: no file, no entries."""
    if not path.exists():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LocalHelpError(f"{path}: can't be read as UTF-8 text ({exc})") from exc
    return parse(text, label=str(path))


def path_for(app: Flask) -> Path:
    return Path(app.instance_path) / FILE_NAME


def init_app(app: Flask) -> None:
    """Check the local list when the app starts: a broken file stops start-up."""
    app.extensions[EXTENSION] = load(path_for(app))


def entries(role: str | None = None) -> tuple[LocalEntry, ...]:
    """The server's local list, in the file's order, for someone in this role (None: everything)."""
    return tuple(e for e in current_app.extensions.get(EXTENSION, ()) if e.is_for(role))
