"""The calendar link's rules: make, rotate and revoke a secret feed address, and find the feed a token opens.

Only a hash of the feed's token is stored, bound to its purpose, so a token made for anything
else opens nothing here.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from recovery import audit
from recovery.accounts.models import User
from recovery.calendar.models import CalendarFeed
from recovery.db import db, utcnow
from recovery.errors import Refused
from recovery.security import hash_token, new_token

PURPOSE = "calendar"
# token_urlsafe(32) gives 43 characters; anything far longer is not one of ours.
MAX_TOKEN_LENGTH = 200


def feed_of(user: User) -> CalendarFeed | None:
    """Return the user's calendar feed, if they have turned it on."""
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def create_feed(user: User, plain_titles: bool = True) -> str:
    """Make a new secret feed address for the user, replacing any old one, and return its token."""
    token = new_token()
    feed = feed_of(user)
    replaced = feed is not None
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    # Reusing the row keeps one feed per user; the old token stops working with the new hash.
    feed.token_hash = hash_token(token, PURPOSE)
    feed.plain_titles = plain_titles
    feed.created_at = utcnow()
    audit.record(user.id, "calendar.create", "replaced" if replaced else "")
    db.session.flush()
    return token


def set_plain_titles(user: User, plain_titles: bool) -> None:
    """Choose plain or real event titles for the user's feed, keeping its address."""
    feed = feed_of(user)
    if feed is None:
        raise Refused(_("You don't have a calendar link right now. Make one first."))
    feed.plain_titles = plain_titles
    db.session.flush()


def revoke_feed(user: User) -> bool:
    """Turn the user's feed off so its address stops working; tell whether there was one."""
    feed = feed_of(user)
    if feed is None:
        return False
    db.session.delete(feed)
    audit.record(user.id, "calendar.revoke")
    db.session.flush()
    return True


def rotate_feed(user: User) -> bool:
    """Give the user's feed a new address nobody holds yet, so the old link stops working; tell if there was one.

    Used after a password change, a reset or "log out other devices" (calendar/data.py adds it to
    accounts.hooks): whoever may have had the account may have copied the link. The new token is not
    shown (Mend shows a link only once, when it is made); the owner makes a new link on the calendar
    page, keeping their titles choice.
    """
    feed = feed_of(user)
    if feed is None:
        return False
    feed.token_hash = hash_token(new_token(), PURPOSE)
    feed.created_at = utcnow()
    audit.record(user.id, "calendar.create", "rotated")
    db.session.flush()
    return True


def find_feed(token: str) -> CalendarFeed | None:
    """Return the feed a calendar token opens, or None (tokens of other purposes open nothing)."""
    if not token or not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token, PURPOSE)))
