"""Progress of commitments for pages: scores, streaks and the calendar heat map, carried on from saved progress.

The score itself is pure arithmetic in score.py; this module loads the check-ins a page
needs in one query and saves the progress over days that can never change again, so a page
costs the same after years of history as after a week (ARCHITECTURE.md pattern 6).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from recovery.db import db, once
from recovery.tracker.commitments import as_schedule, is_due
from recovery.tracker.models import KEPT, PARTLY, WEEKLY, CheckIn, Commitment
from recovery.tracker.score import (
    CalendarWords,
    Occasion,
    Progress,
    Schedule,
    Streaks,
    calendar_words,
    day_records,
    fold,
    long_date,  # noqa: F401 (the calendar's way of naming a day, read from here too)
    occasions,
    schedule_on,
    settled_through,
)

HEATMAP_WEEKS = 26

# Until a commitment has this many due days behind it, pages show the plain record ("Kept 1 of 1 day
# so far"), not a score: a young score is low only because it is young.
YOUNG_DAYS = 7
# After that, a score still rises for weeks even if every day is kept (7 kept days ≈ 31 %): no warning
# colour for a low score until this many due days are behind it.
GROWING_DAYS = 28


def record_words(kept: int, partly: int, settled: int, weekly: bool = False) -> str:
    """Say a young record plainly: "Kept 2 of 3 days so far" (with any partly kept days), in the page's language."""
    if not settled:
        return _("Nothing to count yet")
    if weekly and partly:
        return ngettext("Kept %(kept)d of %(num)d time so far, %(partly)d of them partly",
                        "Kept %(kept)d of %(num)d times so far, %(partly)d of them partly",
                        settled, kept=kept, partly=partly)
    if weekly:
        return ngettext("Kept %(kept)d of %(num)d time so far", "Kept %(kept)d of %(num)d times so far",
                        settled, kept=kept)
    if partly:
        return ngettext("Kept %(kept)d of %(num)d day so far, %(partly)d of them partly",
                        "Kept %(kept)d of %(num)d days so far, %(partly)d of them partly",
                        settled, kept=kept, partly=partly)
    return ngettext("Kept %(kept)d of %(num)d day so far", "Kept %(kept)d of %(num)d days so far", settled, kept=kept)


@dataclass
class Summary:
    """A commitment with what its pages show about it."""

    commitment: Commitment
    schedule: Schedule | None
    score: float
    streaks: Streaks
    due_today: bool
    today_status: str | None
    week_done: int = 0
    settled: int = 0
    kept: int = 0  # kept or partly kept occasions; counted only while young
    partly: int = 0

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def young(self) -> bool:
        """Fewer than YOUNG_DAYS due days settled: show the record, not the score."""
        return self.settled < YOUNG_DAYS

    @property
    def growing(self) -> bool:
        """Still in its first weeks: a low score is no reason for a warning colour yet."""
        return self.settled < GROWING_DAYS

    @property
    def record_words(self) -> str:
        return record_words(self.kept, self.partly, self.settled,
                            weekly=bool(self.schedule and self.schedule.kind == WEEKLY))


# Every page needs this many recent days of check-ins: today, this week, the 7 days still open.
RECENT_DAYS = 14


def _progress_key(commitment: Commitment, versions: list[Schedule], through: date) -> str:
    """Name the dates and schedules that decide the occasions up to `through`."""
    end = commitment.end_date if commitment.end_date and commitment.end_date <= through else None
    parts = [str(commitment.start_date), str(end)] + [
        f"{v.valid_from}:{v.kind}:{v.weekdays}:{v.times_per_week}:{v.once_on}" for v in versions
        if v.valid_from <= through]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def _saved_progress(commitment: Commitment, versions: list[Schedule]) -> tuple[date, Progress] | None:
    """The progress saved on a commitment, if it still holds for its dates and schedules."""
    through = commitment.progress_through
    if through is None or commitment.progress_key != _progress_key(commitment, versions, through):
        return None
    return through, Progress(score=commitment.progress_score, current=commitment.progress_current,
                             best=commitment.progress_best, settled=commitment.progress_settled)


# The calendar's squares over settled days, saved on the commitment (Commitment.calendar_days), one letter a
# day: nothing due, due and not kept (missed, or no check-in), partly kept, kept.
NOT_DUE, NOT_KEPT, PARTLY_KEPT, KEPT_DAY = "-", "o", "p", "k"
_CODE_OF = {KEPT: KEPT_DAY, PARTLY: PARTLY_KEPT}
_DONE_OF = {KEPT_DAY: 1.0, PARTLY_KEPT: 0.5}


class Days(dict):
    """One commitment's check-in statuses, {day: status}, loaded from `loaded_from` on (every day since)."""

    __slots__ = ("loaded_from",)

    def __init__(self, loaded_from: date | None = None) -> None:
        super().__init__()
        self.loaded_from = loaded_from


