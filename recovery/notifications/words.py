"""What a notification says, worked out from its kind: never from anyone's notes, boundaries or amends.

Outside the page (an email's subject and first line, a push on a lock screen) the default is one neutral
sentence that says nothing about recovery. A person may choose fuller wording for themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from recovery import i18n
from recovery.notifications.models import (
    CONSENT_ENDING,
    PLAN_REVIEW,
    QUIET,
    REACH_OUT,
    REMINDER,
    WAITING,
    WEEKLY,
    Notification,
)


def N_(words: str) -> str:  # noqa: N802  (the name pybabel looks for)
    """Mark words for translation where they are written; they are translated where they are used, _(NEUTRAL)."""
    return words


# In English here; read in the recipient's language with _() where they are used. Emails and pushes are
# drawn inside i18n.speaking(their language) (services._send_out).
NEUTRAL = N_("You have something to look at in Mend.")
NEUTRAL_SUBJECT = N_("Something to look at in Mend")

# What a person turns on, in the words of the settings page, by the kinds it covers.
CHOICE_OF = {REMINDER: "daily", WAITING: "daily", WEEKLY: "weekly", QUIET: "circle", REACH_OUT: "circle",
             PLAN_REVIEW: "daily", CONSENT_ENDING: "daily"}


@dataclass(frozen=True)
class Words:
    text: str  # the full sentence, shown inside Mend
    subject: str  # a short title for email and push when fuller wording is chosen
    endpoint: str
    args: dict


def words_for(n: Notification, person: bool) -> Words:
    """The words and the page of one notification, for its recipient (`person`: in recovery)."""
    name = n.about.display_name if n.about is not None else _("Someone in your circle")
    if n.kind == REMINDER:
        return Words(_("A reminder to check in: one was still open that day."), _("Time for today's check-in"),
                     "tracker.today", {})
    if n.kind == WAITING:
        if n.count:
            text = ngettext("%(num)d thing waiting for your word: days to confirm, a boundary to read, or an "
                            "invitation.",
                            "%(num)d things waiting for your word: days to confirm, a boundary to read, or an "
                            "invitation.", n.count)
        else:
            text = _("Something waiting for your word: days to confirm, a boundary to read, or an invitation.")
        return Words(text, _("Something is waiting for you in Mend"), "dashboards.home", {})
    if n.kind == WEEKLY:
        return Words(_("Your week in Mend is ready to look at."), _("Your week in Mend"),
                     "tracker.overview" if person else "dashboards.home", {})
    if n.kind == QUIET:
        return Words(ngettext("%(name)s hasn't checked in for %(num)d day. They asked Mend to let you know. "
                              "A kind hello can help; you don't need to fix anything.",
                              "%(name)s hasn't checked in for %(num)d days. They asked Mend to let you know. "
                              "A kind hello can help; you don't need to fix anything.", n.count, name=name),
                     ngettext("%(name)s has been quiet for %(num)d day", "%(name)s has been quiet for %(num)d days",
                              n.count, name=name), "dashboards.home", {})
    if n.kind == PLAN_REVIEW:
        return Words(_("It's been three months since you last changed your plan for hard days. "
                       "Read it through: does it still fit your life now?"), _("Time to look at your plan again"),
                     "plan.index", {})
    if n.kind == CONSENT_ENDING:
        # The key is "tie id:last day" (recovery/notifications/services._consents_ending).
        tie_id, __, last_day = n.key.partition(":")
        day = i18n.format_day(date.fromisoformat(last_day), "%A %-d %B")
        return Words(_("Your consent for %(name)s to see what you share ends after %(day)s. To keep sharing, "
                       "renew it. To let it end, you don't need to do anything.", name=name, day=day),
                     _("A consent you gave ends soon"), "supporters.consent", {"connection_id": int(tie_id)})
    if n.kind == REACH_OUT:
        return Words(_("%(name)s would like to hear from you. A call or a message is enough.", name=name),
                     _("%(name)s would like to hear from you", name=name), "dashboards.home", {})
    return Words(_(NEUTRAL), _(NEUTRAL_SUBJECT), "dashboards.home", {})


def outside_words(n: Notification, person: bool, full_wording: bool) -> tuple[str, str]:
    """(subject, first line) for email and push: neutral unless the recipient chose fuller wording."""
    if not full_wording:
        return _(NEUTRAL_SUBJECT), _(NEUTRAL)
    words = words_for(n, person)
    return words.subject, words.text
