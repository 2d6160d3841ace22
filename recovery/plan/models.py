"""The table for "My plan for hard days": one plan per person in recovery, section by section.

A plan follows the order safety plans use (warning signs, triggers, coping on my own, people and places,
people to ask, professionals, a safer place, reasons to keep going), and ends with a note for the people it
is shared with ("How you can help"). Every section is optional. Lists are stored as JSON lists of short
lines; the sections with two parts (a trigger and what I'll do, a name and a number) as lists of small
dicts. `updated_at` is when the person last saved or read the plan through: the review reminder counts from it.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import relationship as link

from recovery.accounts.models import User
from recovery.db import IdMixin, db, utcnow


class HardDaysPlan(IdMixin, db.Model):
    """A person's plan for hard days: what they notice, what they'll do, who they'll ask, why it matters."""

    __tablename__ = "hard_days_plans"

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # Lists of short lines, each typed by the person.
    warning_signs: Mapped[list] = mapped_column(sa.JSON, default=list)
    coping: Mapped[list] = mapped_column(sa.JSON, default=list)
    comfort: Mapped[list] = mapped_column(sa.JSON, default=list)
    safer: Mapped[list] = mapped_column(sa.JSON, default=list)
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    # [{"trigger": ..., "response": ...}]
    triggers: Mapped[list] = mapped_column(sa.JSON, default=list)
    # [{"name": ..., "phone": ..., "connection_id": int | None}]: people I can ask, some from my circle.
    helpers: Mapped[list] = mapped_column(sa.JSON, default=list)
    # [{"name": ..., "phone": ...}]: my counsellor, sponsor, treatment centre.
    professionals: Mapped[list] = mapped_column(sa.JSON, default=list)
    # For the people the plan is shared with: how they can help when I use it.
    how_to_help: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User] = link()
