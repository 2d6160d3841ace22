"""Looking after me: the rules for a loved one's wellbeing checks and CRAFT worksheets.

Everything here belongs to one loved one and is never shared: there is no sharing area for it,
no page of it for anyone else, and a person in recovery has none of these pages (404).

**Wellbeing checks.** CRAFT's third goal is the family member's own life; its "happiness scale"
asks how happy they are with each part of it. Ours (in our own words) asks about eight parts
(AREAS), each from 1 (very unhappy) to 10 (very happy), and an optional private note.

*At most once a week:* a new check may be made 7 days or more after the last one, counted in the
loved one's local dates, the same rule as trust check-ins, so people learn one rule. A second check
sooner is refused kindly, naming the day the next one can be; it does not replace the last one.
Refusing keeps the chart honest (one point a week, evenly spaced) and keeps a hard day from
quietly rewriting a week the person already described; the page says when the next check opens.

**The reading rule** (`reading`), applied to the checks oldest first:

1. No check: nothing to read. One check: "first" (nothing to compare yet).
2. The average of a check is the mean of its eight answers (exact fractions).
3. Compared with the check before: an average up by 1/2 or more is "up", down by 1/2 or more
   "down", anything else "same".
4. A part that moved by 2 points or more since the check before is named as having gone up or down.
5. A part at 3 or less is "low right now"; at 8 or more, "going well".
6. Support is offered (groups for families, a counsellor, and the crisis lines) when any part is
   low or the average is 4 or less.
7. With 3 checks or more, the reading also says where the average went over the last 8 (or fewer).

**CRAFT worksheets** (WORKSHEETS): "Noticing good days" (plan small, specific ways to reward time
without drinking or using, then note what happened), "Stepping back" (letting natural consequences
happen, only when no one is in danger) and "Problem-solving" (five steps). Each is saved, private
and printable. Stepping back asks its safety questions first, on every save: if any answer is "yes"
or "not sure", nothing is saved and the page says plainly not to step back and where to get help.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import format_number, ngettext
from flask_babel import gettext as _

from recovery.accounts.models import LOVED_ONE, User
from recovery.db import db, once, utcnow
from recovery.errors import NotFound, Refused
from recovery.i18n import format_day, format_decimal, plain
from recovery.i18n import lazy_gettext as _l
from recovery.timezones import local_today
from recovery.wellbeing.chart import Chart, build_chart
from recovery.wellbeing.models import (
    AREA_KEYS,
    GOOD_DAYS,
    KINDS,
    PROBLEM_SOLVING,
    STEPPING_BACK,
    WellbeingCheck,
    Worksheet,
)

SCALE = range(1, 11)
NOTE_MAX = 1000
DAYS_BETWEEN = 7
TITLE_MAX = 120
ANSWER_MAX = 2000

# The reading rule's numbers (see the module docstring).
OVERALL_STEP = Fraction(1, 2)
PART_STEP = 2
LOW_PART = 3
HIGH_PART = 8
LOW_AVERAGE = 4
TREND_MIN = 3
TREND_WINDOW = 8
# How many checks the part-by-part table shows, the newest last.
TABLE_CHECKS = 4

FIRST, UP, DOWN, SAME = "first", "up", "down", "same"


@dataclass(frozen=True)
class Area:
    """One part of life the check asks about: its name, how a sentence says it, and a hint.

    Kept as marked words (the *_l fields); read as plain text in the reader's language.
    """

    name_l: str
    phrase_l: str
    hint_l: str

    name = plain("name_l")
    phrase = plain("phrase_l")
    hint = plain("hint_l")


AREAS: dict[str, Area] = {
    "sleep": Area(_l("Sleep"), _l("sleep"), _l("How well you sleep and rest.")),
    "daily": Area(_l("Work or daily tasks"), _l("work or daily tasks"),
                  _l("Your job, school, the home, or caring for others.")),
    "friends": Area(_l("Friends and fun"), _l("friends and fun"),
                    _l("Time with people you like, and things you enjoy.")),
    "health": Area(_l("Your health"), _l("your health"), _l("How your body feels: eating, moving, aches and pains.")),
    "me_time": Area(_l("Time for yourself"), _l("time for yourself"),
                    _l("Time that is just yours: a walk, a hobby, a rest.")),
    "money": Area(_l("Money"), _l("money"), _l("Bills, savings, and who pays for what.")),
    "feelings": Area(_l("Your feelings"), _l("your feelings"),
                     _l("Your mood from day to day: calm, worry, sadness, hope.")),
    "relationship": Area(_l("The relationship"), _l("the relationship"),
                         _l("How you feel about things with the person you support. If you support more than "
                            "one person, think of how things are overall.")),
}
assert tuple(AREAS) == AREA_KEYS

LOW_END = _l("Very unhappy")
HIGH_END = _l("Very happy")


def _require_loved_one(user: User) -> None:
    if user.role != LOVED_ONE:
        raise NotFound(user.id)


def today_for(user: User) -> date:
    """Return today's date where the user lives."""
    return local_today(user.timezone)


