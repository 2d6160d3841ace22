"""Boundaries' part of "Your data" (recovery/yourdata): my boundaries and their wordings, my answers, my notes.

Deleting an account also deletes the events its owner noted on someone else's boundary: the
database would only empty their author, leaving their words behind (SECURITY.md 27).
"""

from __future__ import annotations

import sqlalchemy as sa

from recovery import yourdata
from recovery.accounts.models import User
from recovery.boundaries.models import Boundary, BoundaryAck, BoundaryEvent, BoundaryVersion
from recovery.db import db


def _my_boundaries(uid: int):
    return sa.select(Boundary.id).where(Boundary.owner_id == uid)


def _delete_events_i_noted(user: User) -> None:
    db.session.execute(sa.delete(BoundaryEvent).where(BoundaryEvent.author_id == user.id))


yourdata.rows("boundaries.boundaries", Boundary, lambda uid: Boundary.owner_id == uid)
yourdata.rows("boundaries.versions", BoundaryVersion, lambda uid: BoundaryVersion.boundary_id.in_(_my_boundaries(uid)))
yourdata.rows("boundaries.my_answers", BoundaryAck, lambda uid: BoundaryAck.viewer_id == uid)
yourdata.rows("boundaries.events_i_noted", BoundaryEvent, lambda uid: BoundaryEvent.author_id == uid)
yourdata.cleanup("boundaries.events_i_noted", _delete_events_i_noted)
