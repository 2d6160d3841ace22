"""Account rules: registration, login and throttling, sessions, password changes and resets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from recovery import audit, helplines, mail
from recovery.accounts.models import (
    ROLES,
    AuditEvent,
    LoginThrottle,
    PasswordReset,
    User,
    UserSession,
)
from recovery.accounts.passwords import (
    burn_verify_time,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from recovery.db import db, insert_unless_present, prepare_to_write, utcnow
from recovery.errors import Refused
from recovery.security import hash_token, new_token
from recovery.timezones import is_valid_timezone
from recovery.tracker import calendar_service

SESSION_PURPOSE = "session"
RESET_PURPOSE = "password-reset"


def normalize_email(email: str) -> str:
    """Return the form of an email address used for storage and lookup."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the user with this email address, if any."""
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


# --- Registration -------------------------------------------------------------


COUNTRY_REFUSED = "Please choose a country from the list, or “Somewhere else”."


def _check_country(country: str) -> None:
    """Refuse a country Mend doesn't offer; "" (the server's country) is allowed."""
    if country != "" and not helplines.is_offered(country):
        raise Refused(COUNTRY_REFUSED, field="country")


def register(display_name: str, email: str, password: str, role: str, timezone: str,
             country: str = "") -> User | None:
    """Create an account; return None, doing the same work, when the email is already used.

    `country` chooses the help lines the person sees ("" follows the server's HELP_COUNTRY).
    The caller answers the same way in both cases (SECURITY.md 4).
    """
    if role not in ROLES:
        raise Refused("Please choose one of the two roles.", field="role")
    if not is_valid_timezone(timezone):
        raise Refused("Please choose a time zone from the list.", field="timezone")
    _check_country(country)
    problem = password_problem(password, email=email, name=display_name)
    if problem:
        raise Refused(problem, field="password")
    password_hash = hash_password(password)  # hash either way: equal timing
    if find_user_by_email(email) is not None:
        return None
    user = User(
        display_name=display_name.strip(),
        email=normalize_email(email),
        password_hash=password_hash,
        role=role,
        timezone=timezone,
        country=country,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(user.id, "account.create")
    return user


# --- Login throttling (SECURITY.md 3) -------------------------------------------


def _throttle_key(email: str) -> str:
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()


def throttle_key(email: str) -> str:
    """Return the key of an email address's login counter (deleting an account removes its row)."""
    return _throttle_key(email)


def _throttle_row(email: str, lock: bool = False) -> LoginThrottle | None:
    stmt = sa.select(LoginThrottle).where(LoginThrottle.key == _throttle_key(email))
    if lock:
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt)


def is_locked(email: str, now: datetime | None = None) -> bool:
    """Tell whether logins to this email address are paused after repeated failures."""
    now = now or utcnow()
    row = _throttle_row(email)
    return bool(row and row.locked_until and row.locked_until > now)


def record_failed_login(email: str, now: datetime | None = None) -> bool:
    """Count a failed login for this address; return True when it is now locked.

    Safe under concurrent workers: the row is created with an upsert and then
    locked (FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE already holds SQLite's lock).
    """
    now = now or utcnow()
    cfg = current_app.config
    key = _throttle_key(email)
    insert_unless_present(LoginThrottle, ["key"], key=key, failures=0, window_started_at=now)
    row = _throttle_row(email, lock=True)
    db.session.refresh(row)
    if now - row.window_started_at > cfg["LOGIN_FAILURE_WINDOW"]:
        row.failures = 0
        row.window_started_at = now
    row.failures += 1
    if row.failures >= cfg["LOGIN_MAX_FAILURES"]:
        row.locked_until = now + cfg["LOGIN_LOCKOUT"]
        row.failures = 0
        row.window_started_at = now
    db.session.flush()
    return bool(row.locked_until and row.locked_until > now)


