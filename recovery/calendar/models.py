"""The calendar feed's table: one secret, revocable feed address per user."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from recovery.db import IdMixin, db, utcnow


class CalendarFeed(IdMixin, db.Model):
    """A secret, revocable .ics address of the user's commitments (only its hash is kept)."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Show "Mend commitment" instead of real titles on a phone's lock screen.
    plain_titles: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
