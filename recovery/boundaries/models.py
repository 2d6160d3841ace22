"""Tables for boundaries: each boundary's versions, acknowledgements and the log of events."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import relationship as link

from recovery.accounts.models import User
from recovery.db import IdMixin, db, utcnow
from recovery.i18n import lazy_gettext as _l
from recovery.i18n import lazy_pgettext

# The labels shown; the keys are what is stored and compared.
CATEGORIES = {
    "safety": _l("Safety"),
    "money": _l("Money"),
    # "Home" is also the menu's first page ("Inicio"): the place one lives needs its own translation.
    "home": lazy_pgettext("boundary category", "Home"),
    "communication": _l("Communication"),
    "time": _l("Time"),
    "substances": _l("Substances in the home"),
    "other": _l("Other"),
}
ACK_KINDS = {"acknowledged": _l("I understand and will respect this"), "talk": _l("I'd like to talk about this")}
EVENT_KINDS = {"respected": _l("Respected"), "crossed": _l("Crossed"), "talked": _l("Talked about")}


class Boundary(IdMixin, db.Model):
    """A boundary someone sets: what they will do when a situation comes up."""

    __tablename__ = "boundaries"
    __table_args__ = (
        sa.CheckConstraint("status IN ('active', 'retired')", name="status"),
        sa.CheckConstraint("category IN ('safety', 'money', 'home', 'communication', 'time', 'substances', "
                           "'other')", name="category"),
    )

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    owner: Mapped[User] = link()
    versions: Mapped[list[BoundaryVersion]] = link(
        back_populates="boundary", cascade="all, delete-orphan", passive_deletes=True,
        order_by="BoundaryVersion.number",
    )

    @property
    def current(self) -> BoundaryVersion:
        return self.versions[-1]


class BoundaryVersion(IdMixin, db.Model):
    """The words of a boundary at one revision; earlier versions are kept."""

    __tablename__ = "boundary_versions"
    __table_args__ = (sa.UniqueConstraint("boundary_id", "number"),)

    boundary_id: Mapped[int] = mapped_column(sa.ForeignKey("boundaries.id", ondelete="CASCADE"))
    number: Mapped[int]
    situation: Mapped[str] = mapped_column(sa.String(500))
    my_action: Mapped[str] = mapped_column(sa.String(500))
    need: Mapped[str] = mapped_column(sa.String(1000), default="")
    request: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    boundary: Mapped[Boundary] = link(back_populates="versions")


class BoundaryAck(IdMixin, db.Model):
    """Someone the boundary is shared with answers it: understood, or "let's talk"."""

    __tablename__ = "boundary_acks"
    __table_args__ = (
        sa.UniqueConstraint("boundary_id", "viewer_id"),
        sa.CheckConstraint("kind IN ('acknowledged', 'talk')", name="kind"),
    )

    boundary_id: Mapped[int] = mapped_column(sa.ForeignKey("boundaries.id", ondelete="CASCADE"))
    viewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    viewer: Mapped[User] = link()


class BoundaryEvent(IdMixin, db.Model):
    """A moment worth noting: the boundary was respected, crossed, or talked about."""

    __tablename__ = "boundary_events"
    __table_args__ = (sa.CheckConstraint("kind IN ('respected', 'crossed', 'talked')", name="kind"),)

    boundary_id: Mapped[int] = mapped_column(sa.ForeignKey("boundaries.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    local_date: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = link()
