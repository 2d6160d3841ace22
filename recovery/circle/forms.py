"""Forms for the circle."""

from __future__ import annotations

from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from recovery.accounts.models import User
from recovery.circle.models import RELATIONSHIPS
from recovery.circle.services import connections_of
from recovery.forms import MendForm, choice_list, no_control_chars, strip_filter


class InviteForm(MendForm):
    """Make an invitation link."""

    relationship = RadioField(
        "This person is my…",
        choices=choice_list((k, v.capitalize()) for k, v in RELATIONSHIPS.items()),
        validators=[InputRequired("Please choose how you are related.")],
    )
    invitee_label = StringField(
        "Who is it for? (optional, only you see this)",
        [Length(max=60, message="Please keep this to 60 characters or fewer."), no_control_chars],
        filters=[strip_filter],
        description="A reminder for you, like “Mum” or “Alex”.",
    )


class SharingForm(MendForm):
    """Choose which of my areas the other person may see."""

    areas = SelectMultipleField("Share with them", choices=[], option_widget=CheckboxInput(),
                                widget=ListWidget(prefix_label=False), validate_choice=True)


def connection_choices(user: User, empty: str, leave_out: frozenset[int] = frozenset()) -> list[SelectChoice]:
    """List the user's open connections as choices ("Sam (your parent)"), after an empty choice."""
    choices = [("", empty)]
    for c in connections_of(user):
        if c.id not in leave_out:
            choices.append((str(c.id), f"{c.other(user.id).display_name} (your {c.relationship_for(user.id)})"))
    return choice_list(choices)
