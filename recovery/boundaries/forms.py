"""Forms for boundaries."""

from __future__ import annotations

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from recovery.boundaries.models import ACK_KINDS, CATEGORIES, EVENT_KINDS
from recovery.forms import FriendlyDateField, MendForm, choice_list, strip_filter
from recovery.i18n import lazy_gettext as _l


class BoundaryForm(MendForm):
    """Write or revise a boundary, step by step."""

    category = SelectField(_l("What is it about?"), choices=choice_list(CATEGORIES.items()), default="other")
    situation = TextAreaField(_l("The situation: If… / When…"), [
        InputRequired(_l("Please describe the situation: “If…” or “When…”.")),
        Length(max=500, message=_l("Please keep this to 500 characters."))], filters=[strip_filter],
        description=_l("Name one specific situation, like “If you come home after drinking”."))
    my_action = TextAreaField(_l("What I will do: I will…"), [
        InputRequired(_l("Please say what you will do.")),
        Length(max=500, message=_l("Please keep this to 500 characters."))], filters=[strip_filter],
        description=_l("Something you can do yourself, like “I will stay at my sister’s that night”."))
    need = TextAreaField(_l("The need behind it (optional)"),
                         [Length(max=1000, message=_l("Please keep this to 1,000 characters."))],
                         filters=[strip_filter], description=_l("For example: “I need to feel safe at home.”"))
    request = TextAreaField(_l("What I'm asking for (optional)"),
                            [Length(max=1000, message=_l("Please keep this to 1,000 characters."))],
                            filters=[strip_filter],
                            description=_l("A request, not a rule: “I'm asking you to text me if you'll be late.”"))


class AckForm(MendForm):
    """Answer a boundary shared with me."""

    kind = RadioField(_l("Your answer"), choices=choice_list(ACK_KINDS.items()),
                      validators=[InputRequired(_l("Please choose one of the two answers."))])


class EventForm(MendForm):
    """Note that a boundary was respected, crossed or talked about."""

    kind = RadioField(_l("What happened?"), choices=choice_list(EVENT_KINDS.items()),
                      validators=[InputRequired(_l("Please choose respected, crossed or talked about."))])
    local_date = FriendlyDateField(_l("When?"), [InputRequired(_l("Please choose a date."))], format="%Y-%m-%d")
    note = StringField(_l("A note (optional)"), [Length(max=500, message=_l("Please keep notes to 500 characters."))],
                       filters=[strip_filter])
