"""Sharing, area by area and connection by connection, and the connection's life cycle."""

import pytest
import sqlalchemy as sa

from recovery.accounts.models import AuditEvent
from recovery.circle import services
from recovery.circle.models import AccessLogEntry, ShareGrant
from recovery.circle.permissions import AREAS, areas_for_role, can_view
from recovery.db import db
from recovery.errors import Refused
from tests.conftest import row_counts


def test_share_see_unshare_then_404(app, make_user, make_connection, as_user):
    """The issue's story: the person shares the tracker, the loved one sees it, then unshares and it is 404."""
    person = make_user("person", name="Jordan")
    loved = make_user("loved_one", name="Sam")
    connection = make_connection(person, loved)
    jordan, sam = as_user(person), as_user(loved)
    url = f"/circle/{connection.id}/tracker"
    assert sam.get(url).status_code == 404  # nothing shared by default

    r = jordan.post(f"/circle/{connection.id}/sharing", data={f"c{connection.id}-areas": ["tracker"]})
    assert r.status_code == 302
    page = sam.get(url)
    assert page.status_code == 200
    assert "Jordan's tracker" in page.get_data(as_text=True).replace("&#39;", "'")
    assert ">Tracker</a>" in sam.get("/home").get_data(as_text=True)

    jordan.post(f"/circle/{connection.id}/sharing", data={})
    assert sam.get(url).status_code == 404  # on the very next request
    assert ">Tracker</a>" not in sam.get("/home").get_data(as_text=True)


def test_sharing_is_recorded_in_the_audit_log(app, make_user, make_connection, as_user):
    """A sharing change is recorded as grant and revoke events, with no content."""
    person = make_user("person")
    connection = make_connection(person)
    client = as_user(person)
    client.post(f"/circle/{connection.id}/sharing", data={f"c{connection.id}-areas": ["tracker", "amends"]})
    client.post(f"/circle/{connection.id}/sharing", data={f"c{connection.id}-areas": ["amends"]})
    events = list(db.session.execute(
        sa.select(AuditEvent.kind, AuditEvent.detail).where(AuditEvent.user_id == person.id,
                                                            AuditEvent.kind.like("share.%"))
        .order_by(AuditEvent.id)))
    assert [(k, d.split()[0]) for k, d in events] == [
        ("share.grant", "amends"), ("share.grant", "tracker"), ("share.revoke", "tracker")]
    assert "Stopped sharing" in client.get("/settings/activity").get_data(as_text=True)


def test_each_side_shares_only_its_own_areas(app, make_user, make_connection):
    """A loved one can't share a person's areas, and a person can't share trust check-ins."""
    person, loved = make_user("person"), make_user("loved_one")
    connection = make_connection(person, loved)
    with pytest.raises(Refused):
        services.set_sharing(loved, connection, {"tracker"})
    with pytest.raises(Refused):
        services.set_sharing(person, connection, {"trust"})
    assert {a.key for a in areas_for_role("person")} == {"tracker", "amends", "boundaries", "conversations",
                                                         "milestones", "plan"}
    assert {a.key for a in areas_for_role("loved_one")} == {"boundaries", "conversations", "trust", "self_care"}


def test_unknown_area_in_the_form_changes_nothing(app, make_user, make_connection, as_user):
    """Posting an area outside the list is refused and no grant is saved."""
    person = make_user("person")
    connection = make_connection(person)
    r = as_user(person).post(f"/circle/{connection.id}/sharing",
                             data={f"c{connection.id}-areas": ["tracker", "everything"]})
    assert r.status_code in (302, 303)
    assert row_counts()["share_grants"] == 0


def test_sharing_is_per_connection(app, make_user, make_connection, as_user):
    """Sharing with one loved one shows nothing to another."""
    person = make_user("person")
    sam, pat = make_user("loved_one"), make_user("loved_one")
    with_sam = make_connection(person, sam, share={"tracker"})
    with_pat = make_connection(person, pat)
    assert as_user(sam).get(f"/circle/{with_sam.id}/tracker").status_code == 200
    assert as_user(pat).get(f"/circle/{with_pat.id}/tracker").status_code == 404
    assert as_user(pat).get(f"/circle/{with_sam.id}/tracker").status_code == 404


