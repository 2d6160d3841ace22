"""Account rules: registration, sign-in links, login and throttling, sessions, password changes and resets.

Login throttling policy (SECURITY.md 3 and 4; settings in recovery/config.py):

* Every login try is counted before its password is checked, in one atomic statement per counter, and
  the count is committed before the slow password check (which then holds no database lock). Of any
  number of tries at once, no more than the limit reach a password check — on SQLite and PostgreSQL.
* Per email and client address: after LOGIN_MAX_FAILURES (5) tries within LOGIN_FAILURE_WINDOW
  (15 minutes), that email is paused for LOGIN_LOCKOUT (15 minutes) from that address only. The
  address is the one the app sees (behind a proxy: set PROXY_FIX_HOPS); an IPv6 address counts as
  its /64. Someone failing from their own address locks out no one else.
* Per email from everywhere: after LOGIN_ACCOUNT_MAX_FAILURES (20) tries within the window, the email
  is paused from every address and browser — except a known device: a browser that logged into the
  account before (a random token in an HttpOnly cookie, only its hash stored; kept for
  LOGIN_DEVICE_LIFETIME). There the right password still works, so someone who can make many failures
  from many addresses can slow an account down but not shut its owner out. The per-address pause still
  applies to a known device.
* A right password does not count: it forgets the tries from its own address and takes back its own
  try from the account count (others' failures stay). A completed password reset forgets every count.
* Unknown emails are counted and paused exactly like known ones, with the same answer and the same work,
  so a pause never reveals whether an account exists. Failed checks of a real account are audited
  (login.failed, and login.locked for the try that starts a pause), with no content; tries refused
  while paused are not (they check nothing).
* Re-entering the password (export, deletion, email and password change) has its own counter per
  account (LOGIN_MAX_FAILURES, then LOGIN_LOCKOUT), counted the same way.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from recovery import audit, helplines, i18n, mail
from recovery.accounts import hooks
from recovery.accounts.models import (
    ROLES,
    SUPPORTER,
    SUPPORTER_KINDS,
    AuditEvent,
    KnownDevice,
    LoginThrottle,
    PasswordReset,
    SignInLink,
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
from recovery.db import commit_now, db, insert_unless_present, once, prepare_to_write, utcnow
from recovery.errors import NotFound, Refused
from recovery.i18n import lazy_gettext as _l
from recovery.security import hash_token, new_token
from recovery.timezones import is_valid_timezone

SESSION_PURPOSE = "session"
RESET_PURPOSE = "password-reset"
SIGN_IN_PURPOSE = "sign-in-link"
SIGN_IN_LINK_LIFETIME = timedelta(hours=1)


def normalize_email(email: str) -> str:
    """Return the form of an email address used for storage and lookup."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the user with this email address, if any."""
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


# --- Registration -------------------------------------------------------------


COUNTRY_REFUSED = _l("Please choose a country from the list, or “Somewhere else”.")


LANGUAGE_REFUSED = _l("Please choose a language from the list.")


def _checked_language(language: str) -> str:
    """A language this host offers ("" for the host's first), or a refusal."""
    if not language:
        return ""
    if i18n.normalize(language) != language:
        raise Refused(LANGUAGE_REFUSED, field="language")
    return language


def _check_country(country: str) -> None:
    """Refuse a country Mend doesn't offer; "" (the server's country) is allowed."""
    if country != "" and not helplines.is_offered(country):
        raise Refused(COUNTRY_REFUSED, field="country")


def register(display_name: str, email: str, password: str, role: str, timezone: str,
             country: str = "", supporter_kind: str = "", language: str = "") -> User | None:
    """Create an account; return None, doing the same work, when the email is already used.

    `country` chooses the help lines the person sees ("" follows the server's HELP_COUNTRY); `language` the
    language of their pages and of what Mend sends them ("" follows the host's first).
    A supporter says what kind of supporter they are; a host may ask to approve supporters first
    (SUPPORTERS_NEED_APPROVAL). The caller answers the same way in both cases (SECURITY.md 4).
    """
    if role not in ROLES:
        raise Refused(_("Please choose one of the three."), field="role")
    if role == SUPPORTER and supporter_kind not in SUPPORTER_KINDS:
        raise Refused(_("Please choose what kind of supporter you are."), field="supporter_kind")
    if not is_valid_timezone(timezone):
        raise Refused(_("Please choose a time zone from the list."), field="timezone")
    _check_country(country)
    language = _checked_language(language)
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
        language=language,
        supporter_kind=supporter_kind if role == SUPPORTER else "",
        approved_at=None if role == SUPPORTER and current_app.config.get("SUPPORTERS_NEED_APPROVAL") else utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(user.id, "account.create")
    return user


