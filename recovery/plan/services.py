"""Rules for "My plan for hard days": one plan per person in recovery, saved one section at a time.

A person reads and writes only their own plan. Someone in their circle reads it only through the door
(circle/permissions.py): the shared view hands `load_shared` its pass, which must be for the "plan" area.
Services flush; the request's one commit saves (db.finish_request).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import format_number
from flask_babel import gettext as _

from recovery.accounts.models import User
from recovery.circle import services as circle
from recovery.circle.models import ACTIVE
from recovery.circle.permissions import Access, sharing
from recovery.db import db, utcnow
from recovery.errors import NotFound, Refused
from recovery.i18n import lazy_gettext as _l
from recovery.plan.models import HardDaysPlan
from recovery.plan.sections import (
    BY_KEY,
    LINE_LENGTH,
    MAX_LINES,
    MAX_ROWS,
    NAME_LENGTH,
    NOTE_LENGTH,
    PHONE_LENGTH,
    RESPONSE_LENGTH,
    TRIGGER_LENGTH,
    Section,
)
from recovery.timezones import to_local

AREA = "plan"
REVIEW_AFTER = timedelta(days=90)  # a gentle nudge to read the plan through again, every three months
COMMITMENT_TITLE = 120  # the tracker's longest commitment title

# "Too long" for each kind of short line, the limit given as %(max)d (the forms' Length checks say the same).
TOO_LONG = {
    "trigger": _l("Please keep a trigger to %(max)d characters."),
    "response": _l("Please keep what you'll do to %(max)d characters."),
    "name": _l("Please keep a name to %(max)d characters."),
    "phone": _l("Please keep a phone number to %(max)d characters."),
}


# --- Reading ------------------------------------------------------------------------------------------


def plan_of(owner: User) -> HardDaysPlan | None:
    """The person's own plan, if they started one."""
    return db.session.scalar(sa.select(HardDaysPlan).where(HardDaysPlan.owner_id == owner.id))


def load_shared(access: Access) -> HardDaysPlan | None:
    """The plan of the owner of a pass the door gave for the "plan" area (404 for any other pass)."""
    access.require(AREA)
    return db.session.scalar(sa.select(HardDaysPlan).where(HardDaysPlan.owner_id == access.owner.id))


def readers(owner: User) -> list[str]:
    """The people in the owner's circle who can read the plan now (names only: nothing of theirs is shown)."""
    connections = circle.connections_of(owner)
    shares = sharing(owner, connections)
    return [c.other(owner.id).display_name for c in connections
            if c.status == ACTIVE and AREA in shares[c.id].mine]


def is_empty(plan: HardDaysPlan | None) -> bool:
    """Nothing written in any section yet."""
    return plan is None or not any(getattr(plan, s.column) for s in BY_KEY.values())


def filled(plan: HardDaysPlan | None, section: Section) -> bool:
    return plan is not None and bool(getattr(plan, section.column))


def review_due(plan: HardDaysPlan | None, now: datetime | None = None) -> bool:
    """Three months or more since the plan was last saved or read through."""
    if plan is None or is_empty(plan):
        return False
    return (now or utcnow()) - plan.updated_at >= REVIEW_AFTER


def last_saved_day(plan: HardDaysPlan, tz: str) -> date:
    """The day the plan was last saved or read through, in the owner's time zone."""
    return to_local(plan.updated_at, tz).date()


# --- Phone numbers ------------------------------------------------------------------------------------

_PHONE = re.compile(r"\+?[\d\s().\-/]+")


@dataclass(frozen=True)
class PhoneLinks:
    call: str  # tel:+15550100
    text: str  # sms:+15550100


def phone_links(phone: str) -> PhoneLinks | None:
    """Links to call and text a number the person typed (digits and a leading + only), or None."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    if len(re.sub(r"\D", "", digits)) < 3:
        return None
    return PhoneLinks(call=f"tel:{digits}", text=f"sms:{digits}")


def _phone(value: str, field: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        return ""
    if len(value) > PHONE_LENGTH:
        raise Refused(str(TOO_LONG["phone"]) % {"max": PHONE_LENGTH}, field=field)
    if not _PHONE.fullmatch(value) or len(re.sub(r"\D", "", value)) < 3:
        raise Refused(_("Please type a phone number with numbers, spaces, + or dashes only."), field=field)
    return value


def _line(value: str, limit: int, field: str, what: str) -> str:
    """The line with its spaces tidied; longer than `limit`, refused with TOO_LONG[what]."""
    value = " ".join((value or "").split())
    if len(value) > limit:
        raise Refused(str(TOO_LONG[what]) % {"max": limit}, field=field)
    return value


# --- Writing ------------------------------------------------------------------------------------------


def _stored(owner: User) -> HardDaysPlan:
    """The person's plan, started now if they have none. Only a person in recovery keeps one."""
    if not owner.is_person:
        raise NotFound()
    found = plan_of(owner)
    if found is None:
        found = HardDaysPlan(owner_id=owner.id, warning_signs=[], coping=[], comfort=[], safer=[], reasons=[],
                             triggers=[], helpers=[], professionals=[], how_to_help="")
        db.session.add(found)
    return found