def test_pause_hides_everything_and_resume_restores(app, make_user, make_connection, as_user):
    """Pausing hides all sharing both ways but keeps the choices; only the pauser can resume."""
    person, loved = make_user("person"), make_user("loved_one")
    connection = make_connection(person, loved, share={"tracker"}, loved_one_shares={"trust"})
    jordan, sam = as_user(person), as_user(loved)
    assert sam.post(f"/circle/{connection.id}/pause").status_code == 302
    assert sam.get(f"/circle/{connection.id}/tracker").status_code == 404
    assert jordan.get(f"/circle/{connection.id}/trust").status_code == 404
    jordan.post(f"/circle/{connection.id}/resume")
    db.session.refresh(connection)
    assert connection.status == "paused"  # Jordan didn't pause it
    sam.post(f"/circle/{connection.id}/resume")
    assert sam.get(f"/circle/{connection.id}/tracker").status_code == 200
    assert jordan.get(f"/circle/{connection.id}/trust").status_code == 200


def test_end_removes_all_sharing_at_once(app, make_user, make_connection, as_user):
    """Ending a connection removes every grant, both ways, immediately."""
    person, loved = make_user("person"), make_user("loved_one")
    connection = make_connection(person, loved, share={"tracker", "amends"}, loved_one_shares={"trust"})
    sam = as_user(loved)
    assert sam.get(f"/circle/{connection.id}/tracker").status_code == 200
    assert "End your connection" in sam.get(f"/circle/{connection.id}/end").get_data(as_text=True)
    assert sam.post(f"/circle/{connection.id}/end").status_code == 302
    assert row_counts()["share_grants"] == 0
    assert sam.get(f"/circle/{connection.id}/tracker").status_code == 404
    with pytest.raises(Refused):
        services.set_sharing(person, connection, {"tracker"})
    assert sam.post(f"/circle/{connection.id}/end").status_code == 302  # already ended: a kind message
    assert "already ended" in sam.get("/circle/").get_data(as_text=True)


def test_unknown_connection_action_is_404(app, make_user, make_connection, as_user):
    """Only pause, resume and end exist."""
    person = make_user("person")
    connection = make_connection(person)
    assert as_user(person).post(f"/circle/{connection.id}/explode").status_code == 404


def test_access_log_records_who_viewed_what(app, make_user, make_connection, as_user):
    """SECURITY.md 18: the owner sees which loved one viewed which area and when; quick reloads count once."""
    person = make_user("person", name="Jordan")
    loved = make_user("loved_one", name="Sam")
    connection = make_connection(person, loved, share={"tracker", "milestones"})
    sam = as_user(loved)
    sam.get(f"/circle/{connection.id}/tracker")
    sam.get(f"/circle/{connection.id}/tracker")
    sam.get(f"/circle/{connection.id}/milestones")
    assert row_counts()["access_log"] == 2
    page = as_user(person).get("/circle/access-log").get_data(as_text=True)
    assert page.count("<td>Sam</td>") == 2 and "Milestones" in page and "<td>Tracker</td>" in page
    # A refused view logs nothing.
    sam.get(f"/circle/{connection.id}/amends")
    assert row_counts()["access_log"] == 2
    # The loved one's own access log shows nothing of Jordan's views of... nothing.
    assert "No one has viewed" in sam.get("/circle/access-log").get_data(as_text=True)


def test_owner_viewing_own_area_is_not_logged(app, make_user, make_connection):
    """can_view is true for owners and their views aren't logged as someone else's."""
    person = make_user("person")
    make_connection(person)
    assert all(can_view(person, person.id, a) for a in AREAS)
    assert not can_view(person, person.id, "nonsense")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AccessLogEntry)) == 0


def test_grant_rows_name_connection_area_and_time(app, make_user, make_connection):
    """SECURITY.md 9: a grant names the connection, the area and when it was given."""
    connection = make_connection(share={"tracker"})
    grant = db.session.scalar(sa.select(ShareGrant))
    assert (grant.connection_id, grant.area) == (connection.id, "tracker") and grant.granted_at is not None


def test_circle_page_empty_state_and_pending_invitations(app, make_user, as_user):
    """A new user's circle page says what to do next; pending invitations are listed and cancellable."""
    person = make_user("person")
    client = as_user(person)
    page = client.get("/circle/").get_data(as_text=True)
    assert "No one in your circle yet" in page
    client.post("/circle/invite", data={"relationship": "sibling", "invitee_label": "Riley"})
    page = client.get("/circle/").get_data(as_text=True)
    assert "Riley" in page and "/cancel" in page
