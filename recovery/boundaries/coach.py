"""The boundary coach: kind, explained notes on how a boundary is worded. It advises; it never blocks saving.

A boundary says what *I* will do ("If/when …, I will …") and the need behind it. It is not a way
to control the other person, a threat, or a punishment. In the CRAFT approach a loved one makes
sober time good, steps back from the good things during use, and lets natural consequences
happen — only when no one is in danger (never with a risk of overdose, violence, driving, or
children left unsafe). The coach looks for wording that drifts from that, says what it noticed and why it
matters, and offers one rewrite built from the user's own situation. It is rule-based, so every
note can be explained, and it is a helper: its notes are shown, never enforced.

The rules below read English; coach_es.py has the same six for Spanish. A boundary is read by the rules of the
language it is written in (reading.language_of: a Spanish boundary on an English page gets the Spanish rules),
and the notes are in the page's language.

How text is read
  Case does not matter; curly quotes and apostrophes count as straight ones; runs of spaces,
  tabs and line breaks count as one space. Phrases match whole words only ("must" never matches
  inside "mustard"), and an apostrophe may be left out ("youre", "cant", "wont").
  Words inside double quotes are someone's words being reported, as in: When you say "I'll never
  drink again". The phrase rules (control, threat, punishment, absolute) skip them.

The rules: at most one note per rule, in this order. Each note names the first field that
triggered it, looking at the fields in form order: situation, my_action, need, request.
  control     (my_action, need, request) Telling the other person what to do, or forbidding it:
              "you must", "you have to", "you need to", "you've got to", "you can't", "you cannot",
              "you're / you are / you aren't not allowed", "you'd better", "you had better";
              "you will", "you'll", "you won't", "you will not" and "you better" at the start of
              a clause (after the start of the text, punctuation, "then", "and", "or", "but",
              "now", "also", "otherwise"); "I won't let you" (but not "let you down"), "forbid",
              "I'm going to / I will make you" + go, stop, leave, quit and similar verbs (not
              "make you dinner"), "don't you dare", "I demand", "demand that".
              Not an order: a "you …" phrase right after a word such as if, when, unless, what,
              anything, know, understand, think, hope, that, because, since, do, would, can or
              saying ("call me if you need to", "I know you have to work late"); "you will / you'll"
              followed by a word that predicts or feels rather than orders (guess, see, know,
              find, feel, love, regret, be sorry, be fine, be welcome, be upset …); "you must be
              tired" and other feelings; "you need to / have to know"; "you can't imagine".
              Asking is fine: "I'm asking you to…", "please…" and "would you…" are what the
              request field is for, and those words are never flagged. The situation field is not
              checked: "If you have to work late" describes when the boundary applies.
  threat      (all fields) "or else", "you'll be sorry", "you will regret", "watch what happens",
              "see what happens", "last chance", "final warning", "last warning". Not a threat:
              "or else" and "see/watch what happens" in a sentence that starts with "I" or "we"
              ("I will go to a meeting or else call my sponsor", "I'll stay an hour and see what
              happens"); "my last chance" (said about oneself).
  punishment  (my_action, need, request) Steps meant to hurt or teach a lesson rather than to
              protect me: "teach you a lesson", "so you learn", "make you pay", "punish…",
              "silent treatment", "never speak/talk to you again", "speak to you ever again",
              "take the kids away / from you", "never see the kids", "tell everyone / the whole
              family / your boss" + about you or what you did, "humiliate", "embarrass you",
              "see how you like it". Not flagged when one of the four words before it is a "no"
              word ("This is not a punishment", "I won't give you the silent treatment").
              "Take the kids to my sister's" is a safety step, not a punishment. The situation
              field is not checked: "If you tell everyone about my relapse" describes what they did.
  about_them  (my_action) It says what THEY will do: it starts with you / he / she / they (after
              an optional "then"), or it has no first-person word (I, I'll, I'm, I've, I'd, me,
              my, mine, myself) at all. The second test is skipped when the action is already
              flagged as vague ("Things will change"): one note about the same words is enough.
  vague       (my_action) No concrete action: fewer than three words (a contraction counts as
              two, so "I'll leave" and "I will leave" both have three), or every part of it
              (split at punctuation, "and", "or", "but", "then") is only a feeling or an unclear
              outcome: "I will be upset", "I'll be angry and hurt", "I will feel hurt", "I'll think
              about it", "things will change", "there will be consequences", "something will
              happen", "I'll do something", "I'll react", "we'll see".
  absolute    (situation, my_action, request) "never", "always", "ever again", "forever", "at all
              times": absolutes are hard to keep and to check, so the note suggests a time frame
              or one clear situation. Not flagged: "never mind", "never guess", "not always" /
              "can't always" / "almost always", "always love", "love you forever / always",
              "never stop loving". The need field is not checked: a need may well be lasting.

A blank field is left alone (the form asks for what it needs). review() accepts any text,
including empty and very long input, and never raises.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass

from flask import has_app_context
from flask_babel import gettext as _

from recovery import i18n
from recovery.boundaries import coach_es
from recovery.boundaries.reading import (
    STRAIGHTEN,
    Action,
    Rules,
    clause_start,
    language_of,
    negated,
    next_words,
    normalize,
    sentence_before,
    unquoted,
    word_before,
)
from recovery.i18n import lazy_gettext as _l

ORDER = ("control", "threat", "punishment", "about_them", "vague", "absolute")

CODES = {
    "control": _l("Trying to control them"),
    "threat": _l("Sounds like a threat"),
    "punishment": _l("Sounds like a punishment"),
    "about_them": _l("About what they will do"),
    "vague": _l("Not clear what you will do"),
    "absolute": _l("Hard to keep forever"),
}

FIELDS = ("situation", "my_action", "need", "request")
_SCOPE = {
    "control": ("my_action", "need", "request"),
    "threat": FIELDS,
    "punishment": ("my_action", "need", "request"),
    "absolute": ("situation", "my_action", "request"),
}


@dataclass(frozen=True)
class Flag:
    """One thing the coach noticed, with a kind explanation and a rewrite idea."""

    code: str
    field: str
    message: str
    suggestion: str


# --- Reading text -----------------------------------------------------------------------------

_NEGATION = re.compile(r"(?:\b(?:not|never|no|without|cannot|dont|wont|cant|isnt|doesnt|didnt|arent)\b|n't\b)")


# --- Control ----------------------------------------------------------------------------------

_FEELINGS = ("upset|angry|mad|hurt|sad|disappointed|frustrated|annoyed|worried|scared|afraid|furious|"
             "unhappy|heartbroken|done|livid|anxious|stressed|lonely|betrayed|let down|crushed|devastated|"
             "pissed|pissed off|not happy|not okay|not ok|not pleased")
_FEELING_WORDS = frozenset(_FEELINGS.split("|")) | {"tired", "exhausted", "worn", "frightened", "hurting",
                                                     "proud", "overwhelmed", "hungry", "sick", "ashamed"}
_SOFTENERS = frozenset("never not ever always still also really just probably likely surely definitely soon "
                       "truly so very even feeling".split())

# After "you will / you'll / you won't": words that predict or feel rather than order.
_PREDICTING = frozenset("guess believe imagine know see find notice understand feel like love enjoy hear remember "
                        "realize realise regret wonder miss thank".split())
_BE_NOT_AN_ORDER = _FEELING_WORDS | frozenset("sorry fine ok okay safe welcome loved able glad happy surprised "
                                              "missed".split())
_JOINS = "then|and|or|but|now|also|otherwise"  # words that start a clause after them
_LEAD_NOT_AN_ORDER = frozenset("if when whenever unless until while whether what whatever anything everything "
                               "something where how why know knew understand realize realise get see think feel "
                               "believe hear sure that because since as before after wonder hope guess do does did "
                               "would could can will should may might are is saying".split())

_YOU_ORDER = re.compile(r"\byou(?:'ve got to| have got to| got to| gotta| must| have to| need to|'?re not allowed|"
                        r" are not allowed| aren'?t allowed|'?re forbidden| are forbidden| can'?t| cannot| can not|"
                        r"'?d better| had better)\b")
_YOU_WILL = re.compile(r"\byou(?: will not| will|'?ll not|'?ll| won'?t| better)\b")
_I_CONTROL = re.compile(
    r"\b(?:i won'?t|i will not|i'?m not going to|i am not going to) let (?:you|him|her|them)\b(?! down\b)"
    r"|\bforbid(?:s|den)?\b"
    r"|\b(?:i'?m going to|i am going to|i'?m gonna|i am gonna|i will|i'll|i'd) make (?:you|him|her|them) "
    r"(?:stop|go|leave|quit|get|see|understand|do|move|change|listen|stay|call|come|take|admit|promise|sign|"
    r"apologi[sz]e|realize|realise|tell|give)\b"
    r"|\bdon'?t you (?:even )?dare\b"
    r"|\bi (?:demand|am demanding)\b|\bi'?m demanding\b|\bdemand that\b")


def _not_an_order(hit: str, words: list[str]) -> bool:
    """Whether the words after a "you …" phrase show it is not an order."""
    first = words[0] if words else ""
    second = words[1] if len(words) > 1 else ""
    if hit.endswith("must"):
        return (first == "be" and second in _FEELING_WORDS) or (first == "have" and second in {"been", "had", "felt"}) \
            or first in {"know", "feel", "think", "miss"}
    if hit.endswith(("have to", "need to", "got to", "gotta")):
        return first == "know"
    if hit.endswith(("can't", "cant", "cannot", "can not")):
        return first in {"imagine", "believe", "guess", "know"}
    return False


def _find_control(text: str) -> str | None:
    for m in _YOU_ORDER.finditer(text):
        if word_before(text, m.start()) in _LEAD_NOT_AN_ORDER:
            continue
        if _not_an_order(m.group(0), next_words(text, m.end(), _SOFTENERS)):
            continue
        return m.group(0)
    for m in _YOU_WILL.finditer(text):
        if not clause_start(text, m.start(), _JOINS):
            continue
        if not m.group(0).endswith("better"):
            words = next_words(text, m.end(), _SOFTENERS)
            first = words[0] if words else ""
            if first in _PREDICTING or (first == "be" and len(words) > 1 and words[1] in _BE_NOT_AN_ORDER):
                continue
        return m.group(0)
    m = _I_CONTROL.search(text)
    return m.group(0) if m else None


# --- Threat -----------------------------------------------------------------------------------

_THREAT = re.compile(r"\b(?:or else|you(?:'?ll| will| are going to|'?re going to) (?:(?:really|so|truly|definitely) )?"
                     r"(?:be sorry|regret)|(?:watch|see) what happens|(?:last|final) (?:chance|warning)"
                     r"|last warning)\b")
_STARTS_FIRST_PERSON = re.compile(r"^(?:(?:then|and|so|but) )*(?:i|i'll|i'm|i'd|i've|im|we|we'll|we're|let's|lets)\b")


def _find_threat(text: str) -> str | None:
    for m in _THREAT.finditer(text):
        hit = m.group(0)
        if hit == "or else" or hit.endswith("what happens"):
            if _STARTS_FIRST_PERSON.search(sentence_before(text, m.start())):
                continue  # one of my own options: "I'll go to a meeting or else call my sponsor"
        if hit.endswith("chance") and word_before(text, m.start()) == "my":
            continue  # about myself: "this feels like my last chance"
        return hit
    return None


# --- Punishment -------------------------------------------------------------------------------

_THEM = r"(?:you|him|her|them)"
_KIDS = r"(?:kids|children|child|kid|son|daughter|baby|grandkids|grandchildren)"
_PUNISHMENT = re.compile(r"\b(?:" + "|".join([
    rf"teach {_THEM} (?:a|this|that|some|your) lessons?",
    r"so (?:that )?(?:you|he|she|they)(?:'?ll| will)? (?:finally )?learn",
    rf"make {_THEM} pay",
    r"punish(?:es|ed|ing|ment|ments)?",
    r"silent treatment",
    rf"never (?:speak|talk) to {_THEM} again",
    rf"(?:speak|talk) to {_THEM} ever again",
    rf"take (?:the|your|our|my) {_KIDS} (?:away(?: from {_THEM})?|from {_THEM})",
    rf"never see (?:the|your|our|my) {_KIDS}",
    r"tell (?:everyone|everybody|the whole family|the whole world|all (?:of )?(?:our|your) friends|your boss) "
    r"(?:about (?:you|your|what)|what you|that you|how you|you)",
    r"humiliat(?:e|es|ed|ing|ion)",
    rf"embarrass {_THEM}",
    r"see how you like it",
]) + r")\b")


def _find_punishment(text: str) -> str | None:
    for m in _PUNISHMENT.finditer(text):
        if not negated(text, m.start(), _NEGATION):
            return m.group(0)
    return None


# --- Absolute ---------------------------------------------------------------------------------

_ABSOLUTE = re.compile(r"\b(?:never|always|forever|ever again|at all times)\b")
_ABSOLUTE_OK = re.compile(r"\bnever mind\b|\bnever guess|(?:\b(?:not|almost|nearly|cannot|cant|dont|wont)|n't) always\b"
                          r"|\balways love|\blove (?:you|them|him|her) (?:always|forever)\b|\bnever stop loving\b")


def _find_absolute(text: str) -> str | None:
    allowed = [m.span() for m in _ABSOLUTE_OK.finditer(text)]
    for m in _ABSOLUTE.finditer(text):
        if not any(a <= m.start() < b for a, b in allowed):
            return m.group(0)
    return None


# --- About them and vague (my_action only) ----------------------------------------------------

_STARTS_WITH_THEM = re.compile(r"^[^a-z0-9]*(?:(?:and |so )?then,? )?(?:you|he|she|they)\b")
_FIRST_PERSON = re.compile(r"\b(?:i|me|my|mine|myself|im|ive)\b")

_VAGUE_SUBJECT = re.compile(r"^(?:(?:then|and|but|or|so) )*(?:(?:i|we) (?:will|would|might|may|could|shall|am|are)"
                            r"(?: (?:going to|gonna))?|i'll|i'd|we'll|we'd|i'?m(?: (?:going to|gonna))?"
                            r"|we're(?: (?:going to|gonna))?|i|we)\b ?")
_VAGUE_ADVERBS = re.compile(r"^(?:(?:probably|just|really|definitely|certainly|also|still|honestly|likely|then|only)"
                            r" )*")
_VAGUE_PREDICATE = re.compile("|".join([
    rf"(?:(?:be|feel|get|become|am|is|are) )?(?:(?:very|really|so|pretty|super|deeply|quite|extremely|a bit|a little|"
    rf"totally|more|even more|kind of|kinda) )*(?:{_FEELINGS})(?: (?:with|at|about|by|in|of) "
    r"(?:you|it|that|this|them|him|her|us))?",
    r"think (?:about|over) (?:it|that|this|things|what to do|what happens next|our relationship|us)",
    r"(?:have to |need to )?(?:do|say) something",
    r"react|respond|deal with it|handle it|take action|act|see|decide later|figure it out|figure something out",
    r"(?:have to |need to )?(?:rethink|reconsider)(?: (?:things|everything|us|our relationship|this|it))?",
    r"things (?:will|'ll|are going to|'re going to|might|may|could|would) "
    r"(?:change|be different|get worse|get bad|get ugly)",
    r"there (?:will|'ll|is going to|are going to|might|may|would) be "
    r"(?:consequences|problems|trouble|a problem|issues|hell to pay)",
    r"something (?:will|'ll|is going to|might|may|has to|needs to) (?:happen|change|give)",
    r"it (?:will|'ll|is going to|might|may) (?:be|get) (?:bad|ugly|hard|different|messy)",
]))
_CLAUSE_SPLIT = re.compile(r"\s*(?:[,;:.!?]+|\b(?:and|or|but|then)\b)\s*")


# --- Words shown to the user ------------------------------------------------------------------

# A situation typed in Spanish starts its rewrite the same way ("Cuando llega tarde", "Si usted …").
_CONDITION_START = re.compile(r"^(?:if|when|whenever|each time|every time|any time|anytime|once|while|after|before|"
                              r"until|unless|as long as|on days|on nights"
                              r"|si|cuando|siempre que|cada vez que|mientras|después de|antes de|hasta que|"
                              r"a menos que|en cuanto)\b", re.IGNORECASE)
_LOWER_FIRST = frozenset("you your you're he she they we my our their his her the there someone somebody anyone "
                         "people it this that a an "
                         "usted ustedes él ella ellos ellas mi mis su sus tu tus alguien el la los las un una "
                         "esto eso hay".split())
_MAX_SITUATION = 80


def _situation_phrase(situation: str | None) -> str:
    """The user's situation as the start of a rewrite: "When you come home drunk" (or "If …")."""
    text = re.sub(r"\s+", " ", situation or "").strip()
    text = text.translate(str.maketrans({'"': "'", "\u201c": "\u2018", "\u201d": "\u2019"}))
    text = text.rstrip(" .,;:!?\u2026").strip()
    if not text:
        return _("If \u2026")
    if len(text) > _MAX_SITUATION:
        text = text[:_MAX_SITUATION].rsplit(" ", 1)[0].rstrip(" .,;:!?") + "\u2026"
    if _CONDITION_START.match(text):
        return text[0].upper() + text[1:]
    first = text.split(" ", 1)[0].lower().translate(STRAIGHTEN)
    return _("If %(situation)s", situation=text[0].lower() + text[1:] if first in _LOWER_FIRST else text)


