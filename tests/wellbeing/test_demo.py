"""The demo circle's "Looking after me": Sam's four weekly checks and one worksheet of each kind."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from recovery.accounts.models import User
from recovery.db import db
from recovery.demo import DEMO_DOMAIN, create_demo
from recovery.wellbeing import services
from recovery.wellbeing.demo import add_demo
from recovery.wellbeing.models import KINDS, WellbeingCheck, Worksheet


def _people():
    return {name: db.session.scalar(sa.select(User).where(User.email == f"{name}@{DEMO_DOMAIN}"))
            for name in ("jordan", "sam", "pat", "casey")}


def test_sam_has_four_weekly_checks_ending_a_week_ago_and_one_worksheet_of_each_kind(app):
    create_demo()
    people = _people()
    if not db.session.scalar(sa.select(WellbeingCheck.id).limit(1)):  # recovery/demo.py may call it already
        add_demo(people, {})
    db.session.commit()
    sam = people["sam"]
    checks = services.wellbeing(sam).checks
    today = services.today_for(sam)
    assert [c.local_date for c in checks] == [today - timedelta(days=7 * w) for w in (1, 2, 3, 4)]
    assert services.wellbeing(sam).can_check_in  # a new check is due in the demo
    reading = services.wellbeing(sam).reading
    assert reading.kind == "up" and len(reading.sentences) >= 2
    sheets = db.session.scalars(sa.select(Worksheet).where(Worksheet.owner_id == sam.id)).all()
    assert sorted(s.kind for s in sheets) == sorted(KINDS)
    assert all(s.answers for s in sheets)
    assert not db.session.scalar(sa.select(WellbeingCheck.id).where(WellbeingCheck.owner_id != sam.id).limit(1))
