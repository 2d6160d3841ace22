"""Forms for supporters' consent: the consent a person fills in, and the links either side makes.

The rules of a consent (what may be shared, the reason, the last day) live in services.offer_problems, so
the forms only read what was typed; the views put each refusal beside its field.
"""

from __future__ import annotations

from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from recovery.accounts.models import SUPPORTER_KINDS, User
from recovery.circle.permissions import areas_for_role
from recovery.forms import FriendlyDateField, MendForm, choice_list, no_control_chars, strip_filter
from recovery.i18n import lazy_gettext as _l
from recovery.supporters.services import LABEL_MAX, PURPOSE_MAX


class EndDateField(FriendlyDateField):
    """The consent's last day: left empty, it is missing (the service says so), not a badly typed date."""

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


def _label_field(label, description) -> StringField:
    return StringField(label, [Length(max=LABEL_MAX, message=_l("Please keep the note to %(num)d characters or fewer.",
                                                                num=LABEL_MAX)), no_control_chars],
                       filters=[strip_filter], description=description)


class ConsentForm(MendForm):
    """What a person shares with a supporter, why, and until when."""

    areas = SelectMultipleField(_l("What they can see"), choices=[], option_widget=CheckboxInput(),
                                widget=ListWidget(prefix_label=False), validate_choice=False)
    purpose = TextAreaField(_l("Why you are sharing"), filters=[strip_filter])
    ends_on = EndDateField(_l("The last day it lasts"), format="%Y-%m-%d")

    def for_owner(self, owner: User) -> ConsentForm:
        """Offer the owner's own parts of Mend (a loved one's differ from a person in recovery's)."""
        self.areas.choices = choice_list((a.key, a.label) for a in areas_for_role(owner.role))
        return self


class InviteSupporterForm(ConsentForm):
    """Invite a supporter: who they are to you, a private note, then the consent you offer."""

    kind = RadioField(_l("Who are they to you?"), choices=choice_list(SUPPORTER_KINDS.items()),
                      validators=[InputRequired(_l("Please choose who they are to you."))])
    label = _label_field(_l("Who is it for? (optional, only you see this)"),
                         _l("A reminder for you, like “Dr Lee” or “my sponsor Ana”."))


class InvitePersonForm(MendForm):
    """A supporter's link for someone they support: a suggested reason and a private note, both optional."""

    purpose = TextAreaField(_l("Why you'd like to see what they share (optional)"),
                            [Length(max=PURPOSE_MAX, message=_l("Please keep the reason to %(num)d characters or "
                                                                "fewer.", num=PURPOSE_MAX))],
                            filters=[strip_filter],
                            description=_l("They see this as a suggestion and can change it. For example: "
                                           "“To prepare for our sessions.”"))
    label = _label_field(_l("Who is it for? (optional, only you see this)"), _l("A reminder for you, like “Jordan”."))
