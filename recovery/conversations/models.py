"""Table for conversation plans: a script, personalised, through its life from draft to reflection."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from recovery.db import IdMixin, db, utcnow
from recovery.i18n import lazy_gettext as _l

# Stored keys stay as they are; people see the words: "held" is "Talked", "reflected" is "Reflection written".
STATUSES = {"draft": _l("Draft"), "ready": _l("Ready to talk"), "held": _l("Talked"),
            "reflected": _l("Reflection written")}


class ConversationPlan(IdMixin, db.Model):
    """A user's plan for one hard conversation, built from a script in the library."""

    __tablename__ = "conversation_plans"
    __table_args__ = (sa.CheckConstraint("status IN ('draft', 'ready', 'held', 'reflected')", name="status"),)

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    script_id: Mapped[str] = mapped_column(sa.String(60))
    title: Mapped[str] = mapped_column(sa.String(120))
    connection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("connections.id", ondelete="SET NULL"),
                                                      index=True)
    amends_id: Mapped[int | None] = mapped_column(sa.ForeignKey("amends_entries.id", ondelete="SET NULL"))
    boundary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("boundaries.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    held_on: Mapped[date | None]
    # The user's own words for each step, by the step's key.
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Shown to the linked connection only when the owner also shares the conversations area.
    shared: Mapped[bool] = mapped_column(default=False)
    reflection_how: Mapped[str] = mapped_column(sa.Text, default="")
    reflection_response: Mapped[str] = mapped_column(sa.Text, default="")
    reflection_differently: Mapped[str] = mapped_column(sa.Text, default="")
    reflection_next: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