# --- Login throttling (SECURITY.md 3; the policy is in this module's docstring) -----------

PAIR_PURPOSE = "login-pair"
DEVICE_PURPOSE = "known-device"


def throttle_key(name: str) -> str:
    """Return the key of an email address's account-wide login counter (or of another name's, like "reauth:7")."""
    return hashlib.sha256(normalize_email(name).encode()).hexdigest()


def client_network(address: str | None) -> str:
    """Return what a client address is counted as: the IPv4 address itself, or the IPv6 /64 it lies in."""
    # One IPv6 home or server is usually given a whole /64: counting single addresses would let it
    # change address for every try.
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def pair_key(email: str, address: str | None) -> str:
    """Return the key of the login counter of one email address tried from one client address."""
    return hashlib.sha256(f"{PAIR_PURPOSE}:{normalize_email(email)}:{client_network(address)}".encode()).hexdigest()


@dataclass(frozen=True)
class Counted:
    """What counting one try under a key decided."""

    allowed: bool  # the try may check a password
    starts_pause: bool  # it was the last try allowed: the key is paused from now on


def _count_try(key: str, account_key: str | None, limit: int, now: datetime) -> Counted:
    """Count one try under a key in a single statement, unless the key is paused; the limit-th try starts a pause.

    The try is counted before its password is checked, and the check and the count are one UPDATE
    (the row is locked by it until the transaction ends; SQLite's BEGIN IMMEDIATE holds the whole
    database): of many tries at once, no more than `limit` are allowed, on every database.
    """
    cfg = current_app.config
    throttle = LoginThrottle
    insert_unless_present(throttle, ["key"], key=key, account_key=account_key, failures=0, window_started_at=now)
    stale = throttle.window_started_at <= now - cfg["LOGIN_FAILURE_WINDOW"]
    count = sa.case((stale, 1), else_=throttle.failures + 1)
    full = count >= limit
    instant = throttle.locked_until.type
    pause = db.session.execute(
        sa.update(throttle)
        .where(throttle.key == key, sa.or_(throttle.locked_until.is_(None), throttle.locked_until <= now))
        .values(failures=sa.case((full, 0), else_=count),
                window_started_at=sa.case((sa.or_(full, stale), sa.literal(now, instant)),
                                          else_=throttle.window_started_at),
                locked_until=sa.case((full, sa.literal(now + cfg["LOGIN_LOCKOUT"], instant)), else_=sa.null()))
        .returning(throttle.locked_until)
        .execution_options(synchronize_session=False)
    ).first()
    if pause is None:
        return Counted(allowed=False, starts_pause=False)
    return Counted(allowed=True, starts_pause=pause.locked_until is not None)


def _take_back_try(key: str, now: datetime) -> None:
    """Uncount one try under a key after the right password, unless the key is paused."""
    throttle = LoginThrottle
    db.session.execute(
        sa.update(throttle)
        .where(throttle.key == key, throttle.failures > 0,
               sa.or_(throttle.locked_until.is_(None), throttle.locked_until <= now))
        .values(failures=throttle.failures - 1)
        .execution_options(synchronize_session=False))


def is_locked(email: str, now: datetime | None = None) -> bool:
    """Tell whether logins to this email address are paused from every address."""
    now = now or utcnow()
    locked_until = db.session.scalar(sa.select(LoginThrottle.locked_until)
                                     .where(LoginThrottle.key == throttle_key(email)))
    return bool(locked_until and locked_until > now)


def record_failed_login(name: str, now: datetime | None = None) -> bool:
    """Count one failed try under a name's own counter (LOGIN_MAX_FAILURES); return whether it is paused."""
    key = throttle_key(name)
    counted = _count_try(key, key, current_app.config["LOGIN_MAX_FAILURES"], now or utcnow())
    return not counted.allowed or counted.starts_pause


def clear_failed_logins(email: str) -> None:
    """Forget every login count and pause of an email address, from every client address."""
    key = throttle_key(email)
    db.session.execute(sa.delete(LoginThrottle).where(sa.or_(LoginThrottle.key == key,
                                                             LoginThrottle.account_key == key)))