def _message(code: str, field: str, hit: str) -> str:
    if code == "control":
        if field == "request":
            return _('The words "%(hit)s" turn your request into an order. '
                     "A request works best when they are free to say yes or no.", hit=hit)
        if field == "need":
            return _('The words "%(hit)s" turn your need into a task for them. '
                     "A need is about what matters to you.", hit=hit)
        return _('The words "%(hit)s" tell the other person what they must or must not do. '
                 "You can't control their choices, but you can choose what you will do.", hit=hit)
    if code == "threat":
        return _('The words "%(hit)s" can sound like a warning or a threat, and that can make people dig in. '
                 "A boundary simply says what you will do, and then you do it.", hit=hit)
    if code == "punishment":
        return _('The words "%(hit)s" sound like they are meant to hurt or to teach a lesson. '
                 "A boundary is there to keep you safe and well, not to punish.", hit=hit)
    if code == "about_them":
        if hit == "starts":
            return _("This part says what they will do, not what you will do. You can only promise your own actions.")
        return _('We don\'t see "I" or "my" in what you will do. '
                 "A boundary works best when it names your own action.")
    if code == "vague":
        if hit == "short":
            return _("This is very short, so it may not be clear what you will do. One clear action is easier to keep.")
        return _("This says how you will feel or that something will change, but not what you will do. "
                 "Your feelings matter, and one clear action helps you both know what to expect.")
    return _('Words like "%(hit)s" are hard to keep and hard to check. '
             "A time frame or one clear situation makes it easier to follow through.", hit=hit)