def long_date(day: date) -> str:
    """Write a date the way people say it, in the reader's language: "Monday 10 June"."""
    return format_day(day, "%A %-d %B")


def number(value: Fraction | float) -> str:
    """Write an average plainly: "6.4" ("6,4" in Spanish), or "6" when it is whole."""
    return format_decimal(value, keep_zero=False)


def _names(phrases: Sequence[str]) -> str:
    """Join phrases the way people list things: "a", "a and b", "a, b and c"."""
    phrases = [str(p) for p in phrases]
    if len(phrases) == 1:
        return phrases[0]
    return _("%(some)s and %(last)s", some=", ".join(phrases[:-1]), last=phrases[-1])


def _clean_text(value, name: str, limit: int, too_long: str, one_line: bool = False) -> str:
    """Check a text; `too_long` is the refusal for a text over `limit`, with %(num)s for the limit."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Refused(_("Please write plain text."), field=name)
    value = value.strip()
    if len(value) > limit:
        raise Refused(too_long % {"num": format_number(limit)}, field=name)
    allowed = "" if one_line else "\n\r\t"  # line breaks and tabs belong in longer text only
    if any((ord(ch) < 32 and ch not in allowed) or ord(ch) == 127 for ch in value):
        raise Refused(_("Please remove the invisible characters."), field=name)
    return value


# --- Wellbeing checks: recording -----------------------------------------------------------------


def next_possible(last: date | None) -> date | None:
    """Return the first local date a new check may be made after one on `last`."""
    return None if last is None else last + timedelta(days=DAYS_BETWEEN)


def _answer(key: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise Refused(_("Please choose a number from 1 to 10."), field=key)
    return value


def _lock_owner(owner: User) -> None:
    """Take the owner's row for this transaction (PostgreSQL), so two saves at once can't both pass the weekly rule.

    SQLite's form posts already hold the write lock (db.prepare_to_write), so there it is a plain read.
    """
    db.session.execute(sa.select(User.id).where(User.id == owner.id).with_for_update())


def _last_date(owner: User) -> date | None:
    return db.session.scalar(sa.select(sa.func.max(WellbeingCheck.local_date))
                             .where(WellbeingCheck.owner_id == owner.id))


def record_check(owner: User, scores: Mapping[str, object], note: str | None = "",
                 today: date | None = None) -> WellbeingCheck:
    """Save the loved one's eight answers and note, at most once every 7 days; Refused otherwise."""
    _require_loved_one(owner)
    if not isinstance(scores, Mapping):
        raise Refused(_("Please answer every question."))
    answers = {key: _answer(key, scores.get(key)) for key in AREA_KEYS}
    note = _clean_text(note, "note", NOTE_MAX, _("Please keep your note to %(num)s characters or fewer."))
    today = today or today_for(owner)
    _lock_owner(owner)
    allowed_from = next_possible(_last_date(owner))
    if allowed_from is not None and today < allowed_from:
        last = allowed_from - timedelta(days=DAYS_BETWEEN)
        raise Refused(_(
            "You already checked in on %(last)s. Checks are once a week, so each one shows a whole week. Your "
            "next one can be on %(next)s. Until then, your last answers stay as they are.",
            last=long_date(last), next=long_date(allowed_from)))
    check = WellbeingCheck(owner_id=owner.id, local_date=today, note=note, **answers)
    db.session.add(check)
    db.session.flush()
    return check


# --- Wellbeing checks: reading ---------------------------------------------------------------------


def average(check: WellbeingCheck) -> Fraction:
    """Return a check's average as an exact fraction."""
    return Fraction(sum(check.scores.values()), len(AREA_KEYS))


