"""The consistency score, streaks and day-by-day record of a commitment, on local dates.

The score follows the Loop Habit Tracker (uhabits, Score.kt): every due occasion moves
it a step towards 1 (kept), 0.5 (partly kept) or 0 (missed):

    score = previous * m + value * (1 - m)

For a daily commitment m = 0.5 ** (1/13): the weight of the past halves every 13 due
days, so 30 kept days in a row reach about 80 % and a single miss after a long run
costs only a few points. Unlike Loop, days that are not due never move the score at
all, so a Monday-Wednesday-Friday commitment is not pulled down on Tuesdays. To keep
the same half-life in calendar time (Loop's 13 / sqrt(f) days for a commitment due f
times per day on average), each occasion uses m = 0.5 ** (1 / (13 * sqrt(f))).

A due day with no check-in counts as missed once the day is over; today, still open,
counts for nothing yet. "N times a week" commitments count each kept day as one
occasion and, when a week is over, one missed occasion for each time short of N.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from babel.dates import get_day_names, get_month_names
from babel.support import NullTranslations
from flask import has_app_context
from flask_babel import gettext as _
from flask_babel import ngettext

from recovery import i18n
from recovery.tracker.models import DAILY, KEPT, MISSED, ONCE, PARTLY, PAUSED_SCHEDULE, WEEKDAYS, WEEKLY

VALUES = {KEPT: 1.0, PARTLY: 0.5, MISSED: 0.0}
HALF_LIFE = 13


@dataclass(frozen=True)
class CalendarWords:
    """The words a calendar speaks in one language: names of days and months (Babel's locale data), the ways
    dates are written, and this request's translations. A calendar fetches them once (calendar_words) and
    names each of its 182 days with them, with no lookup per day."""

    days: tuple[str, ...]  # Monday first
    months: tuple[str, ...]  # January first
    long: str  # "Thursday 5 March 2026"
    medium: str  # "5 March 2026"
    sign: str  # the decimal sign: "0.5" in English, "0,5" in Spanish
    capital_days: bool  # whether the language writes the days' names with a capital ("Tuesday", not "martes")
    words: NullTranslations
    language: str = "en"  # the code of the language these are (a key for words worked out once per language)
    # The sentences already looked up for this calendar, by English and count: 182 days ask for four.
    said: dict = field(default_factory=dict, compare=False, repr=False)

    def gettext(self, string: str, **values) -> str:
        """flask_babel's gettext, from the translations fetched once."""
        text = self.said.get(string)
        if text is None:
            text = self.said[string] = self.words.ugettext(string)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: int, **values) -> str:
        """flask_babel's ngettext, from the translations fetched once."""
        key = (singular, num)
        text = self.said.get(key)
        if text is None:
            text = self.said[key] = self.words.ungettext(singular, plural, num)
        values["num"] = num
        return text % values

    def long_date(self, day: date) -> str:
        return self.long % {"weekday": self.days[day.weekday()], "day": day.day,
                            "month": self.months[day.month - 1], "year": day.year}

    def medium_date(self, day: date) -> str:
        return self.medium % {"day": day.day, "month": self.months[day.month - 1], "year": day.year}

    def number(self, value: float) -> str:
        """A count that may be a half ("5", "5.5"), with this language's decimal sign."""
        return f"{int(value)}" if value % 1 == 0 else f"{value:.1f}".replace(".", self.sign)


# Per language: the names and the ways of writing a date (the catalogue is read once per process too).
_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, str]] = {}
_NO_WORDS = NullTranslations()


def calendar_words() -> CalendarWords:
    """The calendar's words in the page's language (English outside an app)."""
    in_app = has_app_context()
    code = i18n.page_language() if in_app else "en"
    names = _NAMES.get(code)
    if names is None:
        days, months = get_day_names("wide", locale=code), get_month_names("wide", locale=code)
        names = _NAMES[code] = (tuple(days[i] for i in range(7)), tuple(months[m] for m in range(1, 13)),
                                _("%(weekday)s %(day)d %(month)s %(year)d"), _("%(day)d %(month)s %(year)d"),
                                i18n.decimal_sign(code), days[0][:1].isupper())
    return CalendarWords(*names, words=i18n.translations() if in_app else _NO_WORDS, language=code)


def weekday_name(index: int) -> str:
    """A day of the week by its number (Monday = 0), in the page's language."""
    return calendar_words().days[index]


def long_date(day: date) -> str:
    """"Thursday 5 March 2026" (what f"{day:%A %-d %B %Y}" writes in English), in the page's language."""
    return calendar_words().long_date(day)


@dataclass(frozen=True)
class Schedule:
    """One version of a schedule, valid from a local date until the next version."""

    valid_from: date
    kind: str
    weekdays: int = 0
    times_per_week: int = 0
    once_on: date | None = None

    @property
    def frequency(self) -> float:
        """How many times a day it is due, on average (Loop's f)."""
        if self.kind == DAILY:
            return 1.0
        if self.kind == WEEKDAYS:
            return bin(self.weekdays & 0x7F).count("1") / 7
        if self.kind == WEEKLY:
            return min(self.times_per_week, 7) / 7
        if self.kind == ONCE:
            return 1.0
        return 0.0

    def due_on(self, day: date) -> bool:
        """Tell whether this schedule asks for the commitment on that day (not for weekly ones)."""
        if self.kind == DAILY:
            return True
        if self.kind == WEEKDAYS:
            return bool(self.weekdays & (1 << day.weekday()))
        if self.kind == ONCE:
            return day == self.once_on
        return False

    def describe(self) -> str:
        """Say the schedule in plain words, in the page's language."""
        if self.kind == DAILY:
            return _("Every day")
        if self.kind == WEEKDAYS:
            days = [weekday_name(i) for i in range(7) if self.weekdays & (1 << i)]
            if len(days) == 7:
                return _("Every day")
            if len(days) == 1:
                return _("Every %(day)s", day=days[0])
            return _("Every %(days)s and %(last)s", days=", ".join(days[:-1]), last=days[-1])
        if self.kind == WEEKLY:
            return ngettext("Once a week", "%(num)d times a week, on any days", self.times_per_week)
        if self.kind == ONCE:
            return _("Once, on %(date)s", date=long_date(self.once_on)) if self.once_on else _("Once")
        return _("Paused")


