"""Tables for supporters: each consent given (one row per version, never changed) and a supporter's notes."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import relationship as link

from recovery.accounts.models import User
from recovery.circle.models import Connection
from recovery.db import IdMixin, db, utcnow

# What each version of a consent records.
GIVEN = "given"  # the first consent, when the tie began
CHANGED = "changed"  # what is shared, the purpose or the end date changed
RENEWED = "renewed"  # a new end date
ENDED = "ended"  # the person ended it (or the supporter stepped back)
EXPIRED = "expired"  # noticed after its end date passed
CONSENT_EVENTS = (GIVEN, CHANGED, RENEWED, ENDED, EXPIRED)


class Consent(IdMixin, db.Model):
    """One version of a person's consent for a supporter: what, for what purpose, until when; never edited.

    The newest row of a tie is the consent in force (if the tie is active and `ends_at` is ahead); the
    older rows are its history, kept with the tie and printable. The form follows 42 CFR Part 2 §2.31:
    who shares, with whom, what, why, until when, the right to end it, the date it was given.
    """

    __tablename__ = "consents"

    connection_id: Mapped[int] = mapped_column(sa.ForeignKey("connections.id", ondelete="CASCADE"), index=True)
    # Who made this version: the person supported, or the supporter (only to end it).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    event: Mapped[str] = mapped_column(sa.String(20))
    areas: Mapped[list] = mapped_column(sa.JSON, default=list)
    purpose: Mapped[str] = mapped_column(sa.String(300), default="")
    # Names as they were when this version was made, so the record reads true after a rename.
    supported_name: Mapped[str] = mapped_column(sa.String(60), default="")
    supporter_name: Mapped[str] = mapped_column(sa.String(60), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # the last day it holds, in the supported person's time zone
    ends_at: Mapped[datetime]  # the instant it stops (midnight after ends_on there), in UTC
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    connection: Mapped[Connection] = link()


class SupporterNote(IdMixin, db.Model):
    """A supporter's own note about a session: theirs alone, shown to the person only if they share it."""

    __tablename__ = "supporter_notes"

    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Whom it is about; the note stays with its author if that person leaves Mend.
    about_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    on_date: Mapped[date]
    text: Mapped[str] = mapped_column(sa.Text, default="")
    shared: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = link(foreign_keys=[author_id])
    about: Mapped[User | None] = link(foreign_keys=[about_id])