@dataclass(frozen=True)
class Reading:
    """What a loved one's checks say, in plain words: a one-line headline and a few kind sentences."""

    kind: str  # "", "first", "up", "down" or "same"
    headline: str = ""
    sentences: tuple[str, ...] = ()
    rose: tuple[str, ...] = ()  # keys of parts that went up by 2 or more since last time
    fell: tuple[str, ...] = ()
    low: tuple[str, ...] = ()  # keys of parts at 3 or less now
    strong: tuple[str, ...] = ()  # keys of parts at 8 or more now
    needs_support: bool = False

    @property
    def empty(self) -> bool:
        return not self.kind


HEADLINES = {
    FIRST: _l("Your first check: %(avg)s out of 10 on average."),
    UP: _l("A bit better than last time: %(avg)s out of 10 on average."),
    DOWN: _l("A harder week than last time: %(avg)s out of 10 on average."),
    SAME: _l("About the same as last time: %(avg)s out of 10 on average."),
}
# What follows the headline, where it needs more than the headline says.
AFTER_HEADLINE = {
    FIRST: _l("Next time, Mend will show you what changed."),
    DOWN: _l("That's worth noticing, and it isn't a failure."),
}


def reading(checks: Sequence[WellbeingCheck]) -> Reading:
    """Read a loved one's checks (oldest first) by the documented rule, in kind, plain words."""
    if not checks:
        return Reading("")
    latest = checks[-1]
    now = average(latest)
    scores = latest.scores
    low = tuple(k for k in AREA_KEYS if scores[k] <= LOW_PART)
    strong = tuple(k for k in AREA_KEYS if scores[k] >= HIGH_PART)
    rose: tuple[str, ...] = ()
    fell: tuple[str, ...] = ()
    if len(checks) == 1:
        kind = FIRST
    else:
        before = checks[-2].scores
        change = now - average(checks[-2])
        kind = UP if change >= OVERALL_STEP else DOWN if change <= -OVERALL_STEP else SAME
        rose = tuple(k for k in AREA_KEYS if scores[k] - before[k] >= PART_STEP)
        fell = tuple(k for k in AREA_KEYS if before[k] - scores[k] >= PART_STEP)
    sentences = [str(AFTER_HEADLINE[kind])] if kind in AFTER_HEADLINE else []
    if rose:
        sentences.append(ngettext("Since last time, %(parts)s went up.", "Since last time, %(parts)s went up.",
                                  len(rose), parts=_names([AREAS[k].phrase for k in rose])))
    if fell:
        went = ngettext("%(parts)s went down.", "%(parts)s went down.", len(fell),
                        parts=_names([AREAS[k].phrase for k in fell]))
        sentences.append(went[0].upper() + went[1:] + " "
                         + _("Be gentle with yourself: a hard week says nothing bad about you."))
    if kind != FIRST and not rose and not fell:
        sentences.append(_("No part moved by more than a point since last time."))
    if strong:
        sentences.append(_("Going well right now: %(parts)s.", parts=_names([AREAS[k].phrase for k in strong])))
    if low:
        sentences.append(_("Low right now: %(parts)s. You don't have to fix everything at once. One small step "
                           "for one part is plenty.", parts=_names([AREAS[k].phrase for k in low])))
    if len(checks) >= TREND_MIN:
        window = checks[-TREND_WINDOW:]
        sentences.append(ngettext("Over your last %(num)d checks, your average went from %(first)s to %(now)s "
                                  "out of 10.",
                                  "Over your last %(num)d checks, your average went from %(first)s to %(now)s "
                                  "out of 10.", len(window), first=number(average(window[0])), now=number(now)))
    return Reading(kind=kind, headline=str(HEADLINES[kind]) % {"avg": number(now)},
                   sentences=tuple(sentences),
                   rose=rose, fell=fell, low=low, strong=strong,
                   needs_support=bool(low) or now <= LOW_AVERAGE)


def _checks(owner_id: int, limit: int | None = None) -> list[WellbeingCheck]:
    """The owner's checks, newest first."""
    if limit is None:
        return list(db.session.scalars(_all_checks(), {"owner_id": owner_id}))
    return list(db.session.scalars(_last_checks(), {"owner_id": owner_id, "limit": limit}))


@once
def _all_checks():
    return (sa.select(WellbeingCheck).where(WellbeingCheck.owner_id == sa.bindparam("owner_id"))
            .order_by(WellbeingCheck.local_date.desc(), WellbeingCheck.id.desc()))


