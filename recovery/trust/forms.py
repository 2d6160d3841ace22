"""The trust check-in form: three 1-7 questions and an optional note."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import Length, ValidationError

from recovery.forms import MendForm, ScaleField, strip_filter
from recovery.trust.services import NOTE_MAX, SCALE

SCALE_MESSAGE = "Please choose a number from 1 to 7."

# Our own wording of the three facets of trust (Rempel, Holmes & Zanna, 1985).
# field -> (short name, question about {name}, what the question is getting at)
QUESTIONS: dict[str, tuple[str, str, str]] = {
    "predictability": (
        "Predictability",
        "These days, how well can you tell what {name} will do?",
        "Think about everyday things: plans, moods, showing up.",
    ),
    "dependability": (
        "Dependability",
        "How much can you count on {name} to do what they say they'll do?",
        "Think about promises and plans, big or small.",
    ),
    "faith": (
        "Faith",
        "Looking ahead, how sure do you feel that {name} will be there for you, whatever comes?",
        "There's no right answer. Go with how you feel today.",
    ),
}
LOW_END = "Not at all"
HIGH_END = "Completely"


def no_hidden_characters(form, field):
    """Refuse invisible control characters; line breaks and tabs are fine in a note."""
    if field.data and any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in field.data):
        raise ValidationError("Please remove the invisible characters from your note.")


def scale_answer(label: str = "", **kwargs):
    """A 1-7 answer picked with radio buttons (recovery/forms.py ScaleField)."""
    return ScaleField(label, scale=SCALE, message=SCALE_MESSAGE, **kwargs)


class TrustCheckInForm(MendForm):
    """How much do you trust them today? Three questions and an optional note."""

    predictability = scale_answer()
    dependability = scale_answer()
    faith = scale_answer()
    note = TextAreaField(
        "A note, if you like",
        [Length(max=NOTE_MAX, message=f"Please keep your note to {NOTE_MAX:,} characters or fewer."),
         no_hidden_characters],
        filters=[strip_filter],
    )

    def __init__(self, *args, person_name: str = "them", **kwargs):
        super().__init__(*args, **kwargs)
        for name, (short, question, hint) in QUESTIONS.items():
            field = getattr(self, name)
            field.label.text = question.format(name=person_name)
            field.description = hint
            field.short = short
        self.note.description = (f"Anything you want to remember about this week. If you share your trust "
                                 f"check-ins with {person_name}, they'll see this note too.")

    @property
    def scales(self):
        """The three questions, in order."""
        return [self.predictability, self.dependability, self.faith]
