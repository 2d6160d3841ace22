"""The guided path on each dashboard: a few steps per role that tick themselves off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel.speaklater import LazyString

from recovery.accounts.models import LOVED_ONE, PERSON, User
from recovery.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Step:
    """One step on a role's path."""

    key: str
    title: LazyString  # words marked for translation, read in the reader's language when shown
    why: LazyString
    endpoint: str
    roles: frozenset[str]
    is_done: Callable[[User, dict], bool]
    # A step for any time: it never ticks off and never blocks the next step (looking after yourself).
    any_time: bool = False
    anchor: str = ""
    button: LazyString = _l("Start this step")


@dataclass(frozen=True)
class StepState:
    """A step with whether this user has done it."""

    step: Step
    done: bool


# Features add their first step here as they land. Each role's steps, in the order shown.
STEPS: list[Step] = [
    Step(
        "connect", _l("Connect with someone"),
        _l("Mend works best with two people. Invite a loved one, or accept their invitation."),
        "circle.invite", frozenset({PERSON}), lambda user, facts: facts["connections"] > 0,
        button=_l("Invite someone"),
    ),
    Step(
        "connect", _l("Connect with the person you support"),
        _l("Invite them, or open the link they sent you. You stay in charge of what you share."),
        "circle.invite", frozenset({LOVED_ONE}), lambda user, facts: facts["connections"] > 0,
        button=_l("Invite them"),
    ),
    # A loved one's own boundary comes before sharing: it is the first thing most of them choose to share.
    Step(
        "boundary", _l("Write one boundary for yourself"),
        _l("A boundary says what you will do when something happens. It looks after you, and it doesn't try to "
           "control anyone."),
        "boundaries.new", frozenset({LOVED_ONE}), lambda user, facts: facts.get("boundaries", 0) > 0,
    ),
    Step(
        "share", _l("Choose what to share"),
        _l("Nothing is shared until you say so. Share one thing to start, like your boundaries; you can stop "
           "any time."),
        "circle.index", frozenset({PERSON, LOVED_ONE}), lambda user, facts: facts["my_grants"] > 0,
    ),
    Step(
        "commitment", _l("Make one small commitment"),
        _l("Pick something you can keep, like being home for dinner. Trust grows from small things done again "
           "and again."),
        "tracker.new_commitment", frozenset({PERSON}), lambda user, facts: facts.get("commitments", False),
        button=_l("Make my first commitment"),
    ),
    Step(
        "checkin", _l("Check in honestly"),
        _l("Each day it's due, say how it went: kept, partly or missed. Honest beats perfect."),
        "tracker.today", frozenset({PERSON}), lambda user, facts: facts.get("checked_in", False),
    ),
    Step(
        "amends", _l("Write down one person you'd like to make amends to"),
        _l("Just a name is enough to start. A safety check helps you choose a way that hurts no one."),
        "amends.new", frozenset({PERSON}), lambda user, facts: facts.get("amends", 0) > 0,
    ),
    Step(
        "boundary", _l("Write one boundary"),
        _l("A boundary says what you will do when something happens. It protects you without controlling anyone."),
        "boundaries.new", frozenset({PERSON}), lambda user, facts: facts.get("boundaries", 0) > 0,
    ),
    # No step asks a loved one to answer about amends: whether and when to answer is theirs alone.
    Step(
        "trust", _l("Record how much you trust them today"),
        _l("Three quick questions, just for you. Once a week is enough to see which way your trust is moving."),
        "trust.index", frozenset({LOVED_ONE}), lambda user, facts: facts.get("trust_checkins", 0) > 0,
    ),
    Step(
        "talk", _l("Prepare for one honest conversation"),
        _l("Pick a guide, fill it in with your own words, and read it over before you talk."),
        "conversations.index", frozenset({PERSON, LOVED_ONE}), lambda user, facts: facts.get("plans", 0) > 0,
    ),
    Step(
        "support", _l("Find support for yourself"),
        _l("Groups for families and friends, and counsellors who work with families, help many people. "
           "You matter here too."),
        "pages.help", frozenset({LOVED_ONE}), lambda user, facts: False, any_time=True, anchor="ongoing",
        button=_l("Find support"),
    ),
]


def path_for(user: User, facts: dict) -> list[StepState]:
    """Return this user's path, each step marked done or not."""
    return [StepState(s, bool(s.is_done(user, facts))) for s in STEPS if user.role in s.roles]
