"""Looking after me in "Your data": the export holds a loved one's checks and worksheets; deleting removes them."""

from __future__ import annotations

import json

import sqlalchemy as sa

from recovery import yourdata
from recovery.db import db
from recovery.wellbeing import services
from recovery.wellbeing.models import GOOD_DAYS, PROBLEM_SOLVING, STEPPING_BACK, WellbeingCheck, Worksheet
from tests.factories import PASSWORD
from tests.forms import form_data
from tests.wellbeing.helpers import SAFE_ANSWERS, add_check


def _records(sam, other):
    add_check(sam, services.today_for(sam), (3,), note="sam-export-note")
    add_check(other, services.today_for(other), (7,), note="other-export-note")
    services.create_worksheet(sam, GOOD_DAYS, "sam-good-days", {"words": "sam-export-words"})
    services.create_worksheet(sam, STEPPING_BACK, "sam-stepping-back", {"usual": "x"}, SAFE_ANSWERS)
    services.create_worksheet(other, PROBLEM_SOLVING, "other-problem", {"problem": "other-export-words"})
    db.session.commit()


def test_the_export_holds_my_checks_and_worksheets_and_no_one_elses(app, make_user):
    sam, other = make_user("loved_one"), make_user("loved_one")
    _records(sam, other)
    exported = yourdata.export(sam)
    part = exported["looking_after_me"]
    assert list(part) == ["wellbeing_checks", "worksheets"]
    assert [c["note"] for c in part["wellbeing_checks"]] == ["sam-export-note"]
    assert part["wellbeing_checks"][0]["sleep"] == 3
    assert {w["title"] for w in part["worksheets"]} == {"sam-good-days", "sam-stepping-back"}
    text = json.dumps(exported)
    assert "sam-export-words" in text and "other-export" not in text and "other-problem" not in text
    assert yourdata.export_words()["good_days"] == "Noticing good days"


def test_deleting_my_account_removes_my_checks_and_worksheets_only(app, make_user, as_user):
    sam, other = make_user("loved_one"), make_user("loved_one")
    _records(sam, other)
    sam_id = sam.id
    resp = as_user(sam).post("/settings/delete", data={"password": PASSWORD, "confirm": "DELETE"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WellbeingCheck)
                             .where(WellbeingCheck.owner_id == sam_id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Worksheet).where(Worksheet.owner_id == sam_id)) == 0
    assert [c.note for c in db.session.scalars(sa.select(WellbeingCheck))] == ["other-export-note"]
    assert [w.title for w in db.session.scalars(sa.select(Worksheet))] == ["other-problem"]


def test_the_printed_export_shows_checks_and_worksheets_in_plain_words(app, make_user, as_user):
    """On paper each worksheet and each of its boxes goes by its name, never by its stored key."""
    sam, other = make_user("loved_one"), make_user("loved_one")
    _records(sam, other)
    client = as_user(sam)
    export = client.get("/settings/export").get_data(as_text=True)
    assert 'name="format" value="print"' in export
    printed = client.post("/settings/export", data={
        **form_data(export, password=PASSWORD), "format": "print"}).get_data(as_text=True)
    assert "Wellbeing checks" in printed and "sam-export-note" in printed and "Sleep:</span> 3" in printed
    assert "Worksheet:</span> Noticing good days" in printed and "Worksheet:</span> Stepping back" in printed
    assert "Words you could say:</span> sam-export-words" in printed
    assert "good_days" not in printed and "other-export" not in printed
