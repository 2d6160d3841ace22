"""Tables for the circle: invitations, connections, sharing grants and the access log."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import relationship as link

from recovery.accounts.models import User
from recovery.db import IdMixin, db, utcnow
from recovery.i18n import lazy_gettext as _l

# Stored codes, and each in words ("your partner"), in the reader's language when shown.
RELATIONSHIPS = {
    "partner": _l("partner"),
    "parent": _l("parent"),
    "child": _l("child"),
    "sibling": _l("sibling"),
    "friend": _l("friend"),
    "other": _l("someone close"),
}
# What the relationship looks like from the other side.
INVERSE = {"parent": "child", "child": "parent"}

ACTIVE = "active"
PAUSED = "paused"
ENDED = "ended"


def inverse_relationship(relationship_: str) -> str:
    """Return the same relationship as the other person sees it."""
    return INVERSE.get(relationship_, relationship_)


CIRCLE = "circle"  # an invitation between a person in recovery and a loved one
SUPPORT = "support"  # an invitation between a supporter and someone they support (recovery/supporters)


class Invitation(IdMixin, db.Model):
    """A single-use link to join someone's circle; only the token's hash is kept."""

    __tablename__ = "invitations"

    inviter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # CIRCLE, or SUPPORT for a supporter's link (either way round).
    kind: Mapped[str] = mapped_column(sa.String(20), default=CIRCLE, server_default=CIRCLE)
    # What the invitee is to the inviter ("my parent"); for SUPPORT, the supporter's kind ("sponsor").
    relationship: Mapped[str] = mapped_column(sa.String(20))
    # For SUPPORT from the person supported: the consent they offer ({"areas": [...], "purpose": ..., "months": n});
    # from a supporter: the purpose they suggest ({"purpose": ...}). Empty for CIRCLE.
    consent: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")
    # A private reminder for the inviter of who the link is for.
    invitee_label: Mapped[str] = mapped_column(sa.String(60), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    # pending, accepted, declined or cancelled (expiry is read from expires_at).
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")

    inviter: Mapped[User] = link(foreign_keys=[inviter_id])


class Connection(IdMixin, db.Model):
    """A tie between exactly one person in recovery and one loved one, or a supporter's tie.

    A supporter's tie joins a supporter (`supporter_id`) with the one person they support, who is in
    `person_id` (a person in recovery) or in `loved_one_id` (a loved one, for family sessions), the other
    column empty. It lasts while its consent does (`consent_ends_at`; recovery/supporters holds the consent
    itself and its history). Circle pages never list supporters' ties (circle.services.connections_of).
    """

    __tablename__ = "connections"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "loved_one_id"),
        sa.UniqueConstraint("person_id", "supporter_id"),
        sa.UniqueConstraint("loved_one_id", "supporter_id"),
        sa.CheckConstraint(
            "(supporter_id IS NULL AND person_id IS NOT NULL AND loved_one_id IS NOT NULL"
            " AND consent_ends_at IS NULL)"
            " OR (supporter_id IS NOT NULL AND consent_ends_at IS NOT NULL"
            " AND ((person_id IS NULL AND loved_one_id IS NOT NULL)"
            " OR (person_id IS NOT NULL AND loved_one_id IS NULL)))",
            name="members"),
    )

    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    loved_one_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    supporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # A supporter's tie: when its consent ends (the door lets nothing through from then on). None otherwise.
    consent_ends_at: Mapped[datetime | None]
    # What the loved one is to the person ("parent": the loved one is the person's parent).
    relationship: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=ACTIVE)
    # Whether the loved one is asked to confirm check-ins ("I saw this"). Off by default for a child
    # of the person, who can choose to turn it on: a child is never put in the role of checking on a parent.
    loved_one_confirms: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    paused_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    person: Mapped[User] = link(foreign_keys=[person_id])
    loved_one: Mapped[User] = link(foreign_keys=[loved_one_id])
    supporter: Mapped[User | None] = link(foreign_keys=[supporter_id])
    grants: Mapped[list[ShareGrant]] = link(
        back_populates="connection", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_support(self) -> bool:
        """A supporter's tie, not a circle connection."""
        return self.supporter_id is not None

    @property
    def supported_id(self) -> int | None:
        """In a supporter's tie, the person who chose the supporter (None in a circle connection)."""
        if not self.is_support:
            return None
        return self.person_id if self.person_id is not None else self.loved_one_id

    @property
    def supported(self) -> User | None:
        if not self.is_support:
            return None
        return self.person if self.person_id is not None else self.loved_one

    def other(self, user_id: int) -> User:
        """Return the other member of the connection."""
        if self.is_support:
            return self.supporter if user_id != self.supporter_id else self.supported
        return self.loved_one if user_id == self.person_id else self.person

    def relationship_for(self, user_id: int) -> str:
        """Return what the other member is to this user ("your parent"; "your sponsor")."""
        if self.is_support:
            return self.relationship if user_id != self.supporter_id else "supported"
        if user_id == self.person_id:
            return self.relationship
        return inverse_relationship(self.relationship)


class ShareGrant(IdMixin, db.Model):
    """The owner lets the other member of one connection see one of the owner's areas."""

    __tablename__ = "share_grants"
    __table_args__ = (sa.UniqueConstraint("connection_id", "owner_id", "area"),)

    connection_id: Mapped[int] = mapped_column(sa.ForeignKey("connections.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(sa.String(20))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    connection: Mapped[Connection] = link(back_populates="grants")


class AccessLogEntry(IdMixin, db.Model):
    """Someone in the owner's circle opened one of the owner's shared areas."""

    __tablename__ = "access_log"

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    viewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    area: Mapped[str] = mapped_column(sa.String(20))
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    viewer: Mapped[User | None] = link(foreign_keys=[viewer_id])
