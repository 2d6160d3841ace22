"""Trust's part of "Your data" (recovery/yourdata): the trust check-ins the user wrote."""

from __future__ import annotations

from recovery import yourdata
from recovery.trust.models import TrustCheckIn

yourdata.rows("trust_checkins", TrustCheckIn, lambda uid: TrustCheckIn.owner_id == uid)
