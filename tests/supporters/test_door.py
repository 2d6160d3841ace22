"""The door for supporters (SECURITY.md 9 and 34): viewer × area × consent, and consent that ends on time.

A supporter sees an area of the person who chose them only while the tie is active, the consent holds
(its last day has not passed) and names that area. Past the end, or once ended, the next request is 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON, SUPPORTER
from recovery.circle import permissions
from recovery.circle.models import AccessLogEntry
from recovery.circle.permissions import AREAS, areas_for_role, can_view, granting_connection, sharing
from recovery.db import db
from recovery.supporters import services
from tests import factories

PERSON_AREAS = [a.key for a in areas_for_role(PERSON)]
LOVED_ONE_AREAS = [a.key for a in areas_for_role(LOVED_ONE)]


def _visits(owner_id: int, viewer_id: int) -> list[str]:
    db.session.commit()
    return sorted(db.session.scalars(sa.select(AccessLogEntry.area).where(
        AccessLogEntry.owner_id == owner_id, AccessLogEntry.viewer_id == viewer_id)))


@pytest.mark.parametrize("role,areas", [(PERSON, PERSON_AREAS), (LOVED_ONE, LOVED_ONE_AREAS)])
def test_the_whole_matrix_for_a_supporter(app, role, areas):
    """Every area × (named in the consent or not) × (the supporter, another supporter, the owner's circle)."""
    owner = factories.make_user(role)
    supporter, stranger = factories.make_user(SUPPORTER), factories.make_user(SUPPORTER)
    named = set(areas[::2])  # every other area
    tie = factories.make_support(owner, supporter, share=named)
    factories.make_support(factories.make_user(role), stranger, share=set(areas))  # a second family's supporter
    for area in AREAS:
        expected = area in named
        assert can_view(supporter, owner.id, area) is expected, area
        assert (granting_connection(supporter, owner.id, area) is not None) is expected, area
        assert not can_view(stranger, owner.id, area), area
    # A supporter owns nothing: no one sees "their" areas, not even the person who chose them.
    for area in AREAS:
        assert not can_view(owner, supporter.id, area)
    assert sharing(supporter, [tie])[tie.id].theirs == frozenset(named)
    assert sharing(owner, [tie])[tie.id].mine == frozenset(named)


def test_through_the_route_each_area_is_200_or_404_and_each_visit_is_logged(app, as_user):
    jordan = factories.make_user(PERSON, name="Jordan")
    counsellor = factories.make_user(SUPPORTER, name="Dr. Rivera")
    tie = factories.make_support(jordan, counsellor, share={"tracker", "plan"})
    client = as_user(counsellor)
    for area in PERSON_AREAS:
        status = client.get(f"/circle/{tie.id}/{area}").status_code
        assert status == (200 if area in {"tracker", "plan"} else 404), area
    assert _visits(jordan.id, counsellor.id) == ["plan", "tracker"]


def _freeze(monkeypatch, instant: datetime) -> None:
    monkeypatch.setattr(permissions, "utcnow", lambda: instant)


def test_consent_past_its_last_day_is_404_on_the_next_request(app, as_user, monkeypatch):
    """SECURITY.md 34, with a frozen clock: open on the last day, shut the first instant after it."""
    jordan = factories.make_user(PERSON, name="Jordan", timezone="America/New_York")
    counsellor = factories.make_user(SUPPORTER)
    tie = factories.make_support(jordan, counsellor, share={"tracker"}, days=30)
    consent = services.current_consent(tie)
    # The consent holds until midnight after its last day where Jordan lives (05:00 UTC in winter).
    assert consent.ends_at == services.ends_at(jordan, consent.ends_on)
    client = as_user(counsellor)
    _freeze(monkeypatch, consent.ends_at - timedelta(seconds=1))
    assert client.get(f"/circle/{tie.id}/tracker").status_code == 200
    _freeze(monkeypatch, consent.ends_at)
    assert client.get(f"/circle/{tie.id}/tracker").status_code == 404
    assert not sharing(counsellor, [tie])[tie.id].theirs
    assert services.state(tie, consent.ends_at) == "expired"


def test_ending_the_consent_is_404_on_the_next_request_and_renewing_needs_a_new_consent(app, as_user):
    jordan = factories.make_user(PERSON)
    counsellor = factories.make_user(SUPPORTER)
    tie = factories.make_support(jordan, counsellor, share={"tracker"})
    client = as_user(counsellor)
    assert client.get(f"/circle/{tie.id}/tracker").status_code == 200
    services.end_tie(jordan, tie)
    db.session.commit()
    assert client.get(f"/circle/{tie.id}/tracker").status_code == 404
    with pytest.raises(Exception, match="ended"):
        services.change_consent(jordan, tie, services.clean_offer(
            jordan, {"tracker"}, "Again, please.", services.today_for(jordan) + timedelta(days=30)))
    db.session.rollback()
    # Joining again starts a fresh consent on the same tie, with only what the new one names.
    again = factories.make_support(jordan, counsellor, share={"plan"})
    assert again.id == tie.id
    assert client.get(f"/circle/{tie.id}/tracker").status_code == 404
    assert client.get(f"/circle/{tie.id}/plan").status_code == 200
    events = [c.event for c in services.consents_of(tie)]
    assert events == ["given", "ended", "given"]


def test_a_supporters_tie_is_not_a_circle_connection(app, as_user):
    """Circle pages, pickers and alerts never list a supporter; the circle's own routes don't act on a tie."""
    from recovery.circle import services as circle

    jordan, sam, with_sam = factories.jordans_circle("Sam")
    counsellor = factories.make_user(SUPPORTER, name="Dr. Rivera")
    tie = factories.make_support(jordan, counsellor, share={"tracker"})
    assert [c.id for c in circle.connections_of(jordan)] == [with_sam.id]
    assert circle.connections_of(counsellor) == []
    jordan_client = as_user(jordan)
    assert "Dr. Rivera" not in jordan_client.get("/circle/").get_data(as_text=True)
    before = (tie.status, sorted(g.area for g in tie.grants))
    for path in (f"/circle/{tie.id}/pause", f"/circle/{tie.id}/end", f"/circle/{tie.id}/sharing"):
        assert jordan_client.post(path, data={"areas": ["amends"]}).status_code == 404, path
    assert jordan_client.get(f"/circle/{tie.id}/end").status_code == 404
    db.session.expire_all()
    assert (tie.status, sorted(g.area for g in tie.grants)) == before


def test_a_circle_link_is_not_for_supporters(app):
    from recovery.circle import services as circle
    from recovery.errors import Refused

    jordan = factories.make_user(PERSON)
    counsellor = factories.make_user(SUPPORTER)
    _, token = circle.create_invitation(jordan, "friend")
    with pytest.raises(Refused, match="supporter"):
        circle.accept_invitation(token, counsellor)
