"""Forms for reminders: what to hear about and when, who hears if the person goes quiet."""

from __future__ import annotations

from datetime import time

from wtforms import BooleanField, SelectField

from recovery.forms import MendForm, choice_list
from recovery.i18n import lazy_gettext as _l

# The choices' labels (Monday is 0, as date.weekday() counts), read in the page's language.
DAYS = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday")]


def _label(t: time):
    hour = t.hour % 12 or 12
    if t.hour < 12:
        return _l("%(hour)d:%(minute)02d am", hour=hour, minute=t.minute)
    return _l("%(hour)d:%(minute)02d pm", hour=hour, minute=t.minute)


# Every half hour of the day: a list works the same with and without JavaScript, on every phone.
TIMES = [(f"{h:02d}:{m:02d}", _label(time(h, m))) for h in range(24) for m in (0, 30)]


def parse_time(value: str | None) -> time | None:
    if not value:
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def time_value(t: time | None) -> str:
    return f"{t.hour:02d}:{t.minute:02d}" if t is not None else ""


class RemindersForm(MendForm):
    """What one person hears about, how, and when."""

    by_email = BooleanField(_l("Send them to my email"))
    daily_on = BooleanField(_l("Once a day"))  # the label depends on the role: set in the view
    daily_time = SelectField(_l("At"), choices=choice_list(TIMES), default="19:00")
    weekly_on = BooleanField(_l("A short summary of my week"))
    weekly_day = SelectField(_l("On"), choices=choice_list((str(i), d) for i, d in enumerate(DAYS)), default="6")
    circle_on = BooleanField(_l("Messages people in my circle chose to send me"),
                             description=_l("For example, when someone asks Mend to tell you they would like to "
                                            "hear from you."))
    quiet_start = SelectField(_l("Quiet from"), choices=choice_list([("", _l("No quiet hours")), *TIMES]), default="")
    quiet_end = SelectField(_l("Until"), choices=choice_list([("", _l("No quiet hours")), *TIMES]), default="")
    full_wording = BooleanField(_l("Say what it is about"),
                                description=_l("Off: every message reads “You have something to look at in Mend”, "
                                               "so nothing about recovery shows on a lock screen."))
    calendar_alarm = BooleanField(_l("Add an alert at this time to my calendar feed"))


# Always 2 days or more: the plural words.
QUIET_CHOICES = [("", _l("Don't tell them")), *[(str(n), _l("After %(num)d days", num=n)) for n in range(2, 15)]]


class CircleAlertForm(MendForm):
    """For one loved one: tell them after N days without a check-in; let "Reach out" go to them."""

    quiet_days = SelectField(_l("If I haven't checked in"), choices=choice_list(QUIET_CHOICES), default="")
    reach_out = BooleanField(_l("They get my “Reach out” message"))
