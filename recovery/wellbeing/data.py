"""Looking after me's part of "Your data" (recovery/yourdata): a loved one's wellbeing checks and worksheets."""

from __future__ import annotations

from recovery import yourdata
from recovery.wellbeing.models import WellbeingCheck, Worksheet
from recovery.wellbeing.services import WORKSHEETS

yourdata.rows("looking_after_me.wellbeing_checks", WellbeingCheck, lambda uid: WellbeingCheck.owner_id == uid)
yourdata.rows("looking_after_me.worksheets", Worksheet, lambda uid: Worksheet.owner_id == uid)
yourdata.words({key: kind.name_l for key, kind in WORKSHEETS.items()}, by="wellbeing")
# Each box of a worksheet under its own label on paper ("What happened", not "happened").
yourdata.words({part.key: part.label_l for kind in WORKSHEETS.values() for part in kind.parts}, by="wellbeing")
