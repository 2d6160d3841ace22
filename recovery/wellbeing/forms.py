"""Forms for "Looking after me": the wellbeing check, the three worksheets and stepping back's safety questions."""

from __future__ import annotations

from flask_babel import LazyString, format_number
from flask_babel import gettext as _
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, StopValidation, ValidationError

from recovery.forms import MendForm, ScaleField, choice_list, strip_filter
from recovery.i18n import lazy_gettext as _l
from recovery.wellbeing.models import AREA_KEYS, GOOD_DAYS, PROBLEM_SOLVING, STEPPING_BACK
from recovery.wellbeing.services import (
    ANSWER_MAX,
    AREAS,
    NOTE_MAX,
    SAFETY_ANSWERS,
    SAFETY_QUESTIONS,
    SCALE,
    TITLE_MAX,
    WORKSHEETS,
)

SCALE_MESSAGE = _l("Please choose a number from 1 to 10.")
SAFETY_MESSAGE = _l("Please answer this question: yes, no or not sure.")


def _number(value: int) -> LazyString:
    """A number written the reader's way ("1,000" in English), when a message is shown."""
    return LazyString(format_number, value)


def no_hidden_characters(form, field):
    """Refuse invisible control characters; line breaks and tabs are fine in longer text."""
    if field.data and any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in field.data):
        raise ValidationError(_("Please remove the invisible characters."))


def no_control_characters(form, field):
    """Refuse invisible control characters in one line of text."""
    if field.data and any(ord(c) < 32 or ord(c) == 127 for c in field.data):
        raise ValidationError(_("Please remove the invisible characters."))


def scale_answer(label: str = "", **kwargs):
    """A 1-10 answer picked with radio buttons (recovery/forms.py ScaleField)."""
    return ScaleField(label, scale=SCALE, message=SCALE_MESSAGE, **kwargs)


class WellbeingCheckForm(MendForm):
    """How happy are you with each part of your life this week? Eight 1-10 answers and a private note."""

    sleep = scale_answer()
    daily = scale_answer()
    friends = scale_answer()
    health = scale_answer()
    me_time = scale_answer()
    money = scale_answer()
    feelings = scale_answer()
    relationship = scale_answer()
    note = TextAreaField(
        _l("A private note, if you like"),
        [Length(max=NOTE_MAX, message=_l("Please keep your note to %(num)s characters or fewer.",
                                         num=_number(NOTE_MAX))),
         no_hidden_characters],
        filters=[strip_filter],
        description=_l("Anything you want to remember about this week. Only you will ever see it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in AREA_KEYS:
            field = getattr(self, key)
            field.label.text = AREAS[key].name
            field.description = AREAS[key].hint

    @property
    def scales(self):
        """The eight questions, in order."""
        return [getattr(self, key) for key in AREA_KEYS]

    @property
    def scores(self) -> dict[str, int | None]:
        return {key: getattr(self, key).data for key in AREA_KEYS}


class SafetyField(RadioField):
    """One safety question: no, yes or not sure; anything else leaves it unanswered."""

    def __init__(self, label: str = "", **kwargs):
        super().__init__(label, choices=choice_list(SAFETY_ANSWERS.items()), validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = valuelist[0] if valuelist[0] in SAFETY_ANSWERS else None

    def pre_validate(self, form):
        if self.data not in SAFETY_ANSWERS:
            raise StopValidation(SAFETY_MESSAGE)


class WorksheetForm(MendForm):
    """The boxes of one worksheet, and a name for it. Subclasses add the boxes (see _worksheet_form)."""

    KIND = ""

    title = StringField(
        _l("A name for it, if you like"),
        [Length(max=TITLE_MAX, message=_l("Please keep the name to %(num)s characters or fewer.",
                                          num=_number(TITLE_MAX))),
         no_control_characters],
        filters=[strip_filter],
        description=_l("If you leave this empty, Mend names it with today's date."),
    )

    @property
    def parts(self):
        """Each box with its part of the worksheet, in order: (field, part)."""
        return [(getattr(self, p.key), p) for p in WORKSHEETS[self.KIND].parts]

    @property
    def answers(self) -> dict[str, str]:
        return {p.key: getattr(self, p.key).data or "" for p in WORKSHEETS[self.KIND].parts}

    def fill_from(self, sheet) -> None:
        """Show a saved worksheet's words in the boxes (on a page drawn before anything was posted)."""
        self.title.data = sheet.title
        for field, part in self.parts:
            field.data = sheet.answers.get(part.key, "")


def _worksheet_form(kind: str, base: type[MendForm] = WorksheetForm) -> type[WorksheetForm]:
    """Build the form of one worksheet: a text box for each of its parts."""
    fields = {
        part.key: TextAreaField(
            part.label_l,
            [Length(max=ANSWER_MAX, message=_l("Please keep each box to %(num)s characters or fewer.",
                                               num=_number(ANSWER_MAX))),
             no_hidden_characters],
            filters=[strip_filter],
            description=part.hint_l,
        )
        for part in WORKSHEETS[kind].parts
    }
    return type(f"{kind.title().replace('_', '')}Form", (base,), {"KIND": kind, **fields})


GoodDaysForm = _worksheet_form(GOOD_DAYS)
ProblemSolvingForm = _worksheet_form(PROBLEM_SOLVING)


class _SafetyQuestions(WorksheetForm):
    """Stepping back's safety questions, asked before anything else, and which page of the form this is."""

    # "safety": only the questions are on the page; "worksheet": they were all "no" and ride along, hidden.
    stage = HiddenField(default="safety")
    danger = SafetyField()
    overdose = SafetyField()
    self_harm = SafetyField()
    violence = SafetyField()
    driving = SafetyField()
    child = SafetyField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in SAFETY_QUESTIONS.items():
            getattr(self, key).label.text = question

    @property
    def safety_fields(self):
        return [getattr(self, key) for key in SAFETY_QUESTIONS]

    @property
    def safety(self) -> dict[str, str | None]:
        return {key: getattr(self, key).data for key in SAFETY_QUESTIONS}

    @property
    def on_worksheet(self) -> bool:
        """Whether this post is the worksheet itself (the safety answers came back hidden with it)."""
        return self.stage.data == "worksheet"

    def safety_answered(self) -> bool:
        """Check the token and the safety questions alone (the first page of the form has nothing else)."""
        fields = ([self.csrf_token] if self.meta.csrf else []) + self.safety_fields
        return all([f.validate(self) for f in fields])  # a list, so every field gets its message


SteppingBackForm = _worksheet_form(STEPPING_BACK, _SafetyQuestions)

FORMS: dict[str, type[WorksheetForm]] = {GOOD_DAYS: GoodDaysForm, STEPPING_BACK: SteppingBackForm,
                                         PROBLEM_SOLVING: ProblemSolvingForm}
