"""May Mend suggest contacting someone about an amends entry? And if not, why — in plain words.

Mend must never push contact where it can harm. Four things stop every suggestion of contact
for an entry (a step, a plan, a "next step", a guide):

  * the safety check says there is a court order or a clear request for no contact. That is
    not advice: contact would break it. Direct amends is not offered at all;
  * the loved one answered "No — please don't contact me about this". Also not advice: direct
    amends is not offered;
  * the loved one answered "Not yet": nothing is suggested until they change their answer;
  * the connection is paused: their answer is hidden, and nothing about contact is offered;
  * the safety check found another risk, or the entry is marked "not possible".

The last two still leave every choice to the person (the safety check advises, never blocks);
the first two close direct contact for that entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Guides whose whole point is talking with the person an amends entry is about.
CONTACT_SCRIPTS = frozenset({"making-an-amends"})
# The suggested step that asks for contact; it is only offered where contact is welcome and safe.
CONTACT_STEP = "Check that now is a good time for them"
# A step that asks for contact: a contact verb aimed at them ("call her", "visit Mum", "write to them").
_VERBS = (r"call|phone|ring|text|visit|meet(?: with| up with)?|see|talk to|talk with|speak to|speak with|"
          r"message|email|e-mail|write to|send|contact|reach out to|apologi[sz]e to|say sorry to|ask|tell|"
          r"go to see|drop by|knock on")
_OBJECTS = r"them|her|him"

NO_CONTACT, DECLINED, NOT_YET, RISK, NOT_POSSIBLE = "no_contact", "declined", "not_yet", "risk", "not_possible"
PAUSED = "paused"


@dataclass(frozen=True)
class ContactAdvice:
    """Whether contact may be suggested for one entry, and the words that say why not."""

    reason: str = ""
    message: str = ""

    @property
    def allowed(self) -> bool:
        """Mend may suggest contact (a contact step, a plan for the conversation)."""
        return not self.reason

    @property
    def closed(self) -> bool:
        """Contact is ruled out by an order or by their own "no": direct amends is not offered."""
        return self.reason in (NO_CONTACT, DECLINED, PAUSED)


def advise(entry, openness_status: str | None, name: str | None = None) -> ContactAdvice:
    """Decide, for one entry and the loved one's openness answer (if any), whether contact may be suggested."""
    who = name or entry.person_name
    if entry.safety_no_contact:
        return ContactAdvice(NO_CONTACT, (
            f"You said there is a court order or a clear request for no contact with {who}. "
            "Contacting them would break it, and breaking a court order can be a crime. "
            "Mend won't suggest any contact. Indirect amends and living amends are the ways open to you, "
            "and they can mean just as much."))
    if openness_status == "paused":
        # Pausing hides their answer; whatever it was, a pause is no time to suggest contact.
        return ContactAdvice(PAUSED, (
            f"Your connection with {who} is paused, so Mend won't suggest any contact for now. "
            "Indirect and living amends are open to you."))
    if openness_status == "no":
        return ContactAdvice(DECLINED, (
            f"{who} has asked you not to contact them about amends. Mend won't suggest any contact. "
            "Respecting their answer is part of making amends. Living amends, and indirect amends that "
            "need no contact, are still open to you."))
    if openness_status == "not_yet":
        return ContactAdvice(NOT_YET, (
            f"{who} has said they're not ready for an amends conversation yet. Mend won't suggest contact "
            "unless they change their answer. For now you could write down what you'd want to say, work on "
            "living amends, and talk it over with your sponsor or counsellor."))
    if any(getattr(entry, k) for k in ("safety_harm_them", "safety_harm_others", "safety_for_me")):
        return ContactAdvice(RISK, (
            f"Your safety answers found a risk, so Mend won't suggest contacting {who}. "
            "Please talk it over with a sponsor or counsellor before you decide anything."))
    if entry.status == "not_possible":
        return ContactAdvice(NOT_POSSIBLE, "You marked this as not possible, so Mend won't suggest any contact.")
    return ContactAdvice()


def asks_for_contact(text: str, name: str = "") -> bool:
    """Does a step ask to contact the person ("Call her", "Visit Mum on Sunday", the suggested check)?"""
    text = (text or "").strip()
    if text.lower() == CONTACT_STEP.lower():
        return True
    objects = _OBJECTS
    first = (name or "").strip().split(" ")[0]
    if first:
        objects += "|" + re.escape(first)
    aimed = rf"\b(?:{_VERBS})\b\s+(?:{objects})\b"
    written = rf"\b(?:letter|note|message|card|text|email)\s+(?:to|for)\s+(?:{objects})\b"
    return re.search(aimed, text, re.IGNORECASE) is not None or re.search(written, text, re.IGNORECASE) is not None
