"""How the boundary coach reads text, in any language: tidying, quotes, sentences, and which language it is.

Each language's rules (coach.py for English, coach_es.py for Spanish) are a `Rules`: four phrase finders
(control, threat, punishment, absolute) and two readings of "what I will do" (vague, about them).
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


@dataclass(frozen=True)
class Rules:
    """One language's rules. Each finder takes normalized, unquoted text and returns the words it noticed."""

    finders: Mapping[str, Callable[[str], str | None]]  # control, threat, punishment, absolute
    vague: Callable[[str], str | None]  # "short", "feelings" or None, for what I will do
    about_them: Callable[[str, bool], str | None]  # "starts", "no_i" or None; the bool: already vague


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
