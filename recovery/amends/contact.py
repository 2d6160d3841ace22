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

from flask_babel import gettext as _

# Guides whose whole point is talking with the person an amends entry is about.
CONTACT_SCRIPTS = frozenset({"making-an-amends"})
# The suggested step that asks for contact; it is only offered where contact is welcome and safe.
CONTACT_STEP = "Check that now is a good time for them"
# A step that asks for contact: a contact verb aimed at them ("call her", "visit Mum", "write to them").
_VERBS = (r"call|phone|ring|text|visit|meet(?: with| up with)?|see|talk to|talk with|speak to|speak with|"
          r"message|email|e-mail|write to|send|contact|reach out to|apologi[sz]e to|say sorry to|ask|tell|"
          r"go to see|drop by|knock on")
_OBJECTS = r"them|her|him"
# The same in Spanish (a step is checked in both, whatever the page's language): "Llamarla", "visitar a Mamá",
# "hablar con ella", "Le escribo", "una carta para Casey".
_ES_STEMS = r"ll[aá]m|telefone|escr[ií]b|vis[ií]t|contact|busc|mand|env[ií]|avis|pregunt|d[ií]|dec|ped[ií]"
_ES_ENCLITIC = rf"\b(?:(?:{_ES_STEMS})\w*?(?:le|la|lo|les|las|los)|ver(?:la|le|lo|las|les|los))\b"
_ES_VERBS = (r"llamar|llamo|llama|llame|llamar[eé]|visitar|visito|visite|visitar[eé]|ver|veo|ver[eé]|escribir|"
             r"escribo|escriba|escribir[eé]|hablar|hablo|hable|hablar[eé]|contactar|contacto|contacte|buscar|busco|"
             r"mandar|enviar|disculparme|encontrarme|quedar|reunirme|ir a ver|pasar a ver|acercarme|"
             r"ponerme en contacto|comunicarme|pedir perd[oó]n|pedirle perd[oó]n|decir|decirle")
_ES_OBJECTS = r"ella|[eé]l|ellos|ellas"
_ES_CLITIC_FIRST = (r"\b(?:la|lo|le|les|los|las)\s+(?:llamo|llamar[eé]|voy a llamar|visito|visitar[eé]|voy a visitar|"
                    r"veo|ver[eé]|voy a ver|escribo|escribir[eé]|voy a escribir|busco|buscar[eé]|contacto|"
                    r"contactar[eé]|mando|mandar[eé]|pido perd[oó]n|pedir[eé] perd[oó]n|digo|dir[eé])\b")

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
        return ContactAdvice(NO_CONTACT, _(
            "You said there is a court order or a clear request for no contact with %(who)s. "
            "Contacting them would break it, and breaking a court order can be a crime. "
            "Mend won't suggest any contact. Indirect amends and living amends are the ways open to you, "
            "and they can mean just as much.", who=who))
    if openness_status == "paused":
        # Pausing hides their answer; whatever it was, a pause is no time to suggest contact.
        return ContactAdvice(PAUSED, _(
            "Your connection with %(who)s is paused, so Mend won't suggest any contact for now. "
            "Indirect and living amends are open to you.", who=who))
    if openness_status == "no":
        return ContactAdvice(DECLINED, _(
            "%(who)s has asked you not to contact them about amends. Mend won't suggest any contact. "
            "Respecting their answer is part of making amends. Living amends, and indirect amends that "
            "need no contact, are still open to you.", who=who))
    if openness_status == "not_yet":
        return ContactAdvice(NOT_YET, _(
            "%(who)s has said they're not ready for an amends conversation yet. Mend won't suggest contact "
            "unless they change their answer. For now you could write down what you'd want to say, work on "
            "living amends, and talk it over with your sponsor or counsellor.", who=who))
    if any(getattr(entry, k) for k in ("safety_harm_them", "safety_harm_others", "safety_for_me")):
        return ContactAdvice(RISK, _(
            "Your safety answers found a risk, so Mend won't suggest contacting %(who)s. "
            "Please talk it over with a sponsor or counsellor before you decide anything.", who=who))
    if entry.status == "not_possible":
        return ContactAdvice(NOT_POSSIBLE, _("You marked this as not possible, so Mend won't suggest any contact."))
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
    es_objects = _ES_OBJECTS + ("|" + re.escape(first) if first else "")
    es_aimed = rf"\b(?:{_ES_VERBS})\s+(?:a|con)\s+(?:{es_objects})\b"
    es_written = rf"\b(?:carta|nota|mensaje|tarjeta|correo|texto)\s+(?:a|para)\s+(?:{es_objects})\b"
    return any(re.search(pattern, text, re.IGNORECASE) for pattern in
               (aimed, written, es_aimed, es_written, _ES_ENCLITIC, _ES_CLITIC_FIRST))