def clear_failed_logins(email: str) -> None:
    """Forget failed logins for this address after a successful one."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == _throttle_key(email)))


LOGIN_WRONG = "That email and password don't match an account. Please check them and try again."
LOGIN_LOCKED = (
    "Too many tries for this email. For safety, logins are paused for a while. "
    "Please wait 15 minutes, or reset your password."
)


def authenticate(email: str, password: str) -> User:
    """Return the user for these credentials, or raise Refused with one answer for every wrong case."""
    now = utcnow()
    user = find_user_by_email(email)
    if is_locked(email, now):
        burn_verify_time(password)
        raise Refused(LOGIN_LOCKED)
    if user is None:
        burn_verify_time(password)
        record_failed_login(email, now)
        raise Refused(LOGIN_WRONG)
    if not verify_password(user.password_hash, password):
        locked = record_failed_login(email, now)
        audit.record(user.id, "login.locked" if locked else "login.failed")
        raise Refused(LOGIN_WRONG)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    clear_failed_logins(email)
    audit.record(user.id, "login.ok")
    return user


# --- Server-side sessions (SECURITY.md 6) ----------------------------------------


def start_session(user: User, user_agent: str = "") -> str:
    """Create a session row for a fresh login and return the token for the cookie."""
    token = new_token()
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=hash_token(token, SESSION_PURPOSE),
            user_agent=(user_agent or "")[:200],
        )
    )
    db.session.flush()
    return token


@dataclass
class LiveSession:
    """A valid session and its user."""

    row: UserSession
    user: User


def check_session(token: str, now: datetime | None = None) -> tuple[LiveSession | None, bool]:
    """Return the live session for a cookie token and whether a row was changed.

    A timed-out session is deleted; a live one has its "last seen" time moved on,
    at most once per SESSION_TOUCH_INTERVAL to save writes.
    """
    if not token or not isinstance(token, str) or len(token) > 200:
        return None, False
    now = now or utcnow()
    cfg = current_app.config
    query = (sa.select(UserSession).where(UserSession.token_hash == hash_token(token, SESSION_PURPOSE))
             .options(joinedload(UserSession.user)))  # every page needs both: one query, not two
    row = db.session.scalar(query)
    if row is None:
        return None, False

    def timed_out(row: UserSession) -> bool:
        return (now - row.last_seen_at > cfg["SESSION_IDLE_TIMEOUT"]
                or now - row.created_at > cfg["SESSION_ABSOLUTE_TIMEOUT"])

    if timed_out(row) or now - row.last_seen_at >= cfg["SESSION_TOUCH_INTERVAL"]:
        prepare_to_write()  # a reading page is about to write: take the lock, then look again
        row = db.session.scalar(query.execution_options(populate_existing=True))
        if row is None:
            return None, False
    if timed_out(row):
        db.session.delete(row)
        db.session.flush()
        return None, True
    if now - row.last_seen_at >= cfg["SESSION_TOUCH_INTERVAL"]:
        row.last_seen_at = now
        return LiveSession(row=row, user=row.user), True
    return LiveSession(row=row, user=row.user), False


def load_session(token: str, now: datetime | None = None) -> LiveSession | None:
    """Return the live session for a cookie token, ending it if it has timed out."""
    return check_session(token, now)[0]


def end_session(token: str) -> None:
    """Delete the session row behind a cookie token."""
    db.session.execute(
        sa.delete(UserSession).where(UserSession.token_hash == hash_token(token, SESSION_PURPOSE))
    )


def end_other_sessions(user: User, keep_session_id: int | None) -> int:
    """End every session of a user but one; return how many ended."""
    stmt = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if keep_session_id is not None:
        stmt = stmt.where(UserSession.id != keep_session_id)
    return db.session.execute(stmt).rowcount or 0


def list_sessions(user: User) -> list[UserSession]:
    """Return the user's sessions, most recently used first."""
    return list(
        db.session.scalars(
            sa.select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.last_seen_at.desc())
        )
    )


