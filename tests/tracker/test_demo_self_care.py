"""The demo's self-care (recovery/tracker/demo_self_care.py): Sam keeps two promises, one shared with Jordan."""

from __future__ import annotations

import sqlalchemy as sa

from recovery.circle import permissions
from recovery.circle.models import Connection
from recovery.db import db
from recovery.demo import DEFAULT_PASSWORD, create_demo
from recovery.tracker import commitments, pages
from recovery.tracker.demo_self_care import WEEKS, add_demo
from recovery.tracker.models import CheckIn, Commitment


def test_sam_has_two_self_care_commitments_with_weeks_of_check_ins(app):
    people_list, _ = create_demo(DEFAULT_PASSWORD)
    people = {p.email.split("@")[0]: p for p in people_list}
    jordan, sam = people["jordan"], people["sam"]
    connections = {name: db.session.scalar(sa.select(Connection).where(Connection.person_id == jordan.id,
                                                                        Connection.loved_one_id == people[name].id))
                   for name in ("sam", "pat", "casey")}
    if not db.session.scalar(sa.select(Commitment.id).where(Commitment.owner_id == sam.id)):
        add_demo(people, connections)  # until recovery/demo.py calls it itself
    db.session.commit()

    mine = db.session.scalars(sa.select(Commitment).where(Commitment.owner_id == sam.id)).all()
    assert len(mine) == 2 and [c.private for c in sorted(mine, key=lambda c: c.id)] == [False, True]
    days = db.session.scalars(sa.select(CheckIn.local_date).join(Commitment).where(Commitment.owner_id == sam.id)).all()
    today = commitments.today_for(sam)
    assert len(days) >= 2 * WEEKS and (today - min(days)).days >= 7 * (WEEKS - 1)
    assert {s.commitment.id for s in pages.overview(sam).summaries} == {c.id for c in mine}
    # Shared with Jordan, who sees the walk and not the meeting Sam keeps just for them.
    assert permissions.can_view(jordan, sam.id, "self_care")
    shared = commitments.shared_commitments(connections["sam"], sam.id)
    assert [c.title for c in shared] == ["Evening walk with Dana"]
    # Sam's other sharing is as the demo set it.
    assert {"boundaries", "trust"} <= permissions.shared_areas(connections["sam"], sam.id)
