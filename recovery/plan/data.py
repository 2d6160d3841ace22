"""The plan for hard days' part of "Your data" (recovery/yourdata): the person's own plan, every section.

Deleting the account deletes the plan with it (the database cascades from the users table).
"""

from __future__ import annotations

from recovery import yourdata
from recovery.plan.models import HardDaysPlan

yourdata.rows("plan_for_hard_days", HardDaysPlan, lambda uid: HardDaysPlan.owner_id == uid)
