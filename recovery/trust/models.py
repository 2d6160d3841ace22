"""Trust check-ins: a loved one's own short rating of their trust in one person, over time."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from recovery.db import IdMixin, db, utcnow


class TrustCheckIn(IdMixin, db.Model):
    """Three 1-7 answers (predictability, dependability, faith) and an optional note."""

    __tablename__ = "trust_checkins"
    __table_args__ = (
        sa.CheckConstraint("predictability BETWEEN 1 AND 7", name="predictability"),
        sa.CheckConstraint("dependability BETWEEN 1 AND 7", name="dependability"),
        sa.CheckConstraint("faith BETWEEN 1 AND 7", name="faith"),
        sa.Index("ix_trust_checkins_owner_person_date", "owner_id", "person_id", "local_date"),
    )

    # The loved one who owns the check-in.
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # The person in recovery it is about (empty once they delete their account: the check-ins stay the loved one's).
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    local_date: Mapped[date]
    predictability: Mapped[int]
    dependability: Mapped[int]
    faith: Mapped[int]
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def average(self) -> float:
        """The mean of the three answers."""
        return (self.predictability + self.dependability + self.faith) / 3
