"""Looking after me: a loved one's own wellbeing checks and CRAFT worksheets. Private, never shared."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from recovery.db import IdMixin, db, utcnow

# The parts of life a wellbeing check asks about, in the order the form shows them (each 1-10).
AREA_KEYS = ("sleep", "daily", "friends", "health", "me_time", "money", "feelings", "relationship")

# The three CRAFT worksheets, as stored.
GOOD_DAYS, STEPPING_BACK, PROBLEM_SOLVING = "good_days", "stepping_back", "problem_solving"
KINDS = (GOOD_DAYS, STEPPING_BACK, PROBLEM_SOLVING)


class WellbeingCheck(IdMixin, db.Model):
    """A loved one's answers, at most once every 7 days, about how happy they are with each part of life."""

    __tablename__ = "wellbeing_checks"
    __table_args__ = (
        *(sa.CheckConstraint(f"{key} BETWEEN 1 AND 10", name=key) for key in AREA_KEYS),
        sa.Index("ix_wellbeing_checks_owner_date", "owner_id", "local_date"),
    )

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date]
    sleep: Mapped[int]
    daily: Mapped[int]
    friends: Mapped[int]
    health: Mapped[int]
    me_time: Mapped[int]
    money: Mapped[int]
    feelings: Mapped[int]
    relationship: Mapped[int]
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def scores(self) -> dict[str, int]:
        """Each part's answer, by key, in the form's order."""
        return {key: getattr(self, key) for key in AREA_KEYS}

    @property
    def average(self) -> float:
        """The mean of the eight answers (1 to 10)."""
        return sum(self.scores.values()) / len(AREA_KEYS)


class Worksheet(IdMixin, db.Model):
    """One of a loved one's CRAFT worksheets: noticing good days, stepping back, or problem-solving."""

    __tablename__ = "wellbeing_worksheets"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('good_days', 'stepping_back', 'problem_solving')", name="kind"),
    )

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(120), default="")
    # The user's own words for each part of the worksheet, by the part's key (services.WORKSHEETS).
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Stepping back only: the day the safety questions were last answered, every one "no".
    safe_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