def _saved_calendar(commitment: Commitment, saved: tuple[date, Progress] | None) -> tuple[date, str] | None:
    """The calendar squares saved on a commitment, (first day, letters), if they run up to its saved progress.

    They were worked out under the same dates and schedules as the progress, so they hold while it does.
    """
    codes = commitment.calendar_days
    if saved is None or commitment.calendar_from is None or not codes \
            or commitment.calendar_from + timedelta(days=len(codes) - 1) != saved[0]:
        return None
    return commitment.calendar_from, codes


def _first_needed(commitment: Commitment, today: date, since: date | None) -> date:
    """The first day whose check-ins a page needs for this commitment: for its summary, the days after its
    saved progress (a young record is told from its first day); for a calendar from `since`, the days its
    saved squares do not cover, or when it has none, the whole 26 weeks (so they can be saved)."""
    saved = _saved_progress(commitment, [as_schedule(v) for v in commitment.schedules])
    replay = commitment.start_date if saved is None or saved[1].settled < YOUNG_DAYS else saved[0] + timedelta(days=1)
    if since is None:
        return replay
    calendar = _saved_calendar(commitment, saved)
    if calendar is not None and calendar[0] <= since:
        return replay
    return min(replay, max(min(since, heatmap_start(today)), commitment.start_date))


def load_statuses(commitments: list[Commitment], today: date, since: date | None = None) -> dict[int, Days]:
    """Load, in one query, the check-in statuses the pages need, as {id: {day: status}}.

    That is the days after each commitment's saved progress (so years of history are never
    loaded again), the recent days every page shows, and for a calendar from `since`, the days
    its saved squares do not cover.
    """
    first = min([today - timedelta(days=RECENT_DAYS), *(_first_needed(c, today, since) for c in commitments)])
    result: dict[int, Days] = defaultdict(lambda: Days(first))
    if commitments:
        rows = db.session.execute(_statuses(), {"ids": [c.id for c in commitments], "first": first})
        for cid, day, status in rows:
            result[cid][day] = status
    return result


@once
def _statuses():
    return (sa.select(CheckIn.commitment_id, CheckIn.local_date, CheckIn.status)
            .where(CheckIn.commitment_id.in_(sa.bindparam("ids", expanding=True)),
                   CheckIn.local_date >= sa.bindparam("first")))


def _progress(commitment: Commitment, versions: list[Schedule], statuses: dict[date, str],
              today: date) -> tuple[Progress, list[Occasion]]:
    """Score and streaks up to today, carrying on from the saved progress; returns the occasions replayed.

    Days up to score.settled_through(today) can never change, so the progress over them is saved
    on the commitment (after the request, by db.finish_request) and later requests replay only
    the days after it: the cost of a page no longer grows with years of history.
    """
    saved = _saved_progress(commitment, versions)
    through, progress = saved if saved else (None, Progress())
    first = through + timedelta(days=1) if through else None
    cutoff = settled_through(today)
    calendar = _saved_calendar(commitment, saved)
    if cutoff >= commitment.start_date and (through is None or through < cutoff):
        settled = occasions(commitment.start_date, commitment.end_date, versions, statuses, today,
                            first=first, until=cutoff)
        progress = fold(settled, progress)
        first = cutoff + timedelta(days=1)
        # Saved after the page is drawn (db.finish_request), never mid-read.
        db.session.info.setdefault("cache_writes", []).append((Commitment, commitment.id, {
            "progress_through": cutoff, "progress_key": _progress_key(commitment, versions, cutoff),
            "progress_score": progress.score, "progress_current": progress.current,
            "progress_best": progress.best, "progress_settled": progress.settled,
            **_carried_calendar(commitment, versions, statuses, today, calendar, through, cutoff)}))
    elif through is not None and calendar is None and _loaded_for_calendar(commitment, statuses, today):
        db.session.info.setdefault("cache_writes", []).append((Commitment, commitment.id, _carried_calendar(
            commitment, versions, statuses, today, None, None, through)))
    recent = occasions(commitment.start_date, commitment.end_date, versions, statuses, today, first=first)
    return fold(recent, progress), recent


def _loaded_for_calendar(commitment: Commitment, statuses: dict[date, str], today: date) -> bool:
    """Tell whether `statuses` hold every day of the 26-week calendar the commitment was running."""
    loaded_from = getattr(statuses, "loaded_from", None)
    return loaded_from is not None and loaded_from <= max(heatmap_start(today), commitment.start_date)


def _codes(commitment: Commitment, versions: list[Schedule], statuses: dict[date, str], first: date, last: date,
           today: date) -> str:
    """The calendar's letters for the days from `first` to `last` (NOT_DUE, NOT_KEPT, PARTLY_KEPT, KEPT_DAY)."""
    return "".join(_CODE_OF.get(r.status, NOT_KEPT) if r.due else NOT_DUE for r in day_records(
        commitment.start_date, commitment.end_date, versions, statuses, first, last, today))