@once
def _last_checks():
    return _all_checks().limit(sa.bindparam("limit"))


@dataclass(frozen=True)
class TableRow:
    """One part of life across the last few checks, with its change since the check before."""

    key: str
    name: str
    scores: tuple[int, ...]  # newest first
    change: int | None  # the newest minus the one before; None with a single check


@dataclass
class WellbeingView:
    """A loved one's checks, read and charted."""

    checks: list[WellbeingCheck]  # newest first
    reading: Reading
    chart: Chart
    today: date
    next_date: date | None

    @property
    def latest(self) -> WellbeingCheck | None:
        return self.checks[0] if self.checks else None

    @property
    def can_check_in(self) -> bool:
        return self.next_date is None or self.today >= self.next_date

    @property
    def table_checks(self) -> list[WellbeingCheck]:
        """The checks the part-by-part table shows, newest first (so a phone shows the newest without scrolling)."""
        return self.checks[:TABLE_CHECKS]

    @property
    def table(self) -> list[TableRow]:
        shown = self.table_checks
        rows = []
        for key in AREA_KEYS:
            scores = tuple(c.scores[key] for c in shown)
            rows.append(TableRow(key, AREAS[key].name, scores, scores[0] - scores[1] if len(scores) > 1 else None))
        return rows


def wellbeing(owner: User, limit: int | None = None) -> WellbeingView:
    """Load the loved one's checks (all, or the newest `limit`) with their reading and chart."""
    _require_loved_one(owner)
    newest_first = _checks(owner.id, limit)
    oldest_first = list(reversed(newest_first))
    return WellbeingView(checks=newest_first, reading=reading(oldest_first),
                         chart=build_chart(oldest_first, "wellbeing-chart"), today=today_for(owner),
                         next_date=next_possible(newest_first[0].local_date if newest_first else None))


# --- The loved one's home ---------------------------------------------------------------------------


@dataclass
class WellbeingSummary:
    """What the loved one's home shows of their wellbeing: the last check's date and a one-line reading."""

    last_date: date | None = None
    next_date: date | None = None
    due: bool = True
    headline: str = ""

    @property
    def has_checks(self) -> bool:
        return self.last_date is not None


def dashboard_summary(owner: User) -> WellbeingSummary:
    """Summarise the loved one's last two checks in one query, however long the history."""
    if owner.role != LOVED_ONE:
        return WellbeingSummary()
    newest_first = _checks(owner.id, limit=2)
    if not newest_first:
        return WellbeingSummary()
    last = newest_first[0].local_date
    next_date = next_possible(last)
    return WellbeingSummary(last_date=last, next_date=next_date, due=today_for(owner) >= next_date,
                            headline=reading(list(reversed(newest_first))).headline)