def multiplier(frequency: float) -> float:
    """Return how much of the old score one due occasion keeps."""
    return 0.5 ** (1 / (HALF_LIFE * math.sqrt(frequency)))


def schedule_on(versions: Sequence[Schedule], day: date) -> Schedule | None:
    """Return the version in force on a day (versions sorted by valid_from)."""
    current = None
    for version in versions:
        if version.valid_from <= day:
            current = version
        else:
            break
    return current


@dataclass(frozen=True)
class Occasion:
    """One due occasion: a day, and how it went (value None while it is still open)."""

    day: date
    value: float | None
    frequency: float


@dataclass(frozen=True)
class DayRecord:
    """What a single day looked like for a commitment."""

    day: date
    due: bool
    status: str | None  # kept, partly, missed (recorded), "unrecorded" (past, due, no check-in), None


def occasions(start: date, end: date | None, versions: Sequence[Schedule],
              checkins: Mapping[date, str], today: date, first: date | None = None,
              until: date | None = None) -> list[Occasion]:
    """List the due occasions of a commitment from its start (or `first`, a Monday) until today (or `until`)."""
    last = min(end, today) if end else today
    if until is not None:
        last = min(last, until)
    result: list[Occasion] = []
    day = max(start, first) if first else start
    week_done = 0
    while day <= last:
        schedule = schedule_on(versions, day)
        if schedule is not None and schedule.kind != PAUSED_SCHEDULE:
            status = checkins.get(day)
            if schedule.kind == WEEKLY:
                if day.weekday() == 0 or day == start:
                    week_done = 0
                if status in (KEPT, PARTLY) and week_done < schedule.times_per_week:
                    week_done += 1
                    result.append(Occasion(day, VALUES[status], schedule.frequency))
                week_over = day.weekday() == 6 and day < today
                if week_over:
                    covered = _days_covered(versions, day, start)
                    expected = schedule.times_per_week * covered // 7
                    for _missing in range(max(0, expected - week_done)):
                        result.append(Occasion(day, 0.0, schedule.frequency))
            elif schedule.due_on(day):
                if status is not None:
                    result.append(Occasion(day, VALUES[status], schedule.frequency))
                elif day < today:
                    result.append(Occasion(day, 0.0, schedule.frequency))
                else:
                    result.append(Occasion(day, None, schedule.frequency))
        day += timedelta(days=1)
    return result


def _days_covered(versions: Sequence[Schedule], sunday: date, start: date) -> int:
    """Count the days of the week ending on `sunday` with a weekly schedule in force."""
    count = 0
    for offset in range(7):
        day = sunday - timedelta(days=offset)
        if day < start:
            break
        schedule = schedule_on(versions, day)
        if schedule is not None and schedule.kind == WEEKLY:
            count += 1
    return count


@dataclass(frozen=True)
class Progress:
    """The score and streaks after some occasions, so that later ones can carry on from here."""

    score: float = 0.0
    current: int = 0
    best: int = 0
    settled: int = 0


def fold(items: Iterable[Occasion], progress: Progress = Progress()) -> Progress:
    """Carry the score, the streaks and the count of settled occasions over more occasions, in order."""
    score, current, best, settled = progress.score, progress.current, progress.best, progress.settled
    for item in items:
        if item.value is None:
            continue
        settled += 1
        if item.frequency > 0:
            m = multiplier(item.frequency)
            score = score * m + item.value * (1 - m)
        if item.value > 0:
            current += 1
            best = max(best, current)
        else:
            current = 0
    return Progress(score=score, current=current, best=best, settled=settled)


def settled_through(today: date) -> date:
    """The last day whose occasions can never change again: a Sunday at least 9 days back.

    Check-ins lock after 7 days; one more day covers a person moving to a time zone where
    it is still yesterday. Ending on a Sunday means a weekly count never straddles the line.
    """
    day = today - timedelta(days=9)
    return day - timedelta(days=(day.weekday() + 1) % 7)


@dataclass(frozen=True)
class Streaks:
    """Runs of occasions kept or partly kept, one after another."""

    current: int
    best: int


def day_records(start: date, end: date | None, versions: Sequence[Schedule], checkins: Mapping[date, str],
                first: date, last: date, today: date) -> list[DayRecord]:
    """Describe each day between first and last for the calendar view."""
    records = []
    day = first
    while day <= last:
        schedule = schedule_on(versions, day) if day >= start and (end is None or day <= end) else None
        active = schedule is not None and schedule.kind != PAUSED_SCHEDULE
        due = active and (schedule.kind == WEEKLY or schedule.due_on(day))
        status = checkins.get(day)
        if status is None and due and day < today and schedule.kind != WEEKLY:
            status = "unrecorded"
        records.append(DayRecord(day=day, due=due and day <= today, status=status))
        day += timedelta(days=1)
    return records
