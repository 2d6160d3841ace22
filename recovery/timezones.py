"""The IANA time zones offered to users, and local-date helpers."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from recovery.db import utcnow


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """Return every IANA zone name users may choose, sorted."""
    hidden = ("Etc/", "SystemV/", "posix/", "right/")
    names = {n for n in available_timezones() if "/" in n and not n.startswith(hidden)}
    names.add("UTC")
    return tuple(sorted(names))


def is_valid_timezone(name: str) -> bool:
    """Tell whether a name is one of the offered IANA zones."""
    return isinstance(name, str) and name in timezone_names()


def local_today(tz_name: str, now: datetime | None = None) -> date:
    """Return today's date where the user lives."""
    now = now or utcnow()
    return now.astimezone(ZoneInfo(tz_name)).date()


def to_local(instant: datetime, tz_name: str) -> datetime:
    """Convert an aware instant to the user's local time."""
    return instant.astimezone(ZoneInfo(tz_name))
