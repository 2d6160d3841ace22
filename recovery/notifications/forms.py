"""Forms for reminders: what to hear about and when, who hears if the person goes quiet."""

from __future__ import annotations

from datetime import time

from wtforms import BooleanField, SelectField

from recovery.forms import MendForm, choice_list

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _label(t: time) -> str:
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'am' if t.hour < 12 else 'pm'}"


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

    by_email = BooleanField("Send them to my email")
    daily_on = BooleanField("Once a day")  # the label depends on the role: set in the view
    daily_time = SelectField("At", choices=choice_list(TIMES), default="19:00")
    weekly_on = BooleanField("A short summary of my week")
    weekly_day = SelectField("On", choices=choice_list((str(i), d) for i, d in enumerate(DAYS)), default="6")
    circle_on = BooleanField("Messages people in my circle chose to send me",
                             description="For example, when someone asks Mend to tell you they would like to "
                                         "hear from you.")
    quiet_start = SelectField("Quiet from", choices=choice_list([("", "No quiet hours"), *TIMES]), default="")
    quiet_end = SelectField("Until", choices=choice_list([("", "No quiet hours"), *TIMES]), default="")
    full_wording = BooleanField("Say what it is about",
                                description="Off: every message reads “You have something to look at in Mend”, "
                                            "so nothing about recovery shows on a lock screen.")
    calendar_alarm = BooleanField("Add an alert at this time to my calendar feed")


QUIET_CHOICES = [("", "Don't tell them"), *[(str(n), f"After {n} days") for n in range(2, 15)]]


class CircleAlertForm(MendForm):
    """For one loved one: tell them after N days without a check-in; let "Reach out" go to them."""

    quiet_days = SelectField("If I haven't checked in", choices=choice_list(QUIET_CHOICES), default="")
    reach_out = BooleanField("They get my “Reach out” message")
