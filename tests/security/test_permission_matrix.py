"""SECURITY.md 9: the whole viewer × area × grant matrix, through can_view and through HTTP."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON, User
from recovery.circle import services as circle
from recovery.circle.models import ShareGrant
from recovery.circle.permissions import AREAS, areas_for_role, can_view
from recovery.db import db
from recovery.errors import Refused

OTHER_ROLE = {PERSON: LOVED_ONE, LOVED_ONE: PERSON}

# Every (area, role that owns it): a grant can only name an area of the owner's role.
OWNED = [(area.key, role) for area in AREAS.values() for role in sorted(area.roles)]
NOT_OWNED = [(area.key, role) for area in AREAS.values() for role in (PERSON, LOVED_ONE) if role not in area.roles]

# viewer kind -> may the viewer see the owner's area?
VIEWERS = {
    "owner": True,
    "granted_this_area": True,
    "granted_another_area": False,
    "only_viewer_shares": False,  # the grant points the other way: the viewer shares with the owner
    "connected_no_grant": False,
    "paused_by_owner_with_grant": False,
    "paused_by_viewer_with_grant": False,
    "ended_after_grant": False,
    "unconnected": False,  # has a granting connection elsewhere, and tries the owner's connection id
}


def _connect(owner: User, viewer: User, owner_shares: set[str], viewer_shares: set[str] = frozenset()):
    """Connect owner and viewer (whichever is the person) with each side's sharing."""
    from tests.factories import make_connection

    if owner.role == PERSON:
        return make_connection(owner, viewer, share=owner_shares, loved_one_shares=viewer_shares)
    return make_connection(viewer, owner, share=viewer_shares, loved_one_shares=owner_shares)


def _another_area(area: str, role: str) -> str:
    return next(a.key for a in areas_for_role(role) if a.key != area)


def _viewer_setup(kind: str, area: str, owner: User, make_user):
    """Create the viewer of this kind; return (viewer, connection id the viewer tries over HTTP)."""
    viewer_role = OTHER_ROLE[owner.role]
    if kind == "owner":
        return owner, None
    viewer = make_user(viewer_role)
    if kind == "granted_this_area":
        conn = _connect(owner, viewer, {area})
    elif kind == "granted_another_area":
        conn = _connect(owner, viewer, {_another_area(area, owner.role)})
    elif kind == "only_viewer_shares":
        conn = _connect(owner, viewer, set(), {a.key for a in areas_for_role(viewer_role)})
    elif kind == "connected_no_grant":
        conn = _connect(owner, viewer, set())
    elif kind.startswith("paused_by_"):
        conn = _connect(owner, viewer, {area})
        circle.pause_connection(owner if kind == "paused_by_owner_with_grant" else viewer, conn)
    elif kind == "ended_after_grant":
        conn = _connect(owner, viewer, {area})
        circle.end_connection(owner, conn)
    elif kind == "unconnected":
        # The owner shares the area with someone else; the viewer gets everything from a third person.
        conn = _connect(owner, make_user(viewer_role), {area})
        third = make_user(owner.role)
        _connect(third, viewer, {a.key for a in areas_for_role(owner.role)})
    else:  # pragma: no cover - a new kind must be set up here
        raise AssertionError(kind)
    db.session.commit()
    return viewer, conn.id


@pytest.mark.parametrize("kind", list(VIEWERS))
def test_viewer_area_grant_matrix(kind, make_user, as_user):
    """SECURITY.md 9: for every area, can_view and GET /circle/<connection_id>/<area> (200/404) match the matrix."""
    expected = VIEWERS[kind]
    wrong = []
    for area, owner_role in OWNED:
        owner = make_user(owner_role)
        viewer, connection_id = _viewer_setup(kind, area, owner, make_user)
        owner_id, owner_name = owner.id, owner.display_name
        if can_view(viewer, owner_id, area) is not expected:
            wrong.append(f"can_view {area} of a {owner_role}: {not expected}")
        if connection_id is None:
            continue  # the owner's own areas are not read through another member's connection
        resp = as_user(viewer).get(f"/circle/{connection_id}/{area}")
        if resp.status_code != (200 if expected else 404):
            wrong.append(f"GET {area} of a {owner_role}: {resp.status_code}")
        elif expected and owner_name not in resp.get_data(as_text=True):
            wrong.append(f"GET {area} of a {owner_role}: the owner's page wasn't shown")
    assert not wrong, "\n".join(wrong)


