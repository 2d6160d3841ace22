"""The amends safety check: could direct contact hurt anyone? It advises — except on a no-contact order.

Four questions, each answered yes, no, or "not sure yet":
  1. Could contacting them hurt them?
  2. Could it hurt me or someone else?
  3. Is there a court order or a clear request for no contact?
  4. Would it ease my guilt more than it helps them?

Any "yes" discourages direct amends, suggests indirect or living amends instead, and
suggests talking it over with a sponsor or counsellor first. "Not sure yet" is read as a
maybe: not knowing is a reason to wait and find out, so the advice says to hold off on direct
contact and talk it over first (never more than that: it never opens contact another answer
closed). A court order or a clear
request for no contact is not advice: contact would break it, so direct amends is no
longer offered for that entry (see amends.contact). Step 9 of the twelve steps carves
out amends that would injure others; this check is Mend's gentle version of that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from recovery.i18n import lazy_gettext as _l

QUESTIONS = {
    "safety_harm_them": _l("Could contacting them hurt them — bring back pain, fear or danger?"),
    "safety_harm_others": _l("Could it hurt me or someone else, like their partner or my family?"),
    "safety_no_contact": _l("Is there a court order, or have they clearly asked for no contact?"),
    "safety_for_me": _l("Would it mostly ease my guilt, more than it helps them?"),
}


@dataclass(frozen=True)
class SafetyAdvice:
    """What the answers suggest."""

    answered: int
    concerns: tuple[str, ...] = ()
    discourage_direct: bool = False
    suggest: tuple[str, ...] = ()
    talk_first: bool = False
    no_contact: bool = False
    messages: tuple[str, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return self.answered == len(QUESTIONS)

    @property
    def unsure(self) -> int:
        """How many questions are "not sure yet" (or not answered yet)."""
        return len(QUESTIONS) - self.answered


def assess(answers: dict[str, bool | None]) -> SafetyAdvice:
    """Turn the four answers into advice. Unanswered questions count as neither yes nor no."""
    concerns = tuple(k for k in QUESTIONS if answers.get(k) is True)
    answered = sum(1 for k in QUESTIONS if answers.get(k) is not None)
    if not concerns:
        messages = ()
        if answered == len(QUESTIONS):
            messages = (_("Nothing here suggests direct amends would cause harm. "
                          "Going over the plan with a sponsor or counsellor is still a good idea."),)
        elif answered:
            messages = (ngettext(
                "You said “not sure yet” to one question. That's an honest answer. Not knowing yet is a reason to "
                "wait and find out: hold off on direct contact for now, and talk it over with a sponsor or "
                "counsellor first. They can help you find the answer. Indirect and living amends are open to you "
                "now.",
                "You said “not sure yet” to %(num)d questions. That's an honest answer. Not knowing yet is a reason "
                "to wait and find out: hold off on direct contact for now, and talk it over with a sponsor or "
                "counsellor first. They can help you find the answer. Indirect and living amends are open to you "
                "now.",
                len(QUESTIONS) - answered),)
        return SafetyAdvice(answered=answered, messages=messages)
    no_contact = "safety_no_contact" in concerns
    messages = [
        _("Because of your answers, a direct conversation may not be the kindest way to make this right."),
        _("Indirect amends (like a donation, or repaying someone anonymously) or living amends "
          "(changing how you act, day after day) can mean just as much."),
        _("Please talk it over with a sponsor, counsellor or someone you trust before you decide."),
    ]
    if no_contact:
        messages[:2] = [
            _("A court order or a clear request for no contact is not advice: contacting them would break it, "
              "and breaking a court order can be a crime. Direct amends is not a choice for this person."),
            _("Indirect amends (like a donation, or repaying through a third party) or living amends "
              "(changing how you act, day after day) are the ways open to you, and they can mean just as much."),
        ]
    if answered < len(QUESTIONS):
        # Never a way back to contact: only that not knowing is one more reason to wait and talk first.
        messages.append(ngettext(
            "You're also not sure yet about one question. Not knowing is a reason to wait and find out. "
            "A sponsor or counsellor can help you think it through.",
            "You're also not sure yet about %(num)d questions. Not knowing is a reason to wait and find out. "
            "A sponsor or counsellor can help you think it through.",
            len(QUESTIONS) - answered))
    return SafetyAdvice(answered=answered, concerns=concerns, discourage_direct=True,
                        suggest=("indirect", "living"), talk_first=True, no_contact=no_contact,
                        messages=tuple(messages))
