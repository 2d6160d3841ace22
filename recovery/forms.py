"""Shared form pieces."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from recovery.timezones import timezone_names


class ButtonForm(FlaskForm):
    """An empty form for plain buttons: it carries only the CSRF token."""


def choice_list(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_filter(value):
    """Trim spaces around text fields."""
    return value.strip() if isinstance(value, str) else value


class TimezoneField(SelectField):
    """A choice from the IANA time zone list."""

    def __init__(self, label="Time zone", **kwargs):
        kwargs.setdefault("validators", [InputRequired("Please choose a time zone from the list.")])
        super().__init__(label, choices=choice_list((n, n.replace("_", " ")) for n in timezone_names()),
                         validate_choice=False, **kwargs)

    def pre_validate(self, form):
        if self.data not in timezone_names():
            raise ValidationError("Please choose a time zone from the list.")


def no_control_chars(form, field):
    """Refuse invisible control characters in single-line text."""
    if field.data and any(ord(c) < 32 or ord(c) == 127 for c in field.data):
        raise ValidationError("Please remove the invisible characters from this field.")
