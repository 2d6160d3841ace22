"""Tables for reaching people outside the page: what each person chose, what was sent, and where to.

A `Notification` row is both the entry in a person's "What's new" list and the proof that it was sent:
it is unique per person, kind and key (a local date, a week, a quiet spell), so a job that runs twice,
or on two hosts at once, makes one row and sends once (SECURITY.md 37). It never holds content: its
words are worked out from its kind when it is shown or sent (SECURITY.md 36).
"""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import relationship as link

from recovery.accounts.models import User
from recovery.db import IdMixin, db, utcnow

# Kinds of notification.
REMINDER = "reminder"  # person: a check-in is still open today
WAITING = "waiting"  # loved one: something waits for them (days to confirm, a boundary, an invitation)
WEEKLY = "weekly"  # either: the weekly summary
QUIET = "quiet"  # loved one: the person has not checked in for N days (they chose to tell them)
REACH_OUT = "reach_out"  # loved one: the person would like to hear from them
PLAN_REVIEW = "plan_review"  # person: their plan for hard days was last saved three months ago (recovery/plan)
CONSENT_ENDING = "consent_ending"  # whoever chose a supporter: the consent's last day is a week away
KINDS = (REMINDER, WAITING, WEEKLY, QUIET, REACH_OUT, PLAN_REVIEW, CONSENT_ENDING)

DEFAULT_DAILY_TIME = time(19, 0)
SUNDAY = 6  # weekdays as Python counts them: Monday is 0


class NotificationSettings(db.Model):
    """What one person chose to hear about, how, and when. Everything is off until they choose it."""

    __tablename__ = "notification_settings"
    __table_args__ = (sa.CheckConstraint("weekly_day BETWEEN 0 AND 6", name="weekly_day"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Ways to reach me. Web push goes to each browser that subscribed (PushSubscription).
    by_email: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    by_push: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Once a day at daily_time: for a person, "a check-in is still open"; for a loved one, "something waits".
    daily_on: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    daily_time: Mapped[time] = mapped_column(default=DEFAULT_DAILY_TIME)
    weekly_on: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    weekly_day: Mapped[int] = mapped_column(default=SUNDAY, server_default=str(SUNDAY))
    # Messages people in my circle chose to send me (a quiet-days alert, "reach out").
    circle_on: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Nothing leaves between these local times (both or neither); it waits until they end.
    quiet_start: Mapped[time | None]
    quiet_end: Mapped[time | None]
    # Off: every message outside the page reads "You have something to look at in Mend".
    full_wording: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The calendar feed carries an alarm at daily_time.
    calendar_alarm: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The first-week prompt on the home page was answered or put away.
    prompt_done: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Notification(IdMixin, db.Model):
    """One thing sent to one person: in their "What's new" list, and out by email or push once delivered."""

    __tablename__ = "notifications"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", "key", name="uq_notifications_once"),
                      sa.Index("ix_notifications_undelivered", "delivered_at", "created_at"))

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # What makes it once-only: a local date, an ISO week, a connection and a day.
    key: Mapped[str] = mapped_column(sa.String(60))
    # The person it is about (a quiet-days alert, "reach out"), if any.
    about_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # A number the words need (days without a check-in); never content.
    count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Handed to email and push (claimed once, by one job); None while waiting for quiet hours to end.
    delivered_at: Mapped[datetime | None]
    channels: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    read_at: Mapped[datetime | None]

    about: Mapped[User | None] = link(foreign_keys=[about_id])


class CircleAlert(db.Model):
    """What a person in recovery chose to tell one loved one: a quiet-days alert, and "reach out"."""

    __tablename__ = "circle_alerts"
    __table_args__ = (sa.CheckConstraint("quiet_days IS NULL OR quiet_days BETWEEN 2 AND 14", name="quiet_days"),)

    connection_id: Mapped[int] = mapped_column(sa.ForeignKey("connections.id", ondelete="CASCADE"),
                                               primary_key=True)
    # "If I haven't checked in for N days, let them know" (None: off).
    quiet_days: Mapped[int | None]
    # When the quiet-days alert was set up: days before it never count as quiet.
    quiet_since: Mapped[datetime | None]
    reach_out: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PushSubscription(IdMixin, db.Model):
    """One browser that agreed to web push for a person: where to send, and the keys to encrypt with."""

    __tablename__ = "push_subscriptions"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000))
    # SHA-256 of the endpoint: one row per browser, however long its address.
    endpoint_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(100))
    # A short name of the browser ("Chrome on Android"), so a person can tell their devices apart.
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