def forget_login_counts(user: User) -> None:
    """Delete every login and re-authentication counter of an account (when it is deleted)."""
    clear_failed_logins(user.email)
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == throttle_key(_reauth_key(user))))


def _device_known(user_id: int | None, device_token: str | None) -> bool:
    """Tell whether a browser's known-device token belongs to this account (one query, known email or not)."""
    if not device_token or not isinstance(device_token, str) or len(device_token) > 200:
        return False
    owners = db.session.scalars(sa.select(KnownDevice.user_id)
                                .where(KnownDevice.token_hash == hash_token(device_token, DEVICE_PURPOSE)))
    return user_id is not None and user_id in set(owners)


def remember_device(user: User, device_token: str | None, now: datetime | None = None) -> str:
    """Mark this browser as a known device of the user and return the token for its cookie.

    A token the browser already holds for this account is kept; otherwise a fresh one is made (a token
    planted in the browser by someone else is never adopted), and other accounts that knew the old token
    move to the new one, so a shared computer stays known to each of them. Devices unused for
    LOGIN_DEVICE_LIFETIME are forgotten.
    """
    now = now or utcnow()
    old_hash = (hash_token(device_token, DEVICE_PURPOSE)
                if device_token and isinstance(device_token, str) and len(device_token) <= 200 else None)
    if old_hash is not None:
        touched = db.session.execute(
            sa.update(KnownDevice).where(KnownDevice.user_id == user.id, KnownDevice.token_hash == old_hash)
            .values(last_used_at=now).execution_options(synchronize_session=False)).rowcount
        if touched:
            return device_token
    token = new_token()
    new_hash = hash_token(token, DEVICE_PURPOSE)
    if old_hash is not None:
        db.session.execute(sa.update(KnownDevice).where(KnownDevice.token_hash == old_hash)
                           .values(token_hash=new_hash).execution_options(synchronize_session=False))
    db.session.execute(sa.delete(KnownDevice).where(
        KnownDevice.user_id == user.id,
        KnownDevice.last_used_at < now - current_app.config["LOGIN_DEVICE_LIFETIME"]))
    db.session.add(KnownDevice(user_id=user.id, token_hash=new_hash, created_at=now, last_used_at=now))
    db.session.flush()
    return token


# Words a page shows, so in its reader's language when it is drawn (lazy: these are fixed at import).
LOGIN_WRONG = _l("That email and password don't match an account. Please check them and try again.")
LOGIN_LOCKED = _l("Too many tries for this email. For safety, logins are paused for a while. "
                  "Please wait 15 minutes, or reset your password.")


@dataclass(frozen=True)
class LoginAttempt:
    """A login try, counted before its password is checked (plain values: they outlive a commit)."""

    user_id: int | None
    password_hash: str | None
    pair_key: str
    account_key: str
    allowed: bool
    starts_pause: bool
    account_counted: bool
    device_token: str | None


def begin_login(email: str, address: str | None, device_token: str | None = None,
                now: datetime | None = None) -> LoginAttempt:
    """Count a login try for this email from this client address, before any password is checked.

    The pair (email, address) is counted first, then the email from everywhere; a try refused by the pair
    is not counted for the account, so one address adds at most LOGIN_MAX_FAILURES to it. While the
    account is paused, a known device (device_token) may still try. The count is committed here, before
    finish_login: it stands even if the request fails later, and no lock is held during the slow check.
    """
    now = now or utcnow()
    cfg = current_app.config
    user = find_user_by_email(email)
    account = throttle_key(email)
    pair = pair_key(email, address)
    # The same statements for known and unknown emails (SECURITY.md 4).
    known_device = _device_known(user.id if user else None, device_token)
    by_pair = _count_try(pair, account, cfg["LOGIN_MAX_FAILURES"], now)
    by_account = _count_try(account, account, cfg["LOGIN_ACCOUNT_MAX_FAILURES"], now) if by_pair.allowed else None
    allowed = by_pair.allowed and by_account is not None and (by_account.allowed or known_device)
    commit_now()
    return LoginAttempt(
        user_id=user.id if user else None,
        password_hash=user.password_hash if user else None,
        pair_key=pair,
        account_key=account,
        allowed=allowed,
        starts_pause=by_pair.starts_pause or bool(by_account and by_account.starts_pause),
        account_counted=bool(by_account and by_account.allowed),
        device_token=device_token,
    )


