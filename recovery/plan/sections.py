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
    title: str  # as the plan shows it
    ask: str  # the question the edit page asks
    hint: str  # a line under the question
    example: tuple[str, ...]  # a short example, shown while the section is empty
    their: str = ""  # the title as someone the plan is shared with reads it
    commitment: bool = False  # each line can become a tracker commitment


SECTIONS: tuple[Section, ...] = (
    Section("warning-signs", "warning_signs", "lines", "My warning signs",
            "What tells me a hard time may be coming?",
            "Thoughts, feelings, or things that happen. One on each line.",
            ("I stop answering texts.", "I think “just one won't hurt”.", "I feel on edge after payday."),
            their="Warning signs to notice", commitment=True),
    Section("triggers", "triggers", "triggers", "My triggers and how I'll handle them",
            "What makes using more likely, and what will I do about each?",
            "A person, a place, a time or a feeling, and one thing you will do.",
            ("Friday night after work: go straight home and call Sam on the way.",),
            their="Triggers, and what they'll do"),
    Section("on-my-own", "coping", "lines", "Things I can do on my own",
            "What can I do by myself to get through an urge or a bad night?",
            "Small things that work for you. One on each line.",
            ("Take a cold shower.", "Walk around the block.", "Wait 20 minutes and watch the urge pass."),
            their="Things they can do on their own", commitment=True),
    Section("people-and-places", "comfort", "lines", "People and places that help me feel better",
            "Where can I go, or who can I be with, to take my mind off things?",
            "You don't have to talk about how you feel. One on each line.",
            ("The library.", "My cousin's kitchen.", "A meeting."),
            their="People and places that help"),
    Section("people-to-ask", "helpers", "people", "People I can ask for help",
            "Who can I call or text when I need help?",
            "Choose someone from your circle or type a name. Add a number if you like: the plan then shows "
            "a link to call or text them.",
            ("Sam, 555 0100",),
            their="People they can ask for help"),
    Section("professionals", "professionals", "contacts", "Professionals and services",
            "Who can I reach for help from someone trained?",
            "Your counsellor, sponsor, doctor or treatment centre. The help lines for your country are always "
            "shown too.",
            ("My sponsor, Alex: 555 0199",),
            their="Professionals and services"),
    Section("safer", "safer", "lines", "Making my surroundings safer",
            "What can I do to put distance between me and using?",
            "One step on each line.",
            ("No alcohol in the house.", "Delete the numbers I used to buy from.",
             "Give my bank card to Sam on Fridays."),
            their="Making their surroundings safer"),
    Section("reasons", "reasons", "lines", "My reasons to keep going",
            "What matters most to me?",
            "In your own words. One on each line.",
            ("Casey's school play.", "Waking up with a clear head.", "The trust I'm building back."),
            their="Their reasons to keep going"),
    Section("how-to-help", "how_to_help", "note", "How you can help when I use this plan",
            "What helps, and what doesn't, when I'm having a hard time?",
            "Only the people you share your plan with see this.",
            ("If I text “hard night”, please call me. Don't lecture: just stay with me for a while.",),
            their="How you can help"),
)

BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}
STEPS: tuple[Section, ...] = tuple(s for s in SECTIONS if s.kind != "note")  # the numbered steps of the plan
NOTE: Section = BY_KEY["how-to-help"]
