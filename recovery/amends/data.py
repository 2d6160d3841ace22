"""Amends' part of "Your data" (recovery/yourdata): entries, their steps, and a loved one's openness answers."""

from __future__ import annotations

import sqlalchemy as sa

from recovery import yourdata
from recovery.amends.models import KINDS, STATUSES, AmendsEntry, AmendsOpenness, AmendsStep


def _my_entries(uid: int):
    return sa.select(AmendsEntry.id).where(AmendsEntry.owner_id == uid)


yourdata.rows("amends.entries", AmendsEntry, lambda uid: AmendsEntry.owner_id == uid)
yourdata.rows("amends.steps", AmendsStep, lambda uid: AmendsStep.entry_id.in_(_my_entries(uid)))
yourdata.rows("amends.my_openness_answers", AmendsOpenness, lambda uid: AmendsOpenness.owner_id == uid)
yourdata.words(STATUSES, by="amends")
yourdata.words(KINDS, by="amends")