def finish_login(attempt: LoginAttempt, password: str, now: datetime | None = None) -> tuple[User, str]:
    """Check the password of a counted try; return the user and the token of their known-device cookie.

    Raise Refused with one answer for every wrong case. The password is checked before the database is
    touched again, so after the commit that follows begin_login no lock is held during the check.
    """
    if not attempt.allowed:
        burn_verify_time(password)
        raise Refused(LOGIN_LOCKED)
    if attempt.password_hash is None:
        burn_verify_time(password)
        right = False
    else:
        right = verify_password(attempt.password_hash, password)
    new_hash = hash_password(password) if right and needs_rehash(attempt.password_hash) else None
    now = now or utcnow()
    user = db.session.get(User, attempt.user_id) if attempt.user_id is not None else None
    if not right:
        if user is not None:
            audit.record(user.id, "login.locked" if attempt.starts_pause else "login.failed")
        raise Refused(LOGIN_WRONG)
    if user is None or user.password_hash != attempt.password_hash:
        # Deleted, or given a new password, while this try was being checked.
        raise Refused(LOGIN_WRONG)
    if new_hash is not None:
        user.password_hash = new_hash
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == attempt.pair_key))
    if attempt.account_counted:
        _take_back_try(attempt.account_key, now)  # a right password is not a failure; others' failures stay
    token = remember_device(user, attempt.device_token, now)
    audit.record(user.id, "login.ok")
    return user, token


def authenticate(email: str, password: str, address: str | None = None, device_token: str | None = None) -> User:
    """Return the user for these credentials, or raise Refused with one answer for every wrong case.

    Both steps in one transaction: still safe against many tries at once, since the count's lock is
    held until the caller commits. The login view commits between the steps instead (see begin_login).
    """
    return finish_login(begin_login(email, address, device_token), password)[0]


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
    query, values = _session_by_token(), {"token_hash": hash_token(token, SESSION_PURPOSE)}
    row = db.session.scalar(query, values)
    if row is None:
        return None, False

    def timed_out(row: UserSession) -> bool:
        return (now - row.last_seen_at > cfg["SESSION_IDLE_TIMEOUT"]
                or now - row.created_at > cfg["SESSION_ABSOLUTE_TIMEOUT"])

    if timed_out(row) or now - row.last_seen_at >= cfg["SESSION_TOUCH_INTERVAL"]:
        prepare_to_write()  # a reading page is about to write: take the lock, then look again
        row = db.session.scalar(query, values, execution_options={"populate_existing": True})
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


@once
def _session_by_token():
    """Every page's first query: the session row and its user (one query, not two)."""
    return (sa.select(UserSession).where(UserSession.token_hash == sa.bindparam("token_hash"))
            .options(joinedload(UserSession.user)))


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
        raise NotFound(session_id)
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


def update_profile(user: User, display_name: str, timezone: str, country: str | None = None,
                   language: str | None = None) -> None:
    """Change the user's name, time zone and (when given) the country of their help lines and their language."""
    if not is_valid_timezone(timezone):
        raise Refused(_("Please choose a time zone from the list."), field="timezone")
    if country is not None:
        _check_country(country)
        user.country = country
    if language is not None:
        user.language = _checked_language(language)
    user.display_name = display_name.strip()
    user.timezone = timezone


REAUTH_WRONG = _l("That isn't your current password.")


def reauth_locked_message() -> str:
    """The words shown while re-entering the password is paused."""
    minutes = max(1, round(current_app.config["LOGIN_LOCKOUT"].total_seconds() / 60))
    return ngettext("Too many wrong passwords. For your safety, this is paused for %(num)d minute: "
                    "please wait, then try again. If you've forgotten your password, log out and reset it.",
                    "Too many wrong passwords. For your safety, this is paused for %(num)d minutes: "
                    "please wait, then try again. If you've forgotten your password, log out and reset it.",
                    minutes)


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
    key = throttle_key(_reauth_key(user))
    # Counted before the check, like login: the count's row stays locked until the request ends, so
    # wrong passwords posted at once are checked one after another, never more than the limit.
    counted = _count_try(key, None, current_app.config["LOGIN_MAX_FAILURES"], utcnow())
    if not counted.allowed:
        burn_verify_time(password)
        raise ReauthRefused(reauth_locked_message(), field="current_password")
    if not verify_password(user.password_hash, password):
        audit.record(user.id, "reauth.locked" if counted.starts_pause else "reauth.failed")
        raise ReauthRefused(reauth_locked_message() if counted.starts_pause else REAUTH_WRONG,
                            field="current_password")
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == key))


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
    void_sign_in_links(user)  # an unused sign-in link is one more device waiting to log in
    audit.record(user.id, "session.revoke", f"others:{count}")
    return count, rotate_calendar_link(user)