# --- CRAFT worksheets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One box of a worksheet: its key, its label, a hint, and whether it is for afterwards.

    The words are kept marked (the *_l fields); read as plain text in the reader's language.
    """

    key: str
    label_l: str
    hint_l: str
    example_l: str = ""
    afterwards: bool = False

    label = plain("label_l")
    hint = plain("hint_l")
    example = plain("example_l")


@dataclass(frozen=True)
class Kind:
    """One worksheet: its name, what it is for, and its parts in order."""

    key: str
    name_l: str
    summary_l: str
    parts: tuple[Part, ...]

    name = plain("name_l")

    @property
    def summary(self) -> str:
        return str(self.summary_l)


WORKSHEETS: dict[str, Kind] = {
    GOOD_DAYS: Kind(GOOD_DAYS, _l("Noticing good days"),
                    _l("Plan small, warm ways to notice a day without drinking or using, then write down what "
                       "happened."),
                    (
                        Part("signs", _l("How you can tell it's a good day"),
                             _l("What do you notice on a day without drinking or using? Be as clear as you can."),
                             _l("They're home by six and they chat with the kids at dinner.")),
                        Part("words", _l("Words you could say"),
                             _l("Short, warm and true. Say what you liked, not what you were afraid of."),
                             _l("I really liked cooking with you tonight.")),
                        Part("together", _l("Something to do together"),
                             _l("An activity or time together you would both enjoy. Small is fine."),
                             _l("A walk with the dog after dinner, or a film on the couch.")),
                        Part("when", _l("When you'll try it"),
                             _l("Pick a day, or the kind of moment you're waiting for."),
                             _l("The next evening they're home by six.")),
                        Part("happened", _l("What happened"),
                             _l("After you try it: what did you do or say, and how did they take it?"),
                             afterwards=True),
                        Part("next_time", _l("What you'd keep or change"),
                             _l("What felt good? What would you do another way next time?"), afterwards=True),
                    )),
    STEPPING_BACK: Kind(STEPPING_BACK, _l("Stepping back"),
                        _l("Stop softening the results of their drinking or using, only when no one is in danger."),
                        (
                            Part("usual", _l("What you usually do"),
                                 _l("What do you do now that protects them from the results of their drinking "
                                    "or using?"),
                                 _l("I call their work to say they're sick.")),
                            Part("step_back", _l("What you'll stop doing"),
                                 _l("Pick one thing. Small and clear works best."),
                                 _l("I won't call their work for them any more.")),
                            Part("say", _l("What you could say"),
                                 _l("Calm, kind and short. Say what you will do, not what they must do."),
                                 _l("I love you. I'm not going to call your boss for you. That's yours to sort out.")),
                            Part("look_after", _l("How you'll look after yourself"),
                                 _l("Stepping back can feel hard. Who can you talk to? What will you do for you?"),
                                 _l("Call my sister. Go to my Tuesday group.")),
                            Part("happened", _l("What happened"),
                                 _l("After you step back: how did it go, and how did you feel?"), afterwards=True),
                        )),
    PROBLEM_SOLVING: Kind(PROBLEM_SOLVING, _l("Problem-solving"),
                          _l("Work through one problem in five short steps, from naming it to looking back."),
                          (
                              Part("problem", _l("1. Name the problem"),
                                   _l("One problem, small and clear. What happens, when, and who is part of it?"),
                                   _l("Weekday evenings end in fights about money.")),
                              Part("ideas", _l("2. Ideas, without judging"),
                                   _l("Write down every idea you can think of, even silly ones. Don't judge them yet."),
                                   _l("Talk about money only on Sundays. Keep our own accounts. Ask my sister.")),
                              Part("choice", _l("3. Pick one to try"),
                                   _l("Which idea could you try soon? Pick one that is in your hands."),
                                   _l("Talk about money only on Sundays, after lunch.")),
                              Part("steps", _l("4. Plan the steps"),
                                   _l("What will you do, and when? What could get in the way, and what will you "
                                      "do then?"),
                                   _l("Tell them my idea on Saturday. If a fight starts on a weekday, I'll say "
                                      "\"Let's keep this for Sunday.\"")),
                              Part("look_back", _l("5. Look back"),
                                   _l("After you try it: how did it go? Keep it, change it, or try another idea."),
                                   afterwards=True),
                          )),
}
assert tuple(WORKSHEETS) == KINDS

class Words(dict):
    """Marked words by key, each read as plain text in the reader's language when it is looked up."""

    def __getitem__(self, key):
        return str(super().__getitem__(key))

    def get(self, key, default=None):
        return self[key] if key in self else default

    def values(self):
        return [str(v) for v in super().values()]

    def items(self):
        return [(k, str(v)) for k, v in super().items()]


# Stepping back's safety questions, asked first, each answered "no", "yes" or "not sure".
SAFETY_QUESTIONS: dict[str, str] = Words({
    "danger": _l("Is anyone in danger right now, or could they be soon?"),
    "overdose": _l("Could stepping back lead to an overdose, or to them using alone?"),
    "self_harm": _l("Could it lead to them hurting themselves, or thinking about suicide?"),
    "violence": _l("Could it lead to violence, or to you or anyone else being hurt or threatened?"),
    "driving": _l("Could it lead to them driving after drinking or using?"),
    "child": _l("Could a child, or anyone who depends on them, be left unsafe?"),
})
SAFE, DANGER, UNSURE = "no", "yes", "unsure"
SAFETY_ANSWERS = {SAFE: _l("No"), DANGER: _l("Yes"), UNSURE: _l("Not sure")}


class NotSafe(Refused):
    """Stepping back was asked for with a safety answer that says danger (or isn't sure)."""

    def __init__(self):
        super().__init__(_("Please don't step back this time: you said someone could be in danger, or you're not "
                           "sure."))


def all_safe(safety: Mapping[str, object] | None) -> bool:
    """Tell whether every safety question was answered "no" (a missing or odd answer is not safe)."""
    return isinstance(safety, Mapping) and all(safety.get(key) == SAFE for key in SAFETY_QUESTIONS)


