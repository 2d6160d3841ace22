"""Tables for the consistency tracker: commitments and their schedules, check-ins,
loved ones' confirmations, setbacks and small wins."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import relationship as link

from recovery.accounts.models import User
from recovery.db import IdMixin, db, utcnow
from recovery.i18n import lazy_gettext as _l

# Schedule kinds. "paused" marks days from which nothing is due (pause or archive).
DAILY = "daily"
WEEKDAYS = "weekdays"
WEEKLY = "weekly"  # N times a week, on any days
ONCE = "once"
# Named apart from circle's PAUSED (a connection's status): same stored word, another meaning.
PAUSED_SCHEDULE = "paused"
SCHEDULE_KINDS = (DAILY, WEEKDAYS, WEEKLY, ONCE, PAUSED_SCHEDULE)

KEPT = "kept"
PARTLY = "partly"
MISSED = "missed"
CHECKIN_STATUSES = {KEPT: _l("Kept"), PARTLY: _l("Partly kept"), MISSED: _l("Missed")}

SAW = "saw"
NOT_SEEN = "not_seen"
VERDICTS = {SAW: _l("I saw this"), NOT_SEEN: _l("I didn't see this")}


class Commitment(IdMixin, db.Model):
    """Something the person in recovery means to do regularly, like "call Mum on Sundays"."""

    __tablename__ = "commitments"
    __table_args__ = (sa.CheckConstraint("status IN ('active', 'paused', 'archived')", name="status"),)

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    why: Mapped[str] = mapped_column(sa.String(1000), default="")
    # The connection it concerns, if any ("call Mum" concerns the connection with Mum).
    connection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("connections.id", ondelete="SET NULL"))
    # A living amends: the amends entry this commitment carries out over time.
    amends_id: Mapped[int | None] = mapped_column(sa.ForeignKey("amends_entries.id", ondelete="SET NULL"))
    # Kept just for me: never shown to loved ones, even when the tracker is shared.
    private: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The score and streaks over days that can no longer change (score.settled_through), saved so
    # that pages carry on from here instead of replaying years of check-ins. `progress_key` names
    # the dates and schedules they were worked out under; if those differ, they count for nothing.
    progress_through: Mapped[date | None]
    progress_score: Mapped[float] = mapped_column(default=0.0, server_default="0")
    progress_current: Mapped[int] = mapped_column(default=0, server_default="0")
    progress_best: Mapped[int] = mapped_column(default=0, server_default="0")
    progress_settled: Mapped[int] = mapped_column(default=0, server_default="0")
    progress_key: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    # The calendar's squares over the same settled days, one letter a day from `calendar_from` to
    # `progress_through` (progress.CALENDAR_CODES), kept for the last 26 weeks only: a calendar then reads
    # just the days since, however long the history. They hold while the saved progress holds.
    calendar_from: Mapped[date | None]
    calendar_days: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    owner: Mapped[User] = link(foreign_keys=[owner_id])
    schedules: Mapped[list[ScheduleVersion]] = link(
        back_populates="commitment", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ScheduleVersion.valid_from",
    )


class ScheduleVersion(IdMixin, db.Model):
    """A commitment's schedule from one local date on; a change adds a version, so the past never changes."""

    __tablename__ = "commitment_schedules"
    __table_args__ = (
        sa.UniqueConstraint("commitment_id", "valid_from"),
        sa.CheckConstraint("kind IN ('daily', 'weekdays', 'weekly', 'once', 'paused')", name="kind"),
    )

    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    valid_from: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(20))
    # Weekdays as a bit mask: Monday = 1, Tuesday = 2, ... Sunday = 64.
    weekdays: Mapped[int] = mapped_column(default=0)
    times_per_week: Mapped[int] = mapped_column(default=0)
    once_on: Mapped[date | None]
    # For a pause: the schedule to go back to on resume (its other fields are kept above).
    resume_kind: Mapped[str | None] = mapped_column(sa.String(20))

    commitment: Mapped[Commitment] = link(back_populates="schedules")


class CheckIn(IdMixin, db.Model):
    """How a commitment went on one local calendar day."""

    __tablename__ = "checkins"
    __table_args__ = (
        sa.UniqueConstraint("commitment_id", "local_date"),
        sa.CheckConstraint("status IN ('kept', 'partly', 'missed')", name="status"),
    )

    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitments.id", ondelete="CASCADE"))
    local_date: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(10))
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    commitment: Mapped[Commitment] = link()
    addenda: Mapped[list[CheckInAddendum]] = link(
        cascade="all, delete-orphan", passive_deletes=True, order_by="CheckInAddendum.created_at"
    )
    confirmations: Mapped[list[Confirmation]] = link(
        back_populates="checkin", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Confirmation.created_at",
    )


class CheckInAddendum(IdMixin, db.Model):
    """A note added to a check-in after it locked; the original stays as it was."""

    __tablename__ = "checkin_addenda"

    checkin_id: Mapped[int] = mapped_column(sa.ForeignKey("checkins.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Confirmation(IdMixin, db.Model):
    """A loved one's word on a check-in they can see: "I saw this" or "I didn't see this"."""

    __tablename__ = "confirmations"
    __table_args__ = (
        sa.UniqueConstraint("checkin_id", "confirmer_id"),
        sa.CheckConstraint("verdict IN ('saw', 'not_seen')", name="verdict"),
    )

    checkin_id: Mapped[int] = mapped_column(sa.ForeignKey("checkins.id", ondelete="CASCADE"))
    confirmer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(sa.String(10))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    checkin: Mapped[CheckIn] = link(back_populates="confirmations")
    confirmer: Mapped[User] = link()


class Setback(IdMixin, db.Model):
    """A slip or relapse, told honestly. Never deleted: the long-term record stays."""

    __tablename__ = "setbacks"

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    local_date: Mapped[date]
    what_happened: Mapped[str] = mapped_column(sa.String(2000), default="")
    next_step: Mapped[str] = mapped_column(sa.String(2000), default="")
    # Private unless the person chooses to let those who see their milestones see it.
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SmallWin(IdMixin, db.Model):
    """Something the person did right today."""

    __tablename__ = "small_wins"

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    local_date: Mapped[date]
    text: Mapped[str] = mapped_column(sa.String(280))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
