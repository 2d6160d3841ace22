"""Supporters' part of "Your data" (recovery/yourdata): every consent, and a supporter's own notes.

A consent is a record both sides keep: the person who gave it and the supporter who received it each
find every version of it, with its dates, in their export. A supporter's notes are the supporter's data
(SECURITY.md 35): in the supporter's export, never in the person's, and deleted with the supporter's
account (the database cascades from the users table); a note about someone who leaves stays with its author.
"""

from __future__ import annotations

import sqlalchemy as sa

from recovery import yourdata
from recovery.accounts.models import User
from recovery.circle.models import Connection
from recovery.db import db
from recovery.i18n import lazy_gettext as _l
from recovery.supporters.models import CHANGED, ENDED, EXPIRED, GIVEN, RENEWED, Consent, SupporterNote


def _consents(user: User) -> list[dict]:
    """Every version of every consent I gave or was given, oldest first, with whom and when."""
    uid = user.id
    mine = sa.or_(Connection.person_id == uid, Connection.loved_one_id == uid, Connection.supporter_id == uid)
    query = (sa.select(Consent).join(Connection, Connection.id == Consent.connection_id)
             .where(mine, Connection.supporter_id.is_not(None)).order_by(Consent.id))
    return [{"connection_id": c.connection_id, "event": c.event, "given_by": c.supported_name,
             "supporter": c.supporter_name, "areas": list(c.areas), "purpose": c.purpose,
             "starts_on": yourdata.value(c.starts_on), "ends_on": yourdata.value(c.ends_on),
             "made_at": yourdata.value(c.created_at)}
            for c in db.session.scalars(query)]


yourdata.section("supporters.consents", _consents, tables=[Consent])
yourdata.rows("supporters.my_notes", SupporterNote, lambda uid: SupporterNote.author_id == uid)
yourdata.words({GIVEN: _l("Given"), CHANGED: _l("Changed"), RENEWED: _l("Renewed"), ENDED: _l("Ended"),
                EXPIRED: _l("Ran out")}, by="supporters")