def _clean_answers(kind: Kind, answers: Mapping[str, object]) -> dict[str, str]:
    if not isinstance(answers, Mapping):
        raise Refused(_("Please write in the boxes of the worksheet."))
    cleaned = {p.key: _clean_text(answers.get(p.key), p.key, ANSWER_MAX,
                                  _("Please keep each box to %(num)s characters or fewer.")) for p in kind.parts}
    if not any(cleaned.values()):
        raise Refused(_("Please write something in at least one box, so there's something to save."))
    return {key: text for key, text in cleaned.items() if text}


def default_title(kind: str, day: date) -> str:
    """A worksheet's name when none is given: "Noticing good days, 3 June"."""
    return _("%(name)s, %(date)s", name=WORKSHEETS[kind].name, date=format_day(day, "%-d %B"))


def create_worksheet(owner: User, kind: str, title: str | None, answers: Mapping[str, object],
                     safety: Mapping[str, object] | None = None, today: date | None = None) -> Worksheet:
    """Save a new worksheet of one kind; stepping back only when every safety answer is "no" (NotSafe)."""
    _require_loved_one(owner)
    if kind not in WORKSHEETS:
        raise Refused(_("Please choose one of the worksheets."))
    today = today or today_for(owner)
    if kind == STEPPING_BACK and not all_safe(safety):
        raise NotSafe()
    cleaned = _clean_answers(WORKSHEETS[kind], answers)
    title = (_clean_text(title, "title", TITLE_MAX, _("Please keep the name to %(num)s characters or fewer."),
                         one_line=True) or default_title(kind, today))
    sheet = Worksheet(owner_id=owner.id, kind=kind, title=title, answers=cleaned,
                      safe_on=today if kind == STEPPING_BACK else None)
    db.session.add(sheet)
    db.session.flush()
    return sheet


def update_worksheet(sheet: Worksheet, title: str | None, answers: Mapping[str, object],
                     safety: Mapping[str, object] | None = None, today: date | None = None) -> Worksheet:
    """Save new words on a worksheet; stepping back asks its safety questions again, every time (NotSafe)."""
    if sheet.kind == STEPPING_BACK and not all_safe(safety):
        raise NotSafe()
    cleaned = _clean_answers(WORKSHEETS[sheet.kind], answers)
    title = (_clean_text(title, "title", TITLE_MAX, _("Please keep the name to %(num)s characters or fewer."),
                         one_line=True)
             or default_title(sheet.kind, sheet.created_at.date()))
    sheet.title = title
    sheet.answers = cleaned
    if sheet.kind == STEPPING_BACK:
        owner = db.session.get(User, sheet.owner_id)
        sheet.safe_on = today or today_for(owner)
    sheet.updated_at = utcnow()
    db.session.flush()
    return sheet


def delete_worksheet(sheet: Worksheet) -> None:
    """Remove a worksheet for good."""
    db.session.delete(sheet)
    db.session.flush()


def worksheet_of(owner: User, worksheet_id: int) -> Worksheet:
    """Load one of the loved one's own worksheets, or raise NotFound (anyone else's is 404)."""
    _require_loved_one(owner)
    sheet = db.session.scalar(sa.select(Worksheet).where(Worksheet.id == worksheet_id,
                                                         Worksheet.owner_id == owner.id))
    if sheet is None:
        raise NotFound(worksheet_id)
    return sheet


def worksheets_of(owner: User) -> dict[str, list[Worksheet]]:
    """The loved one's worksheets by kind, the most recently changed first, in one query."""
    _require_loved_one(owner)
    found: dict[str, list[Worksheet]] = {kind: [] for kind in KINDS}
    for sheet in db.session.scalars(sa.select(Worksheet).where(Worksheet.owner_id == owner.id)
                                    .order_by(Worksheet.updated_at.desc(), Worksheet.id.desc())):
        found[sheet.kind].append(sheet)
    return found


@dataclass
class Overview:
    """The "Looking after me" page: the wellbeing reading and every worksheet."""

    wellbeing: WellbeingView
    worksheets: dict[str, list[Worksheet]] = field(default_factory=dict)


def overview(owner: User) -> Overview:
    """Load the hub page: the last two checks (for the reading) and the worksheets, in two queries."""
    return Overview(wellbeing=wellbeing(owner, limit=2), worksheets=worksheets_of(owner))
