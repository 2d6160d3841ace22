"""Two families: one loved one's wellbeing checks and worksheets never reach anyone else, in either family."""

from __future__ import annotations

import pytest

from recovery.circle import services as circle
from recovery.circle.permissions import AREAS
from recovery.db import db
from recovery.wellbeing import services
from recovery.wellbeing.models import GOOD_DAYS, STEPPING_BACK, Worksheet
from tests import factories
from tests.conftest import row_counts
from tests.wellbeing.helpers import SAFE_ANSWERS, add_check, text


@pytest.fixture
def families(app):
    """Jordan's family (Sam and Pat, both loved ones) and Robin's (Alex), each loved one with their own records."""
    jordan, sam, pat, *_ = factories.jordans_circle("Sam", ("Pat", {"share": {"tracker"}}))
    robin = factories.make_user("person", name="Robin")
    alex = factories.make_user("loved_one", name="Alex")
    factories.make_connection(robin, alex, loved_one_shares={"trust", "boundaries"})
    today = services.today_for(sam)
    add_check(sam, today, (2,), note="sam-private-wellbeing-note")
    add_check(alex, today, (8,), note="alex-private-wellbeing-note")
    sheets = {
        "good_days": services.create_worksheet(sam, GOOD_DAYS, "sam-sheet-title", {"words": "sam-private-words"}),
        "stepping_back": services.create_worksheet(sam, STEPPING_BACK, "sam-step-title", {"usual": "sam-step-words"},
                                                   SAFE_ANSWERS),
    }
    services.create_worksheet(alex, GOOD_DAYS, "alex-sheet-title", {"words": "alex-private-words"})
    db.session.commit()
    return {"jordan": jordan, "sam": sam, "pat": pat, "robin": robin, "alex": alex, "sheets": sheets}


SAM_SECRETS = ("sam-private-wellbeing-note", "sam-sheet-title", "sam-private-words", "sam-step-title", "sam-step-words")


@pytest.mark.parametrize("who", ["pat", "alex"])
def test_another_loved_ones_worksheets_are_404_and_unchanged(app, families, as_user, who):
    client = as_user(families[who])
    for sheet in families["sheets"].values():
        before = row_counts()
        answers = dict(sheet.answers)
        for path in (f"/looking-after-me/worksheets/{sheet.id}", f"/looking-after-me/worksheets/{sheet.id}/edit",
                     f"/looking-after-me/worksheets/{sheet.id}/delete"):
            assert client.get(path).status_code == 404, path
            resp = client.post(path, data={"words": "changed", "usual": "changed", "stage": "worksheet",
                                           **SAFE_ANSWERS})
            assert resp.status_code in (404, 405), path
            assert not any(s in resp.get_data(as_text=True) for s in SAM_SECRETS)
        assert row_counts() == before
        db.session.expire_all()
        assert db.session.get(Worksheet, sheet.id).answers == answers


@pytest.mark.parametrize("who", ["pat", "alex", "jordan", "robin"])
def test_no_one_else_sees_a_loved_ones_checks_or_worksheets_anywhere(app, families, as_user, who):
    client = as_user(families[who])
    pages = ["/home", "/looking-after-me/", "/looking-after-me/wellbeing", "/looking-after-me/wellbeing/new",
             "/circle/", "/circle/access-log", "/whats-new"]
    pages += [f"/circle/{c.id}/{area}" for c in circle.connections_of(families[who]) for area in AREAS]
    for path in pages:
        body = text(client.get(path))
        assert not any(s in body for s in SAM_SECRETS), f"{who} {path}"


def test_each_loved_one_sees_only_their_own_reading(app, families, as_user):
    sam_page = text(as_user(families["sam"]).get("/looking-after-me/wellbeing"))
    alex_page = text(as_user(families["alex"]).get("/looking-after-me/wellbeing"))
    pat_page = text(as_user(families["pat"]).get("/looking-after-me/wellbeing"))
    assert "sam-private-wellbeing-note" in sam_page and "alex-private-wellbeing-note" not in sam_page
    assert "alex-private-wellbeing-note" in alex_page and "sam-private-wellbeing-note" not in alex_page
    assert "No checks yet" in pat_page and "note" not in pat_page.split("No checks yet")[1][:200]
    hub = text(as_user(families["alex"]).get("/looking-after-me/"))
    assert "alex-sheet-title" in hub and "sam-sheet-title" not in hub


def test_the_person_in_recovery_they_support_gets_404(app, families, as_user):
    client = as_user(families["jordan"])
    for sheet in families["sheets"].values():
        assert client.get(f"/looking-after-me/worksheets/{sheet.id}").status_code == 404
    assert client.get("/looking-after-me/wellbeing").status_code == 404
