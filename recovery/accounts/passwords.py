"""Password rules and argon2id hashing (SECURITY.md 1 and 2)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Load the shipped list of the 20,000 most common passwords, lower-cased."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Return why a new password is not acceptable, or None when it is fine."""
    cfg = current_app.config
    if len(password) < cfg["PASSWORD_MIN_LENGTH"]:
        return _("Use at least %(num)d characters. A short sentence works well.", num=cfg["PASSWORD_MIN_LENGTH"])
    if len(password) > cfg["PASSWORD_MAX_LENGTH"]:
        return _("Use %(num)d characters or fewer.", num=cfg["PASSWORD_MAX_LENGTH"])
    lowered = password.strip().lower()
    if lowered in common_passwords():
        return _("That password is on a list of very common passwords. Please choose another.")
    if email and lowered in {email.strip().lower(), email.strip().lower().split("@")[0]}:
        return _("Please don't use your email address as your password.")
    if name and lowered == name.strip().lower():
        return _("Please don't use your name as your password.")
    if len(set(password)) < 4:
        return _("That password repeats too few characters. Please choose another.")
    return None


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST_KIB"],
        parallelism=cfg["ARGON2_PARALLELISM"],
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    """Hash a password with argon2id and the configured parameters."""
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Check a password against a stored hash without raising."""
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Tell whether a hash was made with older parameters than the configured ones."""
    try:
        return _hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=4)
def _dummy_hash(params: tuple) -> str:
    return _hasher().hash("not a real password, used to even out timing")


def burn_verify_time(password: str) -> None:
    """Spend the time of one real verification, so unknown emails answer as slowly as known ones."""
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST_KIB"], cfg["ARGON2_PARALLELISM"])
    verify_password(_dummy_hash(key), password)