def revoke_session(user: User, session_id: int) -> None:
    """End one of the user's own sessions; any other id is treated as not found."""
    row = db.session.scalar(
        sa.select(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    )
    if row is None:
        raise LookupError(session_id)
    db.session.delete(row)
    audit.record(user.id, "session.revoke")


def recent_events(user: User, limit: int = 100) -> list[AuditEvent]:
    """Return the user's latest security events, newest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.user_id == user.id)
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


# --- Profile and password --------------------------------------------------------


def update_profile(user: User, display_name: str, timezone: str, country: str | None = None) -> None:
    """Change the user's name, time zone and (when given) the country of their help lines."""
    if not is_valid_timezone(timezone):
        raise Refused("Please choose a time zone from the list.", field="timezone")
    if country is not None:
        _check_country(country)
        user.country = country
    user.display_name = display_name.strip()
    user.timezone = timezone


REAUTH_WRONG = "That isn't your current password."


def reauth_locked_message() -> str:
    """The words shown while re-entering the password is paused."""
    minutes = max(1, round(current_app.config["LOGIN_LOCKOUT"].total_seconds() / 60))
    return (f"Too many wrong passwords. For your safety, this is paused for {minutes} minutes: "
            "please wait, then try again. If you've forgotten your password, log out and reset it.")


class ReauthRefused(Refused):
    """A re-entered password was wrong, or re-entering is paused: the caller commits to keep the count."""

    keep_changes = True


def _reauth_key(user: User) -> str:
    # The login counter's own table and policy, under a key no email address can have.
    return f"reauth:{user.id}"


def check_password(user: User, password: str) -> None:
    """Raise ReauthRefused unless the password is the user's current one, counting failures like login.

    Re-authentication (export, deletion, email and password change; SECURITY.md 30) shares the
    login throttle's table and limits under a key of its own, so after LOGIN_MAX_FAILURES wrong
    passwords even the right one is refused for LOGIN_LOCKOUT. Failures are audited. Call it before
    any change: on ReauthRefused the caller commits (keeping the count) instead of rolling back.
    """
    now = utcnow()
    key = _reauth_key(user)
    if is_locked(key, now):
        burn_verify_time(password)
        raise ReauthRefused(reauth_locked_message(), field="current_password")
    if not verify_password(user.password_hash, password):
        locked = record_failed_login(key, now)
        audit.record(user.id, "reauth.locked" if locked else "reauth.failed")
        raise ReauthRefused(reauth_locked_message() if locked else REAUTH_WRONG, field="current_password")
    clear_failed_logins(key)


def change_password(user: User, current: str, new: str, keep_session_id: int | None) -> bool:
    """Set a new password after checking the current one, end the other sessions and change the calendar link.

    Return whether a calendar link was changed (the user is told).
    """
    check_password(user, current)
    set_password(user, new)
    end_other_sessions(user, keep_session_id)
    audit.record(user.id, "password.change")
    return rotate_calendar_link(user)


def log_out_other_devices(user: User, keep_session_id: int | None) -> tuple[int, bool]:
    """End every session but this one and change the calendar link; return (sessions ended, link changed)."""
    count = end_other_sessions(user, keep_session_id)
    audit.record(user.id, "session.revoke", f"others:{count}")
    return count, rotate_calendar_link(user)


def rotate_calendar_link(user: User) -> bool:
    """Give the user's calendar feed a new secret address, if they have one (SECURITY.md 29)."""
    # Whoever had the account (or one of its devices) may have copied the calendar link too.
    return calendar_service.rotate_feed(user)


def set_password(user: User, new: str) -> None:
    """Replace a user's password after checking the rules."""
    problem = password_problem(new, email=user.email, name=user.display_name)
    if problem:
        raise Refused(problem, field="new_password")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    void_reset_tokens(user)


def change_email(user: User, password: str, new_email: str, keep_session_id: int | None = None) -> bool:
    """Move the account to a new email address after re-entering the password; return whether it changed.

    Every other session ends, and the old address is told that the address changed, nothing more.
    """
    check_password(user, password)
    new_email = normalize_email(new_email)
    if new_email == user.email:
        return False
    if find_user_by_email(new_email) is not None:
        raise Refused("That email can't be used. Please choose another.", field="email")
    old_email = user.email
    user.email = new_email
    void_reset_tokens(user)
    end_other_sessions(user, keep_session_id)
    audit.record(user.id, "email.change")
    mail.send_email_changed_notice(old_email)
    return True


# --- Password reset (SECURITY.md 4 and 5) -----------------------------------------


def void_reset_tokens(user: User) -> None:
    """Make every outstanding reset link of a user stop working (SECURITY.md 29).

    Called on any password change, email change and completed reset: a link mailed before
    (perhaps to an old address, or asked for by someone else) must not undo what just changed.
    """
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )


def create_reset_token(user: User) -> str:
    """Make a single-use reset token for a user and return it (only its hash is stored)."""
    token = new_token()
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=hash_token(token, RESET_PURPOSE),
            expires_at=utcnow() + current_app.config["RESET_TOKEN_LIFETIME"],
        )
    )
    audit.record(user.id, "password.reset_requested")
    db.session.flush()
    return token


RESET_USED = "This reset link has expired or was already used. Please ask for a new one."


def find_reset(token: str, now: datetime | None = None) -> PasswordReset | None:
    """Return the unused, unexpired reset row for a token, or None."""
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    row = db.session.scalar(
        sa.select(PasswordReset).where(PasswordReset.token_hash == hash_token(token, RESET_PURPOSE))
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def reset_password(token: str, new: str) -> tuple[User, bool]:
    """Use a reset token to set a new password; end every session and change the calendar link.

    Return the user and whether a calendar link was changed (the user is told).
    """
    now = utcnow()
    row = find_reset(token, now)
    # Claim the link in one statement (SECURITY.md 25): of several requests with one link at once, only
    # the first changes the row; on PostgreSQL the others wait for it, then find it used.
    claimed = row is not None and db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False)).rowcount == 1
    if not claimed:
        raise Refused(RESET_USED)
    user = db.session.get(User, row.user_id)
    set_password(user, new)  # every other outstanding link dies with it (a bad password rolls the claim back)
    end_other_sessions(user, None)
    clear_failed_logins(user.email)
    audit.record(user.id, "password.reset")
    return user, rotate_calendar_link(user)