def _carried_calendar(commitment: Commitment, versions: list[Schedule], statuses: dict[date, str], today: date,
                      calendar: tuple[date, str] | None, through: date | None, cutoff: date) -> dict:
    """The calendar squares to save with progress up to `cutoff`: the saved ones (up to `through`) and the days
    since, or when none are saved, the 26 weeks worked out from the loaded statuses; none if neither can be."""
    window = heatmap_start(today)
    if calendar is not None and through is not None:
        start, codes = calendar[0], calendar[1] + _codes(commitment, versions, statuses,
                                                         through + timedelta(days=1), cutoff, today)
    elif _loaded_for_calendar(commitment, statuses, today) and cutoff >= window:
        start, codes = window, _codes(commitment, versions, statuses, window, cutoff, today)
    else:
        return {"calendar_from": None, "calendar_days": ""}
    if start < window:  # only the last 26 weeks are ever drawn
        codes, start = codes[(window - start).days:], window
    return {"calendar_from": start, "calendar_days": codes}


def summary_of(commitment: Commitment, statuses: dict[date, str], today: date) -> tuple[Summary, list[Occasion]]:
    """Summarize one commitment from its loaded statuses; also return the occasions replayed."""
    versions = [as_schedule(v) for v in commitment.schedules]
    progress, items = _progress(commitment, versions, statuses, today)
    schedule = schedule_on(versions, today) if today >= commitment.start_date else (versions[0] if versions else None)
    week_start = today - timedelta(days=today.weekday())
    week_done = sum(1 for d, s in statuses.items() if week_start <= d <= today and s in (KEPT, PARTLY))
    kept = partly = 0
    if progress.settled < YOUNG_DAYS:  # few occasions, all loaded (load_statuses): count them from the start
        told = [o.value for o in occasions(commitment.start_date, commitment.end_date, versions, statuses, today)
                if o.value is not None]
        kept, partly = sum(1 for v in told if v > 0), sum(1 for v in told if 0 < v < 1)
    summary = Summary(
        commitment=commitment,
        schedule=schedule,
        score=progress.score,
        streaks=Streaks(current=progress.current, best=progress.best),
        due_today=commitment.status == "active" and is_due(commitment, today),
        today_status=statuses.get(today),
        week_done=week_done,
        settled=progress.settled,
        kept=kept,
        partly=partly,
    )
    return summary, items


def summaries(commitments: list[Commitment], today: date,
              since: date | None = None) -> tuple[list[Summary], dict[int, dict[date, str]]]:
    """Summarize commitments (schedules already loaded) with one query for all their check-ins."""
    statuses = load_statuses(commitments, today, since)
    return [summary_of(c, statuses[c.id], today)[0] for c in commitments], statuses


def overall(items: list[Summary]) -> float | None:
    """Return the mean score of the commitments past their first days (YOUNG_DAYS), or None.

    A young commitment joins the mean once it has its first week of due days, so a new promise
    never drags down a score built over months.
    """
    scored = [s.score for s in items if not s.young]
    return sum(scored) / len(scored) if scored else None


@dataclass(frozen=True)
class Overall:
    """The overall line of a tracker: a score, or while every commitment is young, the plain record."""

    score: float | None
    young: bool
    record_words: str
    growing: bool = False  # every scored commitment still in its first weeks: no warning colour

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)


def overall_of(items: list[Summary]) -> Overall:
    """Return the overall score, or the young record summed over the commitments (none grown yet)."""
    score = overall(items)
    young = [s for s in items if s.young and s.settled]
    if score is not None or not young:
        return Overall(score=score, young=False, record_words="",
                       growing=all(s.growing for s in items if not s.young))
    return Overall(score=None, young=True, record_words=record_words(
        sum(s.kept for s in young), sum(s.partly for s in young), sum(s.settled for s in young)))


# A square's words, by (language, day, due, done, future, today): a pure function of those (the catalogues are
# read once per process), and a calendar names up to 182 days, the same ones on every page drawn that day.
_LABELS: dict[tuple, str] = {}
_LABELS_MAX = 20_000  # about a year of days in each of a few languages, with their usual counts; then it starts over


