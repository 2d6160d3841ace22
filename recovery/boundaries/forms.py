"""Forms for boundaries."""

from __future__ import annotations

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from recovery.boundaries.models import ACK_KINDS, CATEGORIES, EVENT_KINDS
from recovery.forms import FriendlyDateField, MendForm, choice_list, strip_filter


class BoundaryForm(MendForm):
    """Write or revise a boundary, step by step."""

    category = SelectField("What is it about?", choices=choice_list(CATEGORIES.items()), default="other")
    situation = TextAreaField("The situation: If… / When…", [
        InputRequired("Please describe the situation: “If…” or “When…”."),
        Length(max=500, message="Please keep this to 500 characters.")], filters=[strip_filter],
        description="Name one specific situation, like “If you come home after drinking”.")
    my_action = TextAreaField("What I will do: I will…", [
        InputRequired("Please say what you will do."),
        Length(max=500, message="Please keep this to 500 characters.")], filters=[strip_filter],
        description="Something you can do yourself, like “I will stay at my sister’s that night”.")
    need = TextAreaField("The need behind it (optional)", [Length(max=1000, message="Please keep this to 1,000 "
                                                                                     "characters.")],
                         filters=[strip_filter], description="For example: “I need to feel safe at home.”")
    request = TextAreaField("What I'm asking for (optional)", [Length(max=1000, message="Please keep this to "
                                                                                        "1,000 characters.")],
                            filters=[strip_filter],
                            description="A request, not a rule: “I'm asking you to text me if you'll be late.”")


class AckForm(MendForm):
    """Answer a boundary shared with me."""

    kind = RadioField("Your answer", choices=choice_list(ACK_KINDS.items()),
                      validators=[InputRequired("Please choose one of the two answers.")])


class EventForm(MendForm):
    """Note that a boundary was respected, crossed or talked about."""

    kind = RadioField("What happened?", choices=choice_list(EVENT_KINDS.items()),
                      validators=[InputRequired("Please choose respected, crossed or talked about.")])
    local_date = FriendlyDateField("When?", [InputRequired("Please choose a date.")], format="%Y-%m-%d")
    note = StringField("A note (optional)", [Length(max=500, message="Please keep notes to 500 characters.")],
                       filters=[strip_filter])
