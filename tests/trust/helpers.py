"""Small helpers for the trust tests."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from recovery.db import db
from recovery.trust.models import TrustCheckIn


def add_checkin(owner, person, day: date, answers=(4, 4, 4), note: str = "") -> TrustCheckIn:
    """Insert a check-in directly (for history older than the weekly rule allows to build by hand)."""
    p, d, f = answers
    checkin = TrustCheckIn(owner_id=owner.id, person_id=person.id, local_date=day, predictability=p,
                           dependability=d, faith=f, note=note)
    db.session.add(checkin)
    db.session.commit()
    return checkin


def count_checkins() -> int:
    """Count every trust check-in in the database."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(TrustCheckIn))
