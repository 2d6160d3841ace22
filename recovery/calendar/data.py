"""The calendar's part of "Your data" (recovery/yourdata), and of changing a password.

The export says whether the user has a calendar link (never the link: only its hash is stored).
After a password change, a reset or "log out other devices", the feed gets a new address
(accounts.hooks, SECURITY.md 29).
"""

from __future__ import annotations

import sqlalchemy as sa

from recovery import yourdata
from recovery.accounts import hooks
from recovery.accounts.models import User
from recovery.calendar import services
from recovery.calendar.models import CalendarFeed
from recovery.db import db


def _has_link(user: User) -> bool:
    return bool(db.session.scalar(sa.select(CalendarFeed.id).where(CalendarFeed.user_id == user.id)))


yourdata.section("tracker.calendar_link", _has_link, tables=[CalendarFeed])
hooks.when_password_changes(services.rotate_feed)
