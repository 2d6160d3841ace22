"""The sections of a plan for hard days, in the order safety plans use, with our own words for each.

Each section is one page to fill in on a phone. `kind` says what it holds:

* "lines": a list of short lines, typed one per line in a text box;
* "triggers": pairs of a trigger and what I'll do about it;
* "people": people I can ask for help, from my circle or typed, each with an optional number;
* "contacts": professionals and services, typed, each with an optional number;
* "note": a few sentences for the people I share the plan with.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel.speaklater import LazyString

from recovery.i18n import lazy_gettext as _l
from recovery.i18n import plain

# Limits: a plan is read in a hurry, so each part stays short.
MAX_LINES = 12  # lines in one list
LINE_LENGTH = 200  # characters in one line
LINES_TEXT = MAX_LINES * (LINE_LENGTH + 2)  # the text box as typed, line breaks included
MAX_ROWS = 10  # triggers, people or services in one section
BLANK_ROWS = 2  # empty rows offered after the filled ones
NAME_LENGTH = 80
PHONE_LENGTH = 30
TRIGGER_LENGTH = 200
RESPONSE_LENGTH = 300
NOTE_LENGTH = 1500


@dataclass(frozen=True)
class Section:
    """One part of the plan: where it is stored, what it asks, and a short example."""

    key: str  # in the page's address, e.g. /plan/warning-signs
    column: str  # on HardDaysPlan
    kind: str
    # The words, marked for translation; read through `title`, `ask`, `hint`, `example` and `their`, which
    # give them in the reader's language as plain strings at the moment they are asked for.
    title_words: LazyString  # as the plan shows it
    ask_words: LazyString  # the question the edit page asks
    hint_words: LazyString  # a line under the question
    example_words: tuple[LazyString, ...]  # a short example, shown while the section is empty
    their_words: LazyString | str = ""  # the title as someone the plan is shared with reads it
    commitment: bool = False  # each line can become a tracker commitment

    title = plain("title_words")
    ask = plain("ask_words")
    hint = plain("hint_words")
    their = plain("their_words")

    @property
    def example(self) -> tuple[str, ...]:
        return tuple(str(line) for line in self.example_words)


SECTIONS: tuple[Section, ...] = (
    Section("warning-signs", "warning_signs", "lines", _l("My warning signs"),
            _l("What tells me a hard time may be coming?"),
            _l("Thoughts, feelings, or things that happen. One on each line."),
            (_l("I stop answering texts."), _l("I think “just one won't hurt”."), _l("I feel on edge after payday.")),
            their_words=_l("Warning signs to notice"), commitment=True),
    Section("triggers", "triggers", "triggers", _l("My triggers and how I'll handle them"),
            _l("What makes using more likely, and what will I do about each?"),
            _l("A person, a place, a time or a feeling, and one thing you will do."),
            (_l("Friday night after work: go straight home and call Sam on the way."),),
            their_words=_l("Triggers, and what they'll do")),
    Section("on-my-own", "coping", "lines", _l("Things I can do on my own"),
            _l("What can I do by myself to get through an urge or a bad night?"),
            _l("Small things that work for you. One on each line."),
            (_l("Take a cold shower."), _l("Walk around the block."), _l("Wait 20 minutes and watch the urge pass.")),
            their_words=_l("Things they can do on their own"), commitment=True),
    Section("people-and-places", "comfort", "lines", _l("People and places that help me feel better"),
            _l("Where can I go, or who can I be with, to take my mind off things?"),
            _l("You don't have to talk about how you feel. One on each line."),
            (_l("The library."), _l("My cousin's kitchen."), _l("A meeting.")),
            their_words=_l("People and places that help")),
    Section("people-to-ask", "helpers", "people", _l("People I can ask for help"),
            _l("Who can I call or text when I need help?"),
            _l("Choose someone from your circle or type a name. Add a number if you like: the plan then shows "
               "a link to call or text them."),
            (_l("Sam, 555 0100"),),
            their_words=_l("People they can ask for help")),
    Section("professionals", "professionals", "contacts", _l("Professionals and services"),
            _l("Who can I reach for help from someone trained?"),
            _l("Your counsellor, sponsor, doctor or treatment centre. The help lines for your country are always "
               "shown too."),
            (_l("My sponsor, Alex: 555 0199"),),
            their_words=_l("Professionals and services")),
    Section("safer", "safer", "lines", _l("Making my surroundings safer"),
            _l("What can I do to put distance between me and using?"),
            _l("One step on each line."),
            (_l("No alcohol in the house."), _l("Delete the numbers I used to buy from."),
             _l("Give my bank card to Sam on Fridays.")),
            their_words=_l("Making their surroundings safer")),
    Section("reasons", "reasons", "lines", _l("My reasons to keep going"),
            _l("What matters most to me?"),
            _l("In your own words. One on each line."),
            (_l("Casey's school play."), _l("Waking up with a clear head."), _l("The trust I'm building back.")),
            their_words=_l("Their reasons to keep going")),
    Section("how-to-help", "how_to_help", "note", _l("How you can help when I use this plan"),
            _l("What helps, and what doesn't, when I'm having a hard time?"),
            _l("Only the people you share your plan with see this."),
            (_l("If I text “hard night”, please call me. Don't lecture: just stay with me for a while."),),
            their_words=_l("How you can help")),
)

BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}
STEPS: tuple[Section, ...] = tuple(s for s in SECTIONS if s.kind != "note")  # the numbered steps of the plan
NOTE: Section = BY_KEY["how-to-help"]
