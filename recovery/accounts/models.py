"""Tables for accounts: users, sessions, reset tokens, sign-in links, login throttling, known devices, audit events."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recovery.db import IdMixin, db, utcnow
from recovery.i18n import lazy_gettext as _l

PERSON = "person"
LOVED_ONE = "loved_one"
SUPPORTER = "supporter"
ROLES = {
    PERSON: _l("Person in recovery"),
    LOVED_ONE: _l("Loved one"),
    SUPPORTER: _l("Supporter"),
}
# What a supporter is to the people who choose them (recovery/supporters).
SUPPORTER_KINDS = {
    "sponsor": _l("Sponsor"),
    "counsellor": _l("Counsellor or therapist"),
    "coach": _l("Peer recovery coach"),
    "other": _l("Other supporter"),
}


class User(UserMixin, IdMixin, db.Model):
    """Someone with a Mend account, in one of the three roles."""

    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("role IN ('person', 'loved_one', 'supporter')", name="role"),)

    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(60))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    # Two-letter country code for the help lines this person sees; empty means the server's country.
    country: Mapped[str] = mapped_column(sa.String(2), default="", server_default="")
    # The language of this person's pages and of everything sent to them (recovery/i18n.py); empty means
    # the host's first language.
    language: Mapped[str] = mapped_column(sa.String(8), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Optional: the day the person in recovery counts their recovery from (for milestones).
    recovery_start: Mapped[date | None]
    # A supporter's kind (SUPPORTER_KINDS); empty for the other roles.
    supporter_kind: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    # When the host approved a supporter (hosts may require it: SUPPORTERS_NEED_APPROVAL); set at sign-up
    # when they don't. Unused for the other roles.
    approved_at: Mapped[datetime | None]

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_person(self) -> bool:
        return self.role == PERSON

    @property
    def is_loved_one(self) -> bool:
        return self.role == LOVED_ONE

    @property
    def is_supporter(self) -> bool:
        return self.role == SUPPORTER

    @property
    def role_label(self) -> str:
        return ROLES[self.role]

    @property
    def kind_label(self) -> str:
        """A supporter's kind in words ("Sponsor"); the role in words for everyone else."""
        return SUPPORTER_KINDS.get(self.supporter_kind, ROLES[self.role]) if self.is_supporter else ROLES[self.role]

    def __repr__(self) -> str:  # no email or name: repr can end up in logs
        return f"<User {self.id}>"


class UserSession(IdMixin, db.Model):
    """One signed-in browser; the cookie holds only a random token whose hash is stored here."""

    __tablename__ = "user_sessions"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")

    user: Mapped[User] = relationship(back_populates="sessions")


class PasswordReset(IdMixin, db.Model):
    """A single-use, expiring password reset token (only its hash is kept)."""

    __tablename__ = "password_resets"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SignInLink(IdMixin, db.Model):
    """A single-use, expiring link mailed after sign-up that logs the new account in (only its hash is kept).

    A table of its own, apart from password resets, so a reset token is never a sign-in link and the
    reverse. The page to land on afterwards travels in the link's query string, not here: it may be an
    invitation link, whose token must not be stored in plain text.
    """

    __tablename__ = "sign_in_links"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginThrottle(db.Model):
    """Login attempts counted per email address, and per email address and client address.

    Shared by every worker and host through the database (the policy is in accounts/services.py).
    Keyed by hashes, for known and unknown emails alike, so a locked-out answer never reveals
    whether an account exists; `account_key` (the hash of the email) ties every row of an email
    together, so deleting the account or resetting its password finds them all.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    account_key: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]


class KnownDevice(IdMixin, db.Model):
    """A browser that has logged into an account before; its cookie holds a random token, only the hash is here.

    While the account itself is paused after many failed logins, the right password still works from
    a known device (see accounts/services.py).
    """

    __tablename__ = "known_devices"
    __table_args__ = (sa.UniqueConstraint("user_id", "token_hash"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(IdMixin, db.Model):
    """A security event on an account. Never holds content: only a kind and a short code."""

    __tablename__ = "audit_events"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    detail: Mapped[str] = mapped_column(sa.String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
