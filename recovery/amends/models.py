"""Tables for amends planning: entries, their steps, and loved ones' openness to an amends conversation."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import relationship as link

from recovery.db import IdMixin, db, utcnow
from recovery.i18n import lazy_gettext as _l

KINDS = {
    "undecided": _l("Not decided yet"),
    "direct": _l("Direct amends"),
    "indirect": _l("Indirect amends"),
    "living": _l("Living amends"),
}
WILLINGNESS = {"not_yet": _l("Not yet"), "willing": _l("Willing"), "ready": _l("Ready")}
# How willingness reads on its own, as a badge.
WILLINGNESS_BADGES = {"not_yet": _l("Not willing yet"), "willing": _l("I feel willing"), "ready": _l("I feel ready")}
STATUSES = {
    "listed": _l("Listed"),
    "willing": _l("Willing"),
    "planned": _l("Planned"),
    "made": _l("Made"),
    "ongoing": _l("Ongoing (living amends)"),
    "not_possible": _l("Not possible"),
}
# "How willing" and "where things stand" are one idea to the person: one question in the form, "Where am I
# with this?". The two columns stay; services.columns_for maps a stage to them, AmendsEntry.stage reads it back.
STAGES = {
    "not_yet": "Not willing yet",
    "willing": "Willing, not ready yet",
    "ready": "Ready to plan it",
    "planned": "Planned",
    "made": "Made",
    "ongoing": "Ongoing (living amends)",
    "not_possible": "Not possible",
}
# The same, in the reader's language (the pages and the form); STAGES keeps the English words.
STAGE_WORDS = {
    "not_yet": _l("Not willing yet"),
    "willing": _l("Willing, not ready yet"),
    "ready": _l("Ready to plan it"),
    "planned": _l("Planned"),
    "made": _l("Made"),
    "ongoing": _l("Ongoing (living amends)"),
    "not_possible": _l("Not possible"),
}
# Stages past willingness: the status says it all.
STATUS_STAGES = ("planned", "made", "ongoing", "not_possible")
OPENNESS = {
    "yes": _l("Yes, I'm open to it"),
    "maybe_later": _l("Maybe later"),
    "not_yet": _l("Not yet"),
    "no": _l("No — please don't contact me about this"),
}
# Answers after which Mend stops suggesting any contact about amends.
OPENNESS_NO_CONTACT = ("not_yet", "no")
# The safety questions, in the order they are asked.
SAFETY_QUESTIONS = ("safety_harm_them", "safety_harm_others", "safety_no_contact", "safety_for_me")
# The steps Mend itself writes (services.SUGGESTED_STEPS, contact.CONTACT_STEP) are stored in English, since code
# compares them; each is shown in the reader's language (AmendsStep.words). A step the person typed is shown as typed.
STEP_WORDS = {
    "Talk it over with my sponsor or counsellor": _l("Talk it over with my sponsor or counsellor"),
    "Write down what I want to say": _l("Write down what I want to say"),
    "Check that now is a good time for them": _l("Check that now is a good time for them"),
}


class AmendsEntry(IdMixin, db.Model):
    """Someone the person in recovery harmed, what happened, and the plan to make it right."""

    __tablename__ = "amends_entries"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('undecided', 'direct', 'indirect', 'living')", name="kind"),
        sa.CheckConstraint("willingness IN ('not_yet', 'willing', 'ready')", name="willingness"),
        sa.CheckConstraint("status IN ('listed', 'willing', 'planned', 'made', 'ongoing', 'not_possible')",
                           name="status"),
    )

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    person_name: Mapped[str] = mapped_column(sa.String(80))
    # Linked to a connection: only then can that loved one ever see the entry.
    connection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("connections.id", ondelete="SET NULL"),
                                                      index=True)
    relationship: Mapped[str] = mapped_column(sa.String(60), default="")
    what_happened: Mapped[str] = mapped_column(sa.Text, default="")
    impact: Mapped[str] = mapped_column(sa.Text, default="")
    my_part: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(20), default="undecided")
    # Safety check answers: True (yes), False (no) or None (not answered yet).
    safety_harm_them: Mapped[bool | None]
    safety_harm_others: Mapped[bool | None]
    safety_no_contact: Mapped[bool | None]
    safety_for_me: Mapped[bool | None]
    willingness: Mapped[str] = mapped_column(sa.String(20), default="not_yet")
    status: Mapped[str] = mapped_column(sa.String(20), default="listed")
    not_possible_reason: Mapped[str] = mapped_column(sa.String(1000), default="")
    planned_on: Mapped[date | None]
    # Reflection afterwards; private unless share_reflection is set.
    reflection_how: Mapped[str] = mapped_column(sa.Text, default="")
    reflection_response: Mapped[str] = mapped_column(sa.Text, default="")
    reflection_learned: Mapped[str] = mapped_column(sa.Text, default="")
    reflection_next: Mapped[str] = mapped_column(sa.Text, default="")
    share_reflection: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    steps: Mapped[list[AmendsStep]] = link(
        back_populates="entry", cascade="all, delete-orphan", passive_deletes=True,
        order_by="AmendsStep.position",
    )

    @property
    def stage(self) -> str:
        """Where the person is with this amends, as one answer (see STAGES)."""
        return self.status if self.status in STATUS_STAGES else self.willingness

    @property
    def has_reflection(self) -> bool:
        return any((self.reflection_how, self.reflection_response, self.reflection_learned, self.reflection_next))


class AmendsStep(IdMixin, db.Model):
    """One step of an amends plan, ticked off when done."""

    __tablename__ = "amends_steps"

    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("amends_entries.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.String(200))
    done: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    entry: Mapped[AmendsEntry] = link(back_populates="steps")

    @property
    def words(self) -> str:
        """The step as shown: a step Mend suggested in the reader's language, one the person typed as typed."""
        return str(STEP_WORDS.get(self.text, self.text))


class AmendsOpenness(IdMixin, db.Model):
    """A loved one's answer to "Am I open to an amends conversation?" for one person in recovery."""

    __tablename__ = "amends_openness"
    __table_args__ = (
        sa.UniqueConstraint("owner_id", "person_id"),
        sa.CheckConstraint("status IN ('not_yet', 'maybe_later', 'yes', 'no')", name="status"),
    )

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # Empty once the person deletes their account: the answer stays the loved one's own record.
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    conditions: Mapped[str] = mapped_column(sa.String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
