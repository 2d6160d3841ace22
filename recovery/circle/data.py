"""The circle's part of "Your data" (recovery/yourdata): connections, sharing, invitations, who viewed what."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from recovery import yourdata
from recovery.accounts.models import User
from recovery.circle.models import (
    ACTIVE,
    ENDED,
    PAUSED,
    RELATIONSHIPS,
    AccessLogEntry,
    Connection,
    Invitation,
    ShareGrant,
)
from recovery.circle.permissions import AREAS
from recovery.db import db
from recovery.i18n import lazy_gettext as _l


def _connections(user: User) -> list[dict]:
    """My connections, the other person named as they call themselves, with what I share in each."""
    uid = user.id
    # Supporters' ties too: a supporter's own list of the people who chose them, and a person's of their supporters.
    mine_or_theirs = sa.or_(Connection.person_id == uid, Connection.loved_one_id == uid, Connection.supporter_id == uid)
    return [
        {"id": c.id, "with": c.other(uid).display_name, "relationship": c.relationship_for(uid),
         "status": c.status, "created_at": yourdata.value(c.created_at), "ended_at": yourdata.value(c.ended_at),
         "i_share": sorted(g.area for g in c.grants if g.owner_id == uid)}
        for c in db.session.scalars(sa.select(Connection).where(mine_or_theirs).order_by(Connection.id))
    ]


def _who_viewed(user: User) -> list[dict]:
    """Who looked at what I share, and when (a viewer who has left is named as such)."""
    query = (sa.select(AccessLogEntry.area, AccessLogEntry.viewed_at, User.display_name)
             .outerjoin(User, User.id == AccessLogEntry.viewer_id).where(AccessLogEntry.owner_id == user.id)
             .order_by(AccessLogEntry.viewed_at))
    return [{"viewer": name or _("Someone who has left Mend"), "area": area, "viewed_at": yourdata.value(at)}
            for area, at, name in db.session.execute(query)]


yourdata.section("connections", _connections, tables=[Connection])
yourdata.rows("sharing", ShareGrant, lambda uid: ShareGrant.owner_id == uid)
yourdata.rows("invitations", Invitation, lambda uid: Invitation.inviter_id == uid)
yourdata.section("who_viewed_my_areas", _who_viewed, tables=[AccessLogEntry])
yourdata.words({ACTIVE: _l("Active"), PAUSED: _l("Paused"), ENDED: _l("Ended")}, by="circle")
yourdata.words({key: area.name for key, area in AREAS.items()}, by="circle")  # in the reader's language
yourdata.words(RELATIONSHIPS, by="circle")