@dataclass
class HeatDay:
    """One square of the calendar heat map. `words`: the calendar's words, fetched once for all its days."""

    day: date
    due: int
    done: float
    future: bool = False
    today: bool = False
    words: CalendarWords | None = field(default=None, repr=False, compare=False)

    @property
    def level(self) -> str:
        if self.future:
            return "future"
        if not self.due:
            return "none"
        ratio = self.done / self.due
        if self.today and ratio < 0.999:
            return "open"  # the day isn't over: nothing counts as missed yet
        if ratio >= 0.999:
            return "full"
        if ratio >= 0.5:
            return "most"
        if ratio > 0:
            return "some"
        return "zero"

    @property
    def label(self) -> str:
        """The square's words in the page's language, worked out once per language and kind of day in a process:
        the same days come back on every page that draws the last months (see _LABELS)."""
        w = self.words or calendar_words()
        key = (w.language, self.day, self.due, self.done, self.future, self.today)
        text = _LABELS.get(key)
        if text is None:
            if len(_LABELS) >= _LABELS_MAX:
                _LABELS.clear()
            text = _LABELS[key] = self._label(w)
        return text

    def _label(self, w: CalendarWords) -> str:
        when = w.long_date(self.day)
        if self.future:
            text = w.gettext("%(date)s: still to come", date=when)
        elif not self.due:
            text = w.gettext("%(date)s: nothing due", date=when)
        elif self.today and self.level == "open":
            text = w.ngettext("%(date)s (today): %(num)d due, still open",
                              "%(date)s (today): %(num)d due, still open", self.due, date=when)
        else:
            done = w.number(self.done)
            text = w.ngettext("%(date)s: %(done)s of %(num)d kept", "%(date)s: %(done)s of %(num)d kept", self.due,
                              date=when, done=done)
        # A language that writes weekdays in small letters ("martes") still starts the line with a capital.
        return text if w.capital_days else text[:1].upper() + text[1:]


class HeatWeek(list):
    """One column of the heat map, its days Monday to Sunday, with its line for "Read this calendar as text"
    ("Week of 2 March 2026: 5.5 of 7 kept"; empty when nothing was due), worked out here, not in the template,
    in the page's language when the page reads it."""

    @property
    def summary(self) -> str:
        return _week_summary(self)

    @property
    def squares(self) -> Markup:
        """The week's seven squares, each with its words as a tooltip: drawn here in one piece, since a calendar
        has up to 182 of them (the template's loop and its escaping cost more than the words themselves)."""
        return Markup("".join(  # nosec B704: the only text in it, the labels, is escaped
            f'<span class="heat-day heat-{d.level}" title="{escape(d.label)}"></span>' for d in self))


def _week_summary(days: list[HeatDay]) -> str:
    due = sum(d.due for d in days)
    if not due:
        return ""
    w = days[0].words or calendar_words()
    done = w.number(round(sum(d.done for d in days), 1))
    return w.ngettext("Week of %(date)s: %(done)s of %(num)d kept", "Week of %(date)s: %(done)s of %(num)d kept",
                      due, date=w.medium_date(days[0].day), done=done)


def heatmap_start(today: date, weeks: int = HEATMAP_WEEKS) -> date:
    """The Monday the calendar starts on: `weeks` columns ending with this week."""
    last_sunday = today + timedelta(days=6 - today.weekday())
    return last_sunday - timedelta(days=7 * weeks - 1)


def heatmap(commitments: list[Commitment], statuses: dict[int, dict[date, str]], today: date,
            weeks: int = HEATMAP_WEEKS) -> list[HeatWeek]:
    """Build week columns (Monday to Sunday) of kept-versus-due for the last `weeks` weeks.

    Settled days come from the squares saved on each commitment; only the days since are worked out
    from check-ins (load_statuses loaded them), so a full calendar costs about what an empty one does.
    """
    first = heatmap_start(today, weeks)
    due = [0] * (7 * weeks)
    done = [0.0] * (7 * weeks)
    values = {KEPT: 1.0, PARTLY: 0.5}
    for c in commitments:
        versions = [as_schedule(v) for v in c.schedules]
        rest = max(first, c.start_date)  # no day before the start is due
        calendar = _saved_calendar(c, _saved_progress(c, versions))
        if calendar is not None and calendar[0] <= first:
            start, codes = calendar
            for i, code in enumerate(codes[(first - start).days:]):
                if code != NOT_DUE:
                    due[i] += 1
                    done[i] += _DONE_OF.get(code, 0.0)
            rest = max(rest, start + timedelta(days=len(codes)))
        last = min(today, c.end_date) if c.end_date else today
        if rest <= last:
            for record in day_records(c.start_date, c.end_date, versions, statuses[c.id], rest, last, today):
                if record.due:
                    i = (record.day - first).days
                    due[i] += 1
                    done[i] += values.get(record.status, 0.0)
    columns = []
    words = calendar_words()  # the page's words, fetched once for the calendar's days (their labels say them)
    for w in range(weeks):
        start = first + timedelta(days=7 * w)
        week = HeatWeek(HeatDay(start + timedelta(days=i), due[7 * w + i], done[7 * w + i],
                                future=start + timedelta(days=i) > today, today=start + timedelta(days=i) == today,
                                words=words)
                        for i in range(7))
        columns.append(week)
    return columns

