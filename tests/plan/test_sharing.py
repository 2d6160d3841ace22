"""The plan for hard days, shared like every other part of Mend: read only, through the door, every visit logged."""

from __future__ import annotations

from html import unescape

import pytest
import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON
from recovery.circle.models import AccessLogEntry
from recovery.circle.permissions import AREAS, areas_for_role
from recovery.db import db
from recovery.plan import services
from recovery.plan.sections import BY_KEY
from tests import factories


def _write_plan(person, words: str) -> None:
    services.save_lines(person, BY_KEY["warning-signs"], f"I stop answering texts {words}")
    services.save_triggers(person, [(f"Payday {words}", "Go straight home")])
    services.save_helpers(person, [services.Person(None, f"Alex {words}", "555 0199")])
    services.save_note(person, f"Call me, please {words}")
    db.session.commit()


def _visits(owner, viewer) -> list[str]:
    db.session.commit()
    return list(db.session.scalars(sa.select(AccessLogEntry.area).where(
        AccessLogEntry.owner_id == owner.id, AccessLogEntry.viewer_id == viewer.id)))


def test_the_plan_is_a_sharing_choice_for_a_person_only():
    assert AREAS["plan"].roles == {PERSON}
    assert "plan" in {a.key for a in areas_for_role(PERSON)}
    assert "plan" not in {a.key for a in areas_for_role(LOVED_ONE)}


def test_a_loved_one_reads_it_through_the_door_and_the_visit_is_logged(app, as_user):
    jordan, sam, with_sam = factories.jordans_circle(("Sam", {"share": {"plan"}}))
    _write_plan(jordan, "kestrel")
    client = as_user(sam)
    response = client.get(f"/circle/{with_sam.id}/plan")
    body = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Jordan's plan for hard days" in body
    assert "How you can help when Jordan uses this plan" in body and "Call me, please kestrel" in body
    assert body.index("How you can help") < body.index("I stop answering texts kestrel")
    assert "Payday kestrel" in body and "Alex kestrel" in body and 'href="tel:5550199"' in body
    # Read only: no way to change it, and no "Make this a commitment".
    assert "/plan/warning-signs" not in body and "commitments/new" not in body and "<form" not in body.split(
        "<main", 1)[1]
    assert _visits(jordan, sam) == ["plan"]
    # Jordan sees the visit in the access log, in plain words.
    log = unescape(as_user(jordan).get("/circle/access-log").get_data(as_text=True))
    assert "Sam" in log and "Plan for hard days" in log


def test_an_empty_plan_says_so(app, as_user):
    jordan, sam, with_sam = factories.jordans_circle(("Sam", {"share": {"plan"}}))
    body = unescape(as_user(sam).get(f"/circle/{with_sam.id}/plan").get_data(as_text=True))
    assert "Jordan hasn't written a plan yet." in body
    assert _visits(jordan, sam) == ["plan"]


@pytest.mark.parametrize("change", ["not shared", "shared something else", "revoked", "paused", "ended"])
def test_without_the_grant_now_it_is_404_and_nothing_is_logged(app, as_user, change):
    from recovery.circle import services as circle

    jordan, sam, with_sam = factories.jordans_circle(
        ("Sam", {"share": {"tracker"} if change in ("not shared", "shared something else") else {"plan"}}))
    if change == "not shared":
        circle.set_sharing(jordan, with_sam, set())
    elif change == "revoked":
        circle.set_sharing(jordan, with_sam, {"tracker"})
    elif change == "paused":
        circle.pause_connection(jordan, with_sam)
    elif change == "ended":
        circle.end_connection(sam, with_sam)
    _write_plan(jordan, "osprey")
    response = as_user(sam).get(f"/circle/{with_sam.id}/plan")
    assert response.status_code == 404 and "osprey" not in response.get_data(as_text=True)
    assert _visits(jordan, sam) == []


def test_two_families_never_see_each_others_plans(app, as_user):
    """Jordan shares his plan with Sam; Riley shares hers with Quinn. Each loved one sees only their own
    person's plan, through their own connection; the other family's connection ids give 404."""
    jordan, sam, with_sam = factories.jordans_circle(("Sam", {"share": {"plan"}}))
    riley = factories.make_user(PERSON, name="Riley")
    quinn = factories.make_user(LOVED_ONE, name="Quinn")
    with_quinn = factories.make_connection(riley, quinn, share={"plan"})
    _write_plan(jordan, "jordan-words")
    _write_plan(riley, "riley-words")
    sam_client, quinn_client = as_user(sam), as_user(quinn)
    mine = sam_client.get(f"/circle/{with_sam.id}/plan").get_data(as_text=True)
    assert "jordan-words" in mine and "riley-words" not in mine
    theirs = quinn_client.get(f"/circle/{with_quinn.id}/plan").get_data(as_text=True)
    assert "riley-words" in theirs and "jordan-words" not in theirs
    for client, other in ((sam_client, with_quinn), (quinn_client, with_sam)):
        response = client.get(f"/circle/{other.id}/plan")
        assert response.status_code == 404
        assert "words" not in response.get_data(as_text=True).split("<main", 1)[1].split("</main>")[0]
    # Each person's own plan page shows only their own plan, whatever is shared.
    assert "riley-words" not in as_user(jordan).get("/plan/").get_data(as_text=True)
    assert "jordan-words" not in as_user(riley).get("/plan/").get_data(as_text=True)
    # Another person in recovery can't read Jordan's plan as a "loved one" through any connection of theirs.
    assert as_user(riley).get(f"/circle/{with_sam.id}/plan").status_code == 404
    assert _visits(jordan, quinn) == [] and _visits(riley, sam) == []