def _saved(plan: HardDaysPlan, column: str, value) -> HardDaysPlan:
    setattr(plan, column, value)  # a new list each time, so the change is seen
    plan.updated_at = utcnow()
    db.session.flush()
    return plan


def lines_from(text: str, field: str = "items") -> list[str]:
    """The lines of a text box: each trimmed, the empty ones left out; at most MAX_LINES, each at most LINE_LENGTH."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    lines = [line.lstrip("•*-– ").strip() or line for line in lines if line]
    if len(lines) > MAX_LINES:
        raise Refused(_("Please keep this to %(max)d lines. Pick the ones that matter most.", max=MAX_LINES),
                      field=field)
    for line in lines:
        if len(line) > LINE_LENGTH:
            raise Refused(_("Please keep each line to %(max)d characters. One is longer: “%(start)s…”",
                            max=LINE_LENGTH, start=line[:40]), field=field)
    return lines


def save_lines(owner: User, section: Section, text: str) -> HardDaysPlan:
    """Save a list section from its text box, one item per line."""
    if section.kind != "lines":
        raise NotFound()
    return _saved(_stored(owner), section.column, lines_from(text))


def _too_many(rows: list) -> None:
    if len(rows) > MAX_ROWS:
        raise Refused(_("Please keep this to %(max)d. Pick the ones that matter most.", max=MAX_ROWS))


def save_triggers(owner: User, rows: list[tuple[str, str]]) -> HardDaysPlan:
    """Save the triggers, each with what I'll do; empty rows are left out."""
    kept = []
    for i, (trigger, response) in enumerate(rows):
        trigger = _line(trigger, TRIGGER_LENGTH, f"rows-{i}-trigger", "trigger")
        response = _line(response, RESPONSE_LENGTH, f"rows-{i}-response", "response")
        if response and not trigger:
            raise Refused(_("Please say what the trigger is, or clear what you'll do."), field=f"rows-{i}-trigger")
        if trigger:
            kept.append({"trigger": trigger, "response": response})
    _too_many(kept)
    return _saved(_stored(owner), "triggers", kept)


@dataclass(frozen=True)
class Person:
    """One row of "People I can ask": someone from my circle (a connection), or a name I typed."""

    connection_id: int | None
    name: str
    phone: str


def save_helpers(owner: User, rows: list[Person]) -> HardDaysPlan:
    """Save the people I can ask for help: chosen from my circle (named as the circle names them), or typed."""
    circle_names = {c.id: c.other(owner.id).display_name for c in circle.connections_of(owner)}
    kept = []
    for i, row in enumerate(rows):
        name = _line(row.name, NAME_LENGTH, f"rows-{i}-name", "name")
        phone = _phone(row.phone, f"rows-{i}-phone")
        if row.connection_id is not None:
            if row.connection_id not in circle_names:
                raise Refused(_("Please choose someone from your circle, or type a name."), field=f"rows-{i}-who")
            name = circle_names[row.connection_id]  # their name as the circle shows it now
        if phone and not name:
            raise Refused(_("Please add who this number is for."), field=f"rows-{i}-name")
        if name:
            kept.append({"name": name, "phone": phone, "connection_id": row.connection_id})
    _too_many(kept)
    return _saved(_stored(owner), "helpers", kept)


def save_professionals(owner: User, rows: list[tuple[str, str]]) -> HardDaysPlan:
    """Save my counsellor, sponsor, doctor or treatment centre, each with an optional number."""
    kept = []
    for i, (name, phone) in enumerate(rows):
        name = _line(name, NAME_LENGTH, f"rows-{i}-name", "name")
        phone = _phone(phone, f"rows-{i}-phone")
        if phone and not name:
            raise Refused(_("Please add who this number is for."), field=f"rows-{i}-name")
        if name:
            kept.append({"name": name, "phone": phone})
    _too_many(kept)
    return _saved(_stored(owner), "professionals", kept)


def save_note(owner: User, text: str) -> HardDaysPlan:
    """Save the note for the people I share my plan with."""
    text = "\n".join(line.rstrip() for line in (text or "").strip().splitlines())
    if len(text) > NOTE_LENGTH:
        raise Refused(_("Please keep this to %(num)s characters.", num=format_number(NOTE_LENGTH)), field="note")
    return _saved(_stored(owner), "how_to_help", text)


def mark_read_through(owner: User) -> HardDaysPlan:
    """The person read their plan through and it still fits: the review reminder counts from today."""
    found = plan_of(owner)
    if found is None or is_empty(found):
        raise Refused(_("There's nothing in your plan yet. Start with any part."))
    found.updated_at = utcnow()
    db.session.flush()
    return found


# --- Links to the rest of Mend ------------------------------------------------------------------------


def commitment_title(line: str) -> str:
    """A plan line as the title of a new tracker commitment (the tracker keeps titles short)."""
    line = " ".join(line.split()).rstrip(".")
    return line if len(line) <= COMMITMENT_TITLE else line[:COMMITMENT_TITLE - 1].rstrip() + "…"