def _rewrite(situation: str | None) -> tuple[str, str]:
    """The two rewrites a suggestion quotes, built from the user's situation: "When you drink, I will …", and
    with a time frame, "For the next month, when you drink, I will …"."""
    start = _situation_phrase(situation)
    return (_('"%(start)s, I will \u2026"', start=start),
            _('"For the next month, %(start)s, I will \u2026"', start=start[0].lower() + start[1:]))


def _speaking(written_in: str, page: str):
    """The rewrites are in the language the boundary is written in, the notes around them in the page's (outside
    an app there are no translations to switch)."""
    return i18n.speaking(written_in) if written_in != page and has_app_context() else nullcontext()


def _suggestion(code: str, field: str, will: str, month: str) -> str:
    if code == "control" and field == "request":
        return _('Try: "I\'m asking you to \u2026" — they are free to say no. What you will do goes in %(will)s',
                 will=will)
    if code == "control" and field == "need":
        return _('Try: "I need \u2026" with something about you, like feeling safe. '
                 "Then say what you will do: %(will)s", will=will)
    if code == "control":
        return _("Try: %(will)s — and name one thing you will do, like leaving the room or staying with a friend.",
                 will=will)
    if code == "threat":
        return _("Try: %(will)s — said calmly, as a plan, like going for a walk or staying at a friend's.", will=will)
    if code == "punishment":
        return _("Try: %(will)s — and pick a step that protects you, like taking some space, not one meant to hurt.",
                 will=will)
    if code == "about_them":
        return _('Try: %(will)s — and start with "I", like "I will leave early" or "I will not lend money."',
                 will=will)
    if code == "vague":
        return _("Try: %(will)s — and add one thing you will do that others could see, like going to a friend's.",
                 will=will)
    return _("Try a time frame: %(quote)s You can renew it later.", quote=month)


