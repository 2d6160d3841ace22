"""Forms for the circle."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from recovery.accounts.models import User
from recovery.circle.models import RELATIONSHIPS
from recovery.circle.services import connections_of
from recovery.forms import MendForm, choice_list, no_control_chars, strip_filter
from recovery.i18n import lazy_gettext as _l

# The invitation form's choices: each relationship (models.RELATIONSHIPS) as a choice starts with a capital.
RELATIONSHIP_CHOICES = {
    "partner": _l("Partner"),
    "parent": _l("Parent"),
    "child": _l("Child"),
    "sibling": _l("Sibling"),
    "friend": _l("Friend"),
    "other": _l("Someone close"),
}


class InviteForm(MendForm):
    """Make an invitation link."""

    relationship = RadioField(
        _l("This person is my…"),
        choices=choice_list((k, RELATIONSHIP_CHOICES[k]) for k in RELATIONSHIPS),
        validators=[InputRequired(_l("Please choose how you are related."))],
    )
    invitee_label = StringField(
        _l("Who is it for? (optional, only you see this)"),
        [Length(max=60, message=_l("Please keep this to 60 characters or fewer.")), no_control_chars],
        filters=[strip_filter],
        description=_l("A reminder for you, like “Mum” or “Alex”."),
    )


class SharingForm(MendForm):
    """Choose which of my areas the other person may see."""

    areas = SelectMultipleField(_l("Share with them"), choices=[], option_widget=CheckboxInput(),
                                widget=ListWidget(prefix_label=False), validate_choice=True)


def connection_choices(user: User, empty: str, leave_out: frozenset[int] = frozenset()) -> list[SelectChoice]:
    """List the user's open connections as choices ("Sam (your parent)"), after an empty choice."""
    choices = [("", empty)]
    for c in connections_of(user):
        if c.id not in leave_out:
            relationship = c.relationship_for(user.id)
            choices.append((str(c.id), _("%(name)s (your %(relationship)s)", name=c.other(user.id).display_name,
                                         relationship=RELATIONSHIPS.get(relationship, relationship))))
    return choice_list(choices)
