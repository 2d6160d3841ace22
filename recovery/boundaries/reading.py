"""How the boundary coach reads text, in any language: tidying, quotes, sentences, and which language it is.

Each language's rules (coach.py for English, coach_es.py for Spanish) are a `Rules`: four phrase finders
(control, threat, punishment, absolute) and an `Action`, how the language says what I will do, for the two
notes about it (vague, about them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

STRAIGHTEN = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
})
_QUOTED = re.compile(r'"[^"]*"')


def normalize(text: str | None) -> str:
    """Lower-case text with straight quotes and single spaces."""
    text = unicodedata.normalize("NFKC", (text or "").translate(STRAIGHTEN)).lower()
    return re.sub(r"\s+", " ", text).strip()


def unquoted(text: str) -> str:
    """The text with quoted words (someone's reported words) blanked out."""
    return _QUOTED.sub('""', text)


def sentence_before(text: str, start: int) -> str:
    """The part of the sentence that comes before position `start` (Spanish ¿ and ¡ open a sentence too)."""
    cut = max(text.rfind(mark, 0, start) for mark in ".;!?\u00bf\u00a1")
    return text[cut + 1:start].strip()


def word_before(text: str, start: int) -> str | None:
    """The word right before position `start`, or None if punctuation or the start comes first."""
    m = re.search(r"([a-z']+) $", text[max(0, start - 60):start])
    return m.group(1) if m else None


def clause_start(text: str, start: int, joins: str) -> bool:
    """Whether position `start` begins a clause: the start, punctuation, or one of the words in `joins` (a regex
    alternation: "then|and|or" in English) comes right before it."""
    if not text[:start].strip(" \"'\u00bf\u00a1"):
        return True
    before = text[max(0, start - 40):start]
    return bool(re.search(rf"(?:[,;:.!?()\"\u00bf\u00a1\u2013\u2014-]|\b(?:{joins}))\s*$", before))


def next_words(text: str, end: int, skip: frozenset[str], n: int = 2) -> list[str]:
    """Up to `n` words after position `end`, skipping words in `skip`."""
    words = re.findall(r"[a-z']+", text[end:end + 120])
    while words and words[0] in skip:
        words.pop(0)
    return words[:n]


def negated(text: str, start: int, negation: re.Pattern[str]) -> bool:
    """Whether one of the four words before `start` (in the same clause) is a "no" word (`negation`)."""
    clause = re.split(r"[,;:.!?\u00bf\u00a1]", text[max(0, start - 200):start])[-1]
    return bool(negation.search(" ".join(clause.split()[-4:])))


@dataclass(frozen=True)
class Action:
    """How one language says what I will do, for the two notes about it (vague, about them)."""

    fewest_words: int  # fewer words than this: too short to say what I will do
    clause_split: re.Pattern[str]  # where one part of it ends: punctuation, "and", "or", "but"…
    subject: re.Pattern[str]  # the start of a part that only says who: "I will", "we're going to"…
    adverbs: re.Pattern[str]  # then words that add nothing: "probably", "really"…
    only_feelings: re.Pattern[str]  # what is left when a part is only a feeling or an unclear outcome
    starts_with_them: re.Pattern[str]  # it starts with the other person: "you", "he", "she", "they"
    has_me: Callable[[str], bool]  # whether any word of it is about me
    bare: Callable[[str], str] = str  # the text as the patterns read it (Spanish: accents off)

    def vague(self, text: str) -> str | None:
        """"short", "feelings" or None for a normalized my_action."""
        words = re.findall(r"\w+", text)
        if not words:
            return None
        if len(words) < self.fewest_words:
            return "short"
        clauses = [c for c in self.clause_split.split(self.bare(text)) if c and c.strip("'\" -")]
        for clause in clauses:
            rest = self.adverbs.sub("", self.subject.sub("", clause.strip("'\" -"), count=1), count=1)
            if not self.only_feelings.fullmatch(rest.strip()):
                return None
        return "feelings" if clauses else None

    def about_them(self, text: str, vague: bool) -> str | None:
        """"starts" or "no_i" or None for a normalized my_action; `vague`: it is already noted as vague, and one
        note about the same words is enough."""
        if not re.search(r"\w", text):
            return None
        if self.starts_with_them.search(text):
            return "starts"
        if not vague and not self.has_me(text):
            return "no_i"
        return None


@dataclass(frozen=True)
class Rules:
    """One language's rules. Each finder takes normalized, unquoted text and returns the words it noticed."""

    finders: Mapping[str, Callable[[str], str | None]]  # control, threat, punishment, absolute
    action: Action


# Short words that show which language a boundary is written in. Words both languages use ("no", "a", "me")
# are left out, and so are names: a boundary with none of these is read in the page's language.
_MARKERS = {
    "en": frozenset("the i i'll i'm i've i'd you you'll you're your will won't don't can't and to my if when "
                    "is of it with for not be at this that we they he she what do have".split()),
    "es": frozenset("el la los las de del que y en se si cuando por con para una un mi mis tu tus te le les "
                    "voy vas va es lo al yo usted su sus pero más mas está esta estoy muy sin porque "
                    "como hasta ya nunca siempre vez otra casa dinero".split()),
}
_SPANISH_LETTERS = re.compile("[áéíóúñü¿¡]")


def language_of(texts: list[str], default: str) -> str:
    """The language the texts seem written in ("en" or "es"), or `default` when it can't tell.

    A person may write in one language on a page in the other (a bilingual family, or a boundary written before
    they changed their language), and the coach reads the words as written.
    """
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", " ".join(texts))
    counts = {language: sum(word in markers for word in words) for language, markers in _MARKERS.items()}
    counts["es"] += 2 * min(3, len(_SPANISH_LETTERS.findall(" ".join(texts))))
    if counts["es"] > counts["en"]:
        return "es"
    if counts["en"] > counts["es"]:
        return "en"
    return default
