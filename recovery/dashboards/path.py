"""The guided path on each dashboard: a few steps per role that tick themselves off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from recovery.accounts.models import LOVED_ONE, PERSON, User


@dataclass(frozen=True)
class Step:
    """One step on a role's path."""

    key: str
    title: str
    why: str
    endpoint: str
    roles: frozenset[str]
    is_done: Callable[[User, dict], bool]
    # A step for any time: it never ticks off and never blocks the next step (looking after yourself).
    any_time: bool = False
    anchor: str = ""
    button: str = "Start this step"


@dataclass(frozen=True)
class StepState:
    """A step with whether this user has done it."""

    step: Step
    done: bool


# Features add their first step here as they land. Each role's steps, in the order shown.
STEPS: list[Step] = [
    Step(
        "connect", "Connect with someone",
        "Mend works best with two people. Invite a loved one, or accept their invitation.",
        "circle.invite", frozenset({PERSON}), lambda user, facts: facts["connections"] > 0,
        button="Invite someone",
    ),
    Step(
        "connect", "Connect with the person you support",
        "Invite them, or open the link they sent you. You stay in charge of what you share.",
        "circle.invite", frozenset({LOVED_ONE}), lambda user, facts: facts["connections"] > 0,
        button="Invite them",
    ),
    # A loved one's own boundary comes before sharing: it is the first thing most of them choose to share.
    Step(
        "boundary", "Write one boundary for yourself",
        "A boundary says what you will do when something happens. It looks after you, and it doesn't try to "
        "control anyone.",
        "boundaries.new", frozenset({LOVED_ONE}), lambda user, facts: facts.get("boundaries", 0) > 0,
    ),
    Step(
        "share", "Choose what to share",
        "Nothing is shared until you say so. Share one thing to start, like your boundaries; you can stop any time.",
        "circle.index", frozenset({PERSON, LOVED_ONE}), lambda user, facts: facts["my_grants"] > 0,
    ),
    Step(
        "commitment", "Make one small commitment",
        "Pick something you can keep, like being home for dinner. Trust grows from small things done again and again.",
        "tracker.new_commitment", frozenset({PERSON}), lambda user, facts: facts.get("commitments", False),
        button="Make my first commitment",
    ),
    Step(
        "checkin", "Check in honestly",
        "Each day it's due, say how it went: kept, partly or missed. Honest beats perfect.",
        "tracker.today", frozenset({PERSON}), lambda user, facts: facts.get("checked_in", False),
    ),
    Step(
        "amends", "Write down one person you'd like to make amends to",
        "Just a name is enough to start. A safety check helps you choose a way that hurts no one.",
        "amends.new", frozenset({PERSON}), lambda user, facts: facts.get("amends", 0) > 0,
    ),
    Step(
        "boundary", "Write one boundary",
        "A boundary says what you will do when something happens. It protects you without controlling anyone.",
        "boundaries.new", frozenset({PERSON}), lambda user, facts: facts.get("boundaries", 0) > 0,
    ),
    # No step asks a loved one to answer about amends: whether and when to answer is theirs alone.
    Step(
        "trust", "Record how much you trust them today",
        "Three quick questions, just for you. Once a week is enough to see which way your trust is moving.",
        "trust.index", frozenset({LOVED_ONE}), lambda user, facts: facts.get("trust_checkins", 0) > 0,
    ),
    Step(
        "talk", "Prepare for one honest conversation",
        "Pick a guide, fill it in with your own words, and read it over before you talk.",
        "conversations.index", frozenset({PERSON, LOVED_ONE}), lambda user, facts: facts.get("plans", 0) > 0,
    ),
    Step(
        "support", "Find support for yourself",
        "Groups for families and friends, and counsellors who work with families, help many people. "
        "You matter here too.",
        "pages.help", frozenset({LOVED_ONE}), lambda user, facts: False, any_time=True, anchor="ongoing",
        button="Find support",
    ),
]


def path_for(user: User, facts: dict) -> list[StepState]:
    """Return this user's path, each step marked done or not."""
    return [StepState(s, bool(s.is_done(user, facts))) for s in STEPS if user.role in s.roles]