# --- The coach --------------------------------------------------------------------------------

ENGLISH = Rules(finders={"control": _find_control, "threat": _find_threat, "punishment": _find_punishment,
                         "absolute": _find_absolute},
                action=Action(fewest_words=3, clause_split=_CLAUSE_SPLIT, subject=_VAGUE_SUBJECT,
                              adverbs=_VAGUE_ADVERBS, only_feelings=_VAGUE_PREDICATE,
                              starts_with_them=_STARTS_WITH_THEM, has_me=lambda text: bool(_FIRST_PERSON.search(text))))

# The languages whose wording the rules read. On a page in another language the coach stays silent (no notes, and
# no "this reads like a clear boundary") rather than misread the words.
RULES = {"en": ENGLISH, "es": coach_es.RULES}
LANGUAGES = frozenset(RULES)


def reads(language: str) -> bool:
    """Tell whether the coach can read boundaries written in `language`."""
    return language in LANGUAGES


def review(situation: str, my_action: str, need: str = "", request: str = "", language: str = "en") -> list[Flag]:
    """Return what the coach notices, at most one flag per code, in a stable order (control, threat, punishment,
    about_them, vague, absolute).

    `language` is the page's. On a page in a language the coach doesn't read there are no notes (the page offers
    no check). Otherwise the words are read in the language they are written in when that is clear (a Spanish
    boundary on an English page, or the other way round), and in the page's when it is not.
    """
    if not reads(language):
        return []
    texts = {"situation": normalize(situation), "my_action": normalize(my_action), "need": normalize(need),
             "request": normalize(request)}
    written_in = language_of(list(texts.values()), language)
    rules = RULES[written_in]
    reported_words_out = {field: unquoted(text) for field, text in texts.items()}
    found: dict[str, tuple[str, str]] = {}
    for code, finder in rules.finders.items():
        for field in (f for f in FIELDS if f in _SCOPE[code]):
            hit = finder(reported_words_out[field])
            if hit:
                found[code] = (field, hit)
                break
    vague = rules.action.vague(texts["my_action"])
    if vague:
        found["vague"] = ("my_action", vague)
    about = rules.action.about_them(texts["my_action"], vague is not None)
    if about:
        found["about_them"] = ("my_action", about)

    if not found:
        return []
    with _speaking(written_in, language):
        will, month = _rewrite(situation)
    return [Flag(code=code, field=found[code][0], message=_message(code, *found[code]),
                 suggestion=_suggestion(code, found[code][0], will, month))
            for code in ORDER if code in found]
