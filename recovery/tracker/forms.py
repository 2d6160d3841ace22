"""Forms for the tracker."""

from __future__ import annotations

from flask_babel.speaklater import LazyString
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from recovery.forms import FriendlyDateField, MendForm, choice_list, no_control_chars, strip_filter
from recovery.i18n import lazy_gettext as _l
from recovery.tracker.models import CHECKIN_STATUSES, DAILY, ONCE, VERDICTS, WEEKDAYS, WEEKLY
from recovery.tracker.score import weekday_name

SCHEDULE_CHOICES = [
    (DAILY, _l("Every day")),
    (WEEKDAYS, _l("On certain days of the week")),
    (WEEKLY, _l("A number of times a week, on any days")),
    (ONCE, _l("Once, on one date")),
]


class WholeNumberField(IntegerField):
    """An integer field whose parse error reads kindly."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError(_l("Please enter a whole number between 1 and 7.")) from exc


def _date(label, required=False, **kwargs):
    validators = [InputRequired(_l("Please choose a date."))] if required else [Optional()]
    return FriendlyDateField(label, validators, format="%Y-%m-%d",
                     render_kw={"data-date": "1"}, **kwargs)


def _title(description) -> StringField:
    return StringField(_l("What will you do?"), [InputRequired(_l("Please say what you'll do.")),
                                                 Length(max=120, message=_l("Please keep it to 120 characters or "
                                                                            "fewer.")),
                                                 no_control_chars],
                       filters=[strip_filter], description=description)


def _connection(description) -> SelectField:
    return SelectField(_l("Who does it concern? (optional)"), choices=[], validate_choice=True, default="",
                       description=description)


class CommitmentForm(MendForm):
    """Create or change a commitment (the person's; a loved one's self-care uses SelfCareForm)."""

    title = _title(_l("Small and concrete works best, like “Call Mum” or “Home by 10 pm”."))
    why = TextAreaField(_l("Why it matters to you (optional)"),
                        [Length(max=1000, message=_l("Please keep this to 1,000 characters or fewer."))],
                        filters=[strip_filter],
                        description=_l("A reason in your own words helps on hard days."))
    kind = RadioField(_l("How often?"), choices=choice_list(SCHEDULE_CHOICES),
                      validators=[InputRequired(_l("Please choose how often."))], default=DAILY)
    # The days' names come from Babel's locale data, in the page's language when the form is drawn.
    weekdays = SelectMultipleField(_l("Which days?"),
                                   choices=choice_list((str(i), LazyString(weekday_name, i)) for i in range(7)),
                                   option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    times_per_week = WholeNumberField(_l("How many times a week?"), [Optional(), NumberRange(
        1, 7, _l("Please choose between 1 and 7 times a week."))], render_kw={"min": 1, "max": 7})
    once_on = _date(_l("Which date?"))
    start_date = _date(_l("Start"), required=True)
    end_date = _date(_l("End (optional)"), description=_l("Leave empty to keep going."))
    connection_id = _connection(_l("Linking it to someone in your circle shows it to them only if you share your "
                                   "tracker with them."))
    amends_id = SelectField(_l("Is it a living amends? (optional)"), choices=[], validate_choice=True, default="",
                            description=_l("Link it to someone on your amends list when this is how you make it "
                                           "right."))
    private = BooleanField(_l("Keep this one just for me"),
                           description=_l("Loved ones never see it, even if you share your tracker."))

    def schedule_errors_to(self, field_name: str, message: str) -> None:
        getattr(self, field_name).errors = [*getattr(self, field_name).errors, message]

    def validate(self, extra_validators=None) -> bool:
        """Check the form, ignoring the detail fields of the schedules not chosen (they are hidden then)."""
        ok = super().validate(extra_validators)
        if ok:
            return True
        for kind, name in SCHEDULE_DETAILS.items():
            if kind != self.kind.data:
                getattr(self, name).errors = []
        return not any(f.errors for f in self) and not self.form_errors


# Each schedule's own field, shown only when that schedule is chosen.
SCHEDULE_DETAILS = {WEEKDAYS: "weekdays", WEEKLY: "times_per_week", ONCE: "once_on"}


class EditCommitmentForm(CommitmentForm):
    """Change a commitment: the start date anchors the record, so the form has none."""

    start_date = None


class SelfCareForm(CommitmentForm):
    """Create or change a loved one's self-care commitment: the same, in their words, with no amends link."""

    title = _title(_l("Small and concrete works best, like “Walk with a friend” or “A meeting on Thursdays”."))
    connection_id = _connection(_l("Linking it to someone in your circle shows it to them only if you share your "
                                   "self-care with them."))
    amends_id = None
    private = BooleanField(_l("Keep this one just for me"),
                           description=_l("No one else sees it, even if you share your self-care."))


class EditSelfCareForm(SelfCareForm):
    """Change a self-care commitment (no start date, as for the person's)."""

    start_date = None


class CheckInForm(MendForm):
    """Say how a commitment went on a day."""

    day = HiddenField(validators=[InputRequired()])
    status = RadioField(_l("How did it go?"), choices=choice_list(CHECKIN_STATUSES.items()),
                        validators=[InputRequired(_l("Please choose kept, partly or missed."))])
    note = TextAreaField(_l("A note (optional)"),
                         [Length(max=1000, message=_l("Please keep notes to 1,000 characters."))],
                         filters=[strip_filter], description=_l("Honest notes help you see patterns."))


class NoteForm(MendForm):
    """Add a note to a check-in."""

    body = TextAreaField(_l("Add a note"), [InputRequired(_l("Please write the note first.")),
                                            Length(max=1000, message=_l("Please keep notes to 1,000 characters."))],
                         filters=[strip_filter])


class ConfirmForm(MendForm):
    """A loved one's word on a check-in."""

    verdict = RadioField(_l("Did you see this?"), choices=choice_list(VERDICTS.items()),
                         validators=[InputRequired(_l("Please choose one of the two answers."))])
    note = StringField(_l("A word for them (optional)"),
                       [Length(max=500, message=_l("Please keep it to 500 characters.")), no_control_chars],
                       filters=[strip_filter])


class SetbackForm(MendForm):
    """Log a setback."""

    local_date = _date(_l("When did it happen?"), required=True)
    what_happened = TextAreaField(_l("What happened, in your own words"),
                                  [Length(max=2000, message=_l("Please keep this to 2,000 characters."))],
                                  filters=[strip_filter])
    next_step = TextAreaField(_l("What I will do next"),
                              [Length(max=2000, message=_l("Please keep this to 2,000 characters."))],
                              filters=[strip_filter],
                              description=_l("One small, real step: call my sponsor, go to a meeting, tell Sam."))
    shared = BooleanField(_l("Let people who see my milestones see this setback"),
                          description=_l("Off by default. Telling before you're asked is a strong sign of honesty."))


class WinForm(MendForm):
    """A small win."""

    text = StringField(_l("Something I did right today"),
                       [InputRequired(_l("Please write what went well.")),
                        Length(max=280, message=_l("Please keep it to 280 characters.")), no_control_chars],
                       filters=[strip_filter])


class RecoveryStartForm(MendForm):
    """The day recovery is counted from."""

    recovery_start = _date(_l("My recovery start date"), description=_l("Optional. Used for milestones only."))


def checkin_form(commitment_id: int, day, status: str | None, note: str = "") -> CheckInForm:
    """Build the quick check-in form for one commitment and day, showing the answer already given."""
    form = CheckInForm(prefix=f"c{commitment_id}", formdata=None)
    form.day.data = day.isoformat()
    form.status.data = status
    form.note.data = note
    return form
