"""The tracker's part of "Your data" (recovery/yourdata): commitments, schedules, check-ins, setbacks, wins.

Also tells the amends entry page which commitments carry out an amends (a living amends): the
tracker depends on amends, never the other way round.
"""

from __future__ import annotations

import sqlalchemy as sa

from recovery import yourdata
from recovery.amends import services as amends
from recovery.tracker import commitments
from recovery.tracker.models import (
    CHECKIN_STATUSES,
    CheckIn,
    CheckInAddendum,
    Commitment,
    Confirmation,
    ScheduleVersion,
    Setback,
    SmallWin,
)


def _my_commitments(uid: int):
    return sa.select(Commitment.id).where(Commitment.owner_id == uid)


def _my_checkins(uid: int):
    return sa.select(CheckIn.id).where(CheckIn.commitment_id.in_(_my_commitments(uid)))


# Saved progress and calendar squares are worked out from the check-ins the export holds: left out.
WORKED_OUT = ("progress_through", "progress_score", "progress_current", "progress_best", "progress_settled",
              "progress_key", "calendar_from", "calendar_days")
yourdata.rows("tracker.commitments", Commitment, lambda uid: Commitment.owner_id == uid, skip=WORKED_OUT)
yourdata.rows("tracker.schedules", ScheduleVersion, lambda uid: ScheduleVersion.commitment_id.in_(_my_commitments(uid)))
yourdata.rows("tracker.checkins", CheckIn, lambda uid: CheckIn.commitment_id.in_(_my_commitments(uid)))
yourdata.rows("tracker.checkin_notes", CheckInAddendum, lambda uid: CheckInAddendum.checkin_id.in_(_my_checkins(uid)))
yourdata.rows("tracker.setbacks", Setback, lambda uid: Setback.owner_id == uid)
yourdata.rows("tracker.small_wins", SmallWin, lambda uid: SmallWin.owner_id == uid)
yourdata.not_exported(Confirmation, "A loved one's word on someone else's check-in: it is left out of the check-in "
                                    "owner's export (their words, not the owner's), and not yet in the loved "
                                    "one's own; it goes with either account.")
yourdata.words(CHECKIN_STATUSES, by="tracker")

amends.carries_out("tracker", commitments.living_commitments)