def rotate_calendar_link(user: User) -> bool:
    """Give the user's calendar feed a new secret address, if they have one (SECURITY.md 29).

    Whoever had the account (or one of its devices) may have copied the calendar link too. The
    calendar registers the change in accounts/hooks.py, so accounts does not import it.
    """
    return hooks.password_changed(user)


def set_password(user: User, new: str) -> None:
    """Replace a user's password after checking the rules."""
    problem = password_problem(new, email=user.email, name=user.display_name)
    if problem:
        raise Refused(problem, field="new_password")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    void_reset_tokens(user)
    void_sign_in_links(user)


def change_email(user: User, password: str, new_email: str, keep_session_id: int | None = None) -> bool:
    """Move the account to a new email address after re-entering the password; return whether it changed.

    Every other session ends, and the old address is told that the address changed, nothing more.
    """
    check_password(user, password)
    new_email = normalize_email(new_email)
    if new_email == user.email:
        return False
    if find_user_by_email(new_email) is not None:
        raise Refused(_("That email can't be used. Please choose another."), field="email")
    old_email = user.email
    user.email = new_email
    clear_failed_logins(old_email)  # no account uses it now: its counts must not outlive the account
    void_reset_tokens(user)
    void_sign_in_links(user)
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


RESET_USED = _l("This reset link has expired or was already used. Please ask for a new one.")


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


# --- Sign-in links (after sign-up; SECURITY.md 4, 5 and 25) -----------------------------------

# When the server can send mail, signing up answers "check your email" for new and known emails
# alike (SECURITY.md 4); a new account's email holds a link that logs it in once. Only the link's hash
# is stored, in a table of its own and hashed with its own purpose, so a reset token is never a sign-in
# link and the reverse. Opening the link (GET) changes nothing: mail scanners open links. Pressing its
# button (POST) claims it in one statement, like a reset link.

SIGN_IN_LINK_USED = _l("This link has expired or was already used.")


def create_sign_in_link(user: User) -> str:
    """Make a single-use sign-in link token for a new account and return it (only its hash is stored)."""
    token = new_token()
    db.session.add(SignInLink(user_id=user.id, token_hash=hash_token(token, SIGN_IN_PURPOSE),
                              expires_at=utcnow() + SIGN_IN_LINK_LIFETIME))
    db.session.flush()
    return token


def find_sign_in_link(token: str, now: datetime | None = None) -> SignInLink | None:
    """Return the unused, unexpired sign-in link row for a token, or None."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    now = now or utcnow()
    row = db.session.scalar(
        sa.select(SignInLink).where(SignInLink.token_hash == hash_token(token, SIGN_IN_PURPOSE)))
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def language_of_link(link: SignInLink) -> str:
    """The language the link's owner chose at sign-up ("" for the host's first)."""
    return db.session.scalar(sa.select(User.language).where(User.id == link.user_id)) or ""


def use_sign_in_link(token: str, device_token: str | None = None) -> tuple[User, str]:
    """Use a sign-in link once; return its user and the token of their known-device cookie.

    Raise Refused when the link is unknown, used, expired or voided. Of several requests with one link
    at once, only the first claims it (SECURITY.md 25); the caller then logs the user in like a login.
    """
    now = utcnow()
    row = find_sign_in_link(token, now)
    claimed = row is not None and db.session.execute(
        sa.update(SignInLink)
        .where(SignInLink.id == row.id, SignInLink.used_at.is_(None), SignInLink.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False)).rowcount == 1
    if not claimed:
        raise Refused(SIGN_IN_LINK_USED)
    user = db.session.get(User, row.user_id)
    if user is None:  # deleted meanwhile (the row would have gone with it)
        raise Refused(SIGN_IN_LINK_USED)
    device = remember_device(user, device_token, now)
    audit.record(user.id, "login.link")
    return user, device


def void_sign_in_links(user: User) -> None:
    """Make every outstanding sign-in link of a user stop working (SECURITY.md 29).

    Called with void_reset_tokens (a password change, an email change, a completed reset) and when
    every other device is logged out: a link mailed before must not open the account afterwards.
    """
    db.session.execute(
        sa.update(SignInLink)
        .where(SignInLink.user_id == user.id, SignInLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
