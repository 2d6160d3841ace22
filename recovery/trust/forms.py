"""The trust check-in form: three 1-7 questions and an optional note."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import TextAreaField
from wtforms.validators import Length, ValidationError

from recovery.forms import MendForm, ScaleField, strip_filter
from recovery.i18n import lazy_gettext as _l
from recovery.trust.services import NOTE_MAX, NOTE_MAX_WORDS, SCALE

SCALE_MESSAGE = _l("Please choose a number from 1 to 7.")

# Our own wording of the three facets of trust (Rempel, Holmes & Zanna, 1985).
# field -> (short name, question about %(name)s, what the question is getting at)
QUESTIONS: dict[str, tuple[str, str, str]] = {
    "predictability": (
        _l("Predictability"),
        _l("These days, how well can you tell what %(name)s will do?"),
        _l("Think about everyday things: plans, moods, showing up."),
    ),
    "dependability": (
        _l("Dependability"),
        _l("How much can you count on %(name)s to do what they say they'll do?"),
        _l("Think about promises and plans, big or small."),
    ),
    "faith": (
        _l("Faith"),
        _l("Looking ahead, how sure do you feel that %(name)s will be there for you, whatever comes?"),
        _l("There's no right answer. Go with how you feel today."),
    ),
}
LOW_END = _l("Not at all")
HIGH_END = _l("Completely")


def no_hidden_characters(form, field):
    """Refuse invisible control characters; line breaks and tabs are fine in a note."""
    if field.data and any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in field.data):
        raise ValidationError(_("Please remove the invisible characters from your note."))


def scale_answer(label: str = "", **kwargs):
    """A 1-7 answer picked with radio buttons (recovery/forms.py ScaleField)."""
    return ScaleField(label, scale=SCALE, message=SCALE_MESSAGE, **kwargs)


class TrustCheckInForm(MendForm):
    """How much do you trust them today? Three questions and an optional note."""

    predictability = scale_answer()
    dependability = scale_answer()
    faith = scale_answer()
    note = TextAreaField(
        _l("A note, if you like"),
        [Length(max=NOTE_MAX, message=_l("Please keep your note to %(count)s characters or fewer.",
                                         count=NOTE_MAX_WORDS)),
         no_hidden_characters],
        filters=[strip_filter],
    )

    def __init__(self, *args, person_name: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (short, question, hint) in QUESTIONS.items():
            field = getattr(self, name)
            field.label.text = str(question) % {"name": person_name if person_name is not None else _("them")}
            field.description = hint
            field.short = short
        self.note.description = _("Anything you want to remember about this week. If you share your trust "
                                  "check-ins with %(name)s, they'll see this note too.",
                                  name=person_name if person_name is not None else _("them"))

    @property
    def scales(self):
        """The three questions, in order."""
        return [self.predictability, self.dependability, self.faith]
