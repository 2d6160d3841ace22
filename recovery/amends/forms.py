"""Forms for amends planning."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from recovery.amends.models import KINDS, OPENNESS, STAGE_WORDS
from recovery.amends.safety import QUESTIONS
from recovery.forms import FriendlyDateField, MendForm, choice_list, no_control_chars, strip_filter
from recovery.i18n import lazy_gettext as _l

LONG = 4000
LONG_WORDS = f"{LONG:,}"  # "4,000", as the message says it


def _long(label, description=None):
    return TextAreaField(label, [Length(max=LONG, message=_l("Please keep this to %(count)s characters or fewer.",
                                                                  count=LONG_WORDS))],
                         filters=[strip_filter], description=description)


class EntryForm(MendForm):
    """Add or change someone on the amends list."""

    person_name = StringField(_l("Who is it?"), [InputRequired(_l("Please write who this is about.")),
                                                 Length(max=80, message=_l("Please keep the name to 80 characters.")),
                                                 no_control_chars], filters=[strip_filter],
                              description=_l("A first name is enough. Only you see this list."))
    connection_id = SelectField(_l("Are they in your Mend circle? (optional)"), choices=[], validate_choice=True,
                                default="",
                                description=_l("If you link them, they can see this entry — and only this one — "
                                               "if you share your amends with them."))
    relationship = StringField(_l("How are you related? (optional)"),
                               [Length(max=60, message=_l("Please keep it short.")), no_control_chars],
                               filters=[strip_filter])
    # Each prompt invites an "I …" sentence: the person owns it, and it reads true if they say it aloud later.
    what_happened = _long(_l("What happened, in my own words"),
                          _l("Start with “I …”: what I did, the way I'd say it out loud. "
                             "A sentence is enough for now."))
    impact = _long(_l("How it affected them"), _l("Try to see it through their eyes: “I think it made them feel …”."))
    my_part = _long(_l("My part"), _l("Start with “I …”: only my own part, not what they did. "
                                      "That's what makes amends real."))
    kind = RadioField(_l("What kind of amends might fit?"), choices=choice_list(KINDS.items()),
                      validators=[InputRequired(_l("Please choose a kind of amends."))], default="undecided")
    # One question for how willing I feel and where things stand (services.columns_for fills both columns).
    stage = RadioField(_l("Where am I with this?"), choices=choice_list(STAGE_WORDS.items()), default="not_yet")
    not_possible_reason = TextAreaField(_l("Why it isn't possible (if so)"),
                                        [Length(max=1000, message=_l("Please keep this to 1,000 characters."))],
                                        filters=[strip_filter])
    planned_on = FriendlyDateField(_l("Planned date (optional)"), [Optional()], format="%Y-%m-%d")


YES_NO = [("yes", _l("Yes")), ("no", _l("No")), ("unsure", _l("Not sure yet"))]


class SafetyForm(MendForm):
    """The four safety questions."""

    safety_harm_them = RadioField(QUESTIONS["safety_harm_them"], choices=choice_list(YES_NO), default="unsure")
    safety_harm_others = RadioField(QUESTIONS["safety_harm_others"], choices=choice_list(YES_NO), default="unsure")
    safety_no_contact = RadioField(QUESTIONS["safety_no_contact"], choices=choice_list(YES_NO), default="unsure")
    safety_for_me = RadioField(QUESTIONS["safety_for_me"], choices=choice_list(YES_NO), default="unsure")

    def answers(self) -> dict[str, bool | None]:
        return {name: {"yes": True, "no": False}.get(getattr(self, name).data) for name in QUESTIONS}

    def fill_from(self, answers: dict[str, bool | None]) -> None:
        for name, value in answers.items():
            getattr(self, name).data = "yes" if value is True else ("no" if value is False else "unsure")


class StepForm(MendForm):
    """Add a step."""

    text = StringField(_l("Add a step"), [InputRequired(_l("Please write the step.")),
                                          Length(max=200, message=_l("Please keep a step to 200 characters.")),
                                          no_control_chars], filters=[strip_filter])


class ReflectionForm(MendForm):
    """How it went."""

    reflection_how = _long(_l("How did it go?"))
    reflection_response = _long(_l("How did they respond?"))
    reflection_learned = _long(_l("What did I learn?"))
    reflection_next = _long(_l("What's next?"))
    share_reflection = BooleanField(_l("Let them see this reflection if I share my amends with them"))


class OpennessForm(MendForm):
    """A loved one's openness to an amends conversation."""

    status = RadioField(_l("Am I open to an amends conversation?"), choices=choice_list(OPENNESS.items()),
                        validators=[InputRequired(_l("Please choose one answer."))])
    conditions = TextAreaField(_l("Anything that would help (optional)"),
                               [Length(max=500, message=_l("Please keep this to 500 characters."))],
                               filters=[strip_filter],
                               description=_l("For example: “in writing first”, “with a counsellor there”, "
                                              "“not before the holidays”."))
