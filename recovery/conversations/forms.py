"""Forms for conversation plans."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from recovery.conversations.models import STATUSES
from recovery.forms import FriendlyDateField, MendForm, choice_list, no_control_chars, strip_filter
from recovery.i18n import lazy_gettext as _l

LONG = 4000


class StartForm(MendForm):
    """Start a plan from a script."""

    connection_id = SelectField(_l("Who is the conversation with? (optional)"), choices=[], validate_choice=True,
                                default="")


class PlanForm(MendForm):
    """The plan's title, who it's with and sharing; each step's answer is read from the request."""

    title = StringField(_l("Name this plan"), [InputRequired(_l("Please give the plan a short title.")),
                                           Length(max=120, message=_l("Please keep the title to 120 characters.")),
                                           no_control_chars], filters=[strip_filter])
    connection_id = SelectField(_l("Who is it with? (optional)"), choices=[], validate_choice=True, default="")
    shared = BooleanField(_l("Let them read this plan first (only if I also share Talks with them)"))


class StatusForm(MendForm):
    """Move a plan along."""

    status = RadioField(_l("Where is this plan?"), choices=choice_list(STATUSES.items()),
                        validators=[InputRequired(_l("Please choose a stage."))])
    held_on = FriendlyDateField(_l("When did it happen?"), [Optional()], format="%Y-%m-%d")


class ReflectionForm(MendForm):
    """After the talk."""

    reflection_how = TextAreaField(_l("How did it go?"), [Length(max=LONG)], filters=[strip_filter])
    reflection_response = TextAreaField(_l("How did they respond?"), [Length(max=LONG)], filters=[strip_filter])
    reflection_differently = TextAreaField(_l("What would I do differently?"), [Length(max=LONG)],
                                           filters=[strip_filter])
    reflection_next = TextAreaField(_l("What's my next step?"), [Length(max=LONG)], filters=[strip_filter])
