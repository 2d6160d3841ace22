"""What a notification says, worked out from its kind: never from anyone's notes, boundaries or amends.

Outside the page (an email's subject and first line, a push on a lock screen) the default is one neutral
sentence that says nothing about recovery. A person may choose fuller wording for themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from recovery.notifications.models import PLAN_REVIEW, QUIET, REACH_OUT, REMINDER, WAITING, WEEKLY, Notification

NEUTRAL = "You have something to look at in Mend."
NEUTRAL_SUBJECT = "Something to look at in Mend"

# What a person turns on, in the words of the settings page, by the kinds it covers.
CHOICE_OF = {REMINDER: "daily", WAITING: "daily", WEEKLY: "weekly", QUIET: "circle", REACH_OUT: "circle",
             PLAN_REVIEW: "daily"}


@dataclass(frozen=True)
class Words:
    text: str  # the full sentence, shown inside Mend
    subject: str  # a short title for email and push when fuller wording is chosen
    endpoint: str
    args: dict


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def words_for(n: Notification, person: bool) -> Words:
    """The words and the page of one notification, for its recipient (`person`: in recovery)."""
    name = n.about.display_name if n.about is not None else "Someone in your circle"
    if n.kind == REMINDER:
        return Words("A reminder to check in: one was still open that day.", "Time for today's check-in",
                     "tracker.today", {})
    if n.kind == WAITING:
        what = f"{n.count} thing{'s' if n.count != 1 else ''}" if n.count else "Something"
        return Words(f"{what} waiting for your word: days to confirm, a boundary to read, or an invitation.",
                     "Something is waiting for you in Mend", "dashboards.home", {})
    if n.kind == WEEKLY:
        return Words("Your week in Mend is ready to look at.", "Your week in Mend",
                     "tracker.overview" if person else "dashboards.home", {})
    if n.kind == QUIET:
        return Words(f"{name} hasn't checked in for {_days(n.count)}. They asked Mend to let you know. "
                     "A kind hello can help; you don't need to fix anything.",
                     f"{name} has been quiet for {_days(n.count)}", "dashboards.home", {})
    if n.kind == PLAN_REVIEW:
        return Words("It's been three months since you last changed your plan for hard days. "
                     "Read it through: does it still fit your life now?", "Time to look at your plan again",
                     "plan.index", {})
    if n.kind == REACH_OUT:
        return Words(f"{name} would like to hear from you. A call or a message is enough.",
                     f"{name} would like to hear from you", "dashboards.home", {})
    return Words(NEUTRAL, NEUTRAL_SUBJECT, "dashboards.home", {})


def outside_words(n: Notification, person: bool, full_wording: bool) -> tuple[str, str]:
    """(subject, first line) for email and push: neutral unless the recipient chose fuller wording."""
    if not full_wording:
        return NEUTRAL_SUBJECT, NEUTRAL
    words = words_for(n, person)
    return words.subject, words.text