def test_a_grant_must_name_an_area_of_the_owners_role(make_user, as_user):
    """SECURITY.md 9: an area the owner's role doesn't own can't be granted, by service or by form."""
    assert NOT_OWNED
    for area, role in NOT_OWNED:
        owner = make_user(role)
        viewer = make_user(OTHER_ROLE[role])
        conn = _connect(owner, viewer, set())
        with pytest.raises(Refused):
            circle.set_sharing(owner, conn, {area})
        db.session.rollback()
        conn_id, owner_id = conn.id, owner.id
        as_user(owner).post(f"/circle/{conn_id}/sharing", data={f"c{conn_id}-areas": [area]})
        grants = db.session.scalars(sa.select(ShareGrant).where(ShareGrant.connection_id == conn_id)).all()
        assert grants == [], (area, role)
        assert can_view(viewer, owner_id, area) is False
        assert as_user(viewer).get(f"/circle/{conn_id}/{area}").status_code == 404


def test_unknown_area_is_never_visible(make_user, as_user):
    """SECURITY.md 9: deny by default: an area that doesn't exist is refused even to its 'owner'."""
    owner = make_user(PERSON)
    viewer = make_user(LOVED_ONE)
    conn = _connect(owner, viewer, {a.key for a in areas_for_role(PERSON)})
    assert can_view(owner, owner.id, "diary") is False
    assert can_view(viewer, owner.id, "diary") is False
    assert as_user(viewer).get(f"/circle/{conn.id}/diary").status_code == 404


CHANGES = ["revoke", "pause_by_owner", "pause_by_viewer", "end_by_owner", "end_by_viewer"]


@pytest.mark.parametrize("change", CHANGES)
def test_revoking_pausing_or_ending_applies_on_the_next_request(change, make_user, as_user):
    """SECURITY.md 9: after a revoke, pause or end, the viewer's very next request is 404; restoring brings it back."""
    for area, owner_role in OWNED:
        _change_and_check(area, owner_role, change, make_user, as_user)


def _change_and_check(area, owner_role, change, make_user, as_user):
    where = f"{change}: {area} of a {owner_role}"
    owner = make_user(owner_role)
    viewer = make_user(OTHER_ROLE[owner_role])
    keep = _another_area(area, owner_role)
    conn = _connect(owner, viewer, {area, keep})
    cid, owner_id, viewer_id = conn.id, owner.id, viewer.id
    owner_client, viewer_client = as_user(owner), as_user(viewer)
    path = f"/circle/{cid}/{area}"
    assert viewer_client.get(path).status_code == 200, where

    actor = owner_client if change.endswith("owner") or change == "revoke" else viewer_client
    if change == "revoke":
        resp = actor.post(f"/circle/{cid}/sharing", data={f"c{cid}-areas": [keep]})
    else:
        resp = actor.post(f"/circle/{cid}/{change.split('_')[0]}")
    assert resp.status_code in (302, 303), where

    assert viewer_client.get(path).status_code == 404, where
    assert can_view(db.session.get(User, viewer_id), owner_id, area) is False, where
    # The other grant is untouched by a revoke, and gone with a pause or an end.
    assert viewer_client.get(f"/circle/{cid}/{keep}").status_code == (200 if change == "revoke" else 404), where

    if change == "revoke":
        owner_client.post(f"/circle/{cid}/sharing", data={f"c{cid}-areas": [keep, area]})
        assert viewer_client.get(path).status_code == 200, where
    elif change.startswith("pause"):
        actor.post(f"/circle/{cid}/resume")
        assert viewer_client.get(path).status_code == 200, where
    else:
        # An ended connection can't be resumed or shared in again.
        assert actor.post(f"/circle/{cid}/resume").status_code in (302, 303), where
        owner_client.post(f"/circle/{cid}/sharing", data={f"c{cid}-areas": [area]})
        assert viewer_client.get(path).status_code == 404, where
        assert db.session.scalars(sa.select(ShareGrant).where(ShareGrant.connection_id == cid)).all() == [], where
