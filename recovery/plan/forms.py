"""Forms for the plan for hard days: one per section, each small enough for a phone.

Lists are one text box with a line per item (easy to add to with no script). Sections with two parts per
row (a trigger and what I'll do; a name and a number) show the rows already saved and two empty ones;
"Save and add more" saves and comes back with two more.
"""

from __future__ import annotations

import re

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from wtforms import Form, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import Length, ValidationError

from recovery.circle.forms import connection_choices
from recovery.forms import MendForm, choice_list, no_control_chars, strip_filter
from recovery.i18n import lazy_gettext as _l
from recovery.plan.models import HardDaysPlan
from recovery.plan.sections import (
    BLANK_ROWS,
    LINES_TEXT,
    MAX_ROWS,
    NAME_LENGTH,
    NOTE_LENGTH,
    PHONE_LENGTH,
    RESPONSE_LENGTH,
    SECTIONS,
    TRIGGER_LENGTH,
    Section,
)
from recovery.plan.services import TOO_LONG


def _phone_ok(form, field):
    value = (field.data or "").strip()
    if value and (not re.fullmatch(r"\+?[\d\s().\-/]+", value) or len(re.sub(r"\D", "", value)) < 3):
        raise ValidationError(_("Please type a phone number with numbers, spaces, + or dashes only."))


def _needs_a_name(form, field):
    """A number (or, in "People I can ask", nobody chosen) needs a name beside it."""
    chosen = getattr(form, "who", None)
    if (form.phone.data or "").strip() and not (field.data or "").strip() and not (chosen and chosen.data):
        raise ValidationError(_("Please add who this number is for."))


def _needs_a_trigger(form, field):
    if (form.response.data or "").strip() and not (field.data or "").strip():
        raise ValidationError(_("Please say what the trigger is, or clear what you'll do."))


def _short(limit: int, message: LazyString) -> Length:
    """At most `limit` characters; `message` names the limit as %(max)d."""
    return Length(max=limit, message=message)


class _Row(Form):
    """One row inside a section's form, speaking as plainly as every other form."""

    class Meta:
        get_translations = MendForm.Meta.get_translations


class TriggerRow(_Row):
    trigger = StringField(_l("Trigger"), [_needs_a_trigger, _short(TRIGGER_LENGTH, TOO_LONG["trigger"]),
                                          no_control_chars], filters=[strip_filter])
    response = StringField(_l("What I'll do"), [_short(RESPONSE_LENGTH, TOO_LONG["response"]), no_control_chars],
                           filters=[strip_filter])


class ContactRow(_Row):
    name = StringField(_l("Who"), [_needs_a_name, _short(NAME_LENGTH, TOO_LONG["name"]), no_control_chars],
                       filters=[strip_filter])
    phone = StringField(_l("Phone number (optional)"), [_short(PHONE_LENGTH, TOO_LONG["phone"]), _phone_ok],
                        filters=[strip_filter])


class PersonRow(ContactRow):
    who = SelectField(_l("Someone from my circle"), choices=choice_list([("", _l("Someone else"))]))
    name = StringField(_l("Or type a name"), [_needs_a_name, _short(NAME_LENGTH, TOO_LONG["name"]), no_control_chars],
                       filters=[strip_filter])


class TriggersForm(MendForm):
    rows = FieldList(FormField(TriggerRow), max_entries=MAX_ROWS + BLANK_ROWS)


class PeopleForm(MendForm):
    rows = FieldList(FormField(PersonRow), max_entries=MAX_ROWS + BLANK_ROWS)


class ContactsForm(MendForm):
    rows = FieldList(FormField(ContactRow), max_entries=MAX_ROWS + BLANK_ROWS)


class NoteForm(MendForm):
    note = TextAreaField(_l("What helps, and what doesn't?"), [Length(max=NOTE_LENGTH, message=_l(
        "Please keep this to %(num)s characters.", num=LazyString(format_number, NOTE_LENGTH)))],
        filters=[strip_filter])


def _lines_form(section: Section) -> type[MendForm]:
    class LinesForm(MendForm):
        items = TextAreaField(section.ask_words, [Length(max=LINES_TEXT, message=_l(
            "This is too long for a plan you read in a hurry. Please keep the lines that matter most."))],
            description=section.hint_words)

    LinesForm.__name__ = f"LinesForm_{section.column}"
    return LinesForm


_LINES_FORMS = {s.key: _lines_form(s) for s in SECTIONS if s.kind == "lines"}
_ROW_FORMS = {"triggers": TriggersForm, "people": PeopleForm, "contacts": ContactsForm}


def _rows(saved: list[dict], blank: dict) -> list[dict]:
    """The saved rows and two empty ones, up to the most a section keeps."""
    rows = [dict(row) for row in saved][:MAX_ROWS]
    return rows + [dict(blank) for _ in range(min(BLANK_ROWS, MAX_ROWS + BLANK_ROWS - len(rows)))]


def section_form(section: Section, plan: HardDaysPlan | None, owner, reading: bool):
    """The form for one section: filled from the saved plan when `reading` (a GET), from the post otherwise."""
    saved = getattr(plan, section.column) if plan is not None else None
    if section.kind == "people":
        choices = connection_choices(owner, _("Someone else"))
        values = {c.value for c in choices if c.value}
    if section.kind == "lines":
        form_class = _LINES_FORMS[section.key]
        form = form_class(data={"items": "\n".join(saved or [])}) if reading else form_class()
    elif section.kind == "note":
        form = NoteForm(data={"note": saved or ""}) if reading else NoteForm()
    else:
        form_class = _ROW_FORMS[section.kind]
        if not reading:
            form = form_class()
        elif section.kind == "triggers":
            form = form_class(data={"rows": _rows(saved or [], {"trigger": "", "response": ""})})
        elif section.kind == "people":
            form = form_class(data={"rows": _rows([_person_row(r, values) for r in saved or []],
                                                  {"who": "", "name": "", "phone": ""})})
        else:
            form = form_class(data={"rows": _rows(saved or [], {"name": "", "phone": ""})})
    if section.kind == "people":
        for entry in form.rows:
            entry.form.who.choices = choices
    return form


def _person_row(saved: dict, open_ids: set[str]) -> dict:
    """A saved person as the form shows them: chosen from the circle (the name comes from there), or typed.
    Someone no longer in the circle shows as typed, with the name the plan kept."""
    who = str(saved.get("connection_id") or "")
    if who and who in open_ids:
        return {"who": who, "name": "", "phone": saved.get("phone", "")}
    return {"who": "", "name": saved.get("name", ""), "phone": saved.get("phone", "")}
