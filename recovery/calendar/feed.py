"""The .ics of a calendar feed: a person's active commitments as all-day events.

Whoever holds the address can read the feed, so it says as little as it can: no "why", no
notes, and by default not even the titles, because phones show event titles on the lock screen.
If the person chose it (Settings, Reminders), each event carries an alarm at their reminder time.
Its words are in the owner's language (users.language), whoever fetches it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import ngettext
from icalendar import Alarm, Calendar, Event
from sqlalchemy.orm import selectinload

from recovery import i18n
from recovery.accounts.models import User
from recovery.calendar.models import CalendarFeed
from recovery.db import db, utcnow
from recovery.i18n import lazy_gettext as _l
from recovery.notifications.models import NotificationSettings
from recovery.tracker.models import DAILY, ONCE, PAUSED_SCHEDULE, WEEKDAYS, WEEKLY, Commitment, ScheduleVersion

PLAIN_TITLE = _l("Mend: a commitment")
DESCRIPTION = _l("Open Mend to check in.")
PRODID = "-//Mend//Commitments//EN"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def feed_commitments(user_id: int) -> list[Commitment]:
    """Load the user's active commitments with their schedules, in one go."""
    return list(
        db.session.scalars(
            sa.select(Commitment)
            .where(Commitment.owner_id == user_id, Commitment.status == "active")
            .options(selectinload(Commitment.schedules))
            .order_by(Commitment.start_date, Commitment.id)
        )
    )


def current_schedule(commitment: Commitment) -> ScheduleVersion | None:
    """Return the commitment's latest schedule version."""
    return max(commitment.schedules, key=lambda v: v.valid_from, default=None)


def _first_weekday_on_or_after(day: date, mask: int) -> date:
    """Return the first day from `day` whose weekday is in the mask (Monday = 1 ... Sunday = 64)."""
    for offset in range(7):
        candidate = day + timedelta(days=offset)
        if mask & (1 << candidate.weekday()):
            return candidate
    return day


def commitment_event(commitment: Commitment, plain_titles: bool, stamp: datetime,
                     url: str | None = None, alarm_at: time | None = None) -> Event | None:
    """Turn an active commitment's current schedule into an all-day event, or None if nothing is due."""
    version = current_schedule(commitment)
    if commitment.status != "active" or version is None or version.kind == PAUSED_SCHEDULE:
        return None
    start = max(commitment.start_date, version.valid_from)
    summary = str(PLAIN_TITLE) if plain_titles else commitment.title
    rule: dict | None = None
    if version.kind == DAILY:
        rule = {"freq": "daily"}
    elif version.kind == WEEKDAYS:
        mask = version.weekdays & 0x7F
        if not mask:
            return None
        # RFC 5545 leaves a DTSTART that the rule would not produce undefined: start on a due day.
        start = _first_weekday_on_or_after(start, mask)
        rule = {"freq": "weekly", "byday": [BYDAY[i] for i in range(7) if mask & (1 << i)]}
    elif version.kind == WEEKLY:
        if version.times_per_week < 1:
            return None
        rule = {"freq": "weekly", "byday": [BYDAY[start.weekday()]]}
        summary = ngettext("%(title)s (once this week)", "%(title)s (%(num)d times this week)",
                           version.times_per_week, title=summary)
    elif version.kind == ONCE:
        if version.once_on is None:
            return None
        start = version.once_on
    else:
        return None

    end = commitment.end_date
    if rule is not None and end is not None:
        if end < start:
            return None
        rule["until"] = end  # a DATE, like DTSTART

    event = Event()
    event.add("uid", f"commitment-{commitment.id}@mend")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", str(DESCRIPTION))
    # A commitment is not a meeting: it should not mark the person as busy.
    event.add("transp", "TRANSPARENT")
    if rule is not None:
        event.add("rrule", rule)
    if url:
        event.add("url", url)
    if alarm_at is not None:
        # The reminder time the person chose (Settings, Reminders): hours after the all-day event's start.
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(hours=alarm_at.hour, minutes=alarm_at.minute), parameters={"RELATED": "START"})
        event.add_component(alarm)
    return event


def build_calendar(timezone: str, commitments: list[Commitment], plain_titles: bool,
                   url: str | None = None, now: datetime | None = None, alarm_at: time | None = None) -> Calendar:
    """Build the VCALENDAR of a user's commitments."""
    stamp = now or utcnow()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Mend")
    calendar.add("x-wr-timezone", timezone)
    for commitment in commitments:
        event = commitment_event(commitment, plain_titles, stamp, url, alarm_at)
        if event is not None:
            calendar.add_component(event)
    return calendar


def feed_ics(feed: CalendarFeed, url: str | None = None) -> bytes:
    """Return the .ics text of a feed: its owner's active commitments and nobody else's."""
    timezone, language = db.session.execute(
        sa.select(User.timezone, User.language).where(User.id == feed.user_id)).one_or_none() or ("UTC", "")
    commitments = feed_commitments(feed.user_id)
    alarm_at = db.session.scalar(sa.select(NotificationSettings.daily_time).where(
        NotificationSettings.user_id == feed.user_id, NotificationSettings.calendar_alarm.is_(True)))
    # Fetched by a calendar app, not by a signed-in person: the words are the owner's language.
    with i18n.speaking(language or ""):
        return build_calendar(timezone or "UTC", commitments, feed.plain_titles, url, alarm_at=alarm_at).to_ical()
