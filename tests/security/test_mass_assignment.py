"""SECURITY.md 11: posting extra fields such as owner_id, user_id or role changes none of those columns."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON, User
from recovery.circle.models import Connection, Invitation, ShareGrant
from recovery.db import db, utcnow
from tests.conftest import PASSWORD

BIG_ID = 987654


def _extras(**ids) -> dict:
    """Fields no form has, aimed at columns that must only ever be set by the server."""
    return {
        "id": BIG_ID, "user_id": ids.get("other", BIG_ID), "owner_id": ids.get("other", BIG_ID),
        "inviter_id": ids.get("other", BIG_ID), "person_id": ids.get("other", BIG_ID),
        "loved_one_id": ids.get("other", BIG_ID), "viewer_id": ids.get("other", BIG_ID),
        "connection_id": ids.get("connection", BIG_ID), "paused_by_id": ids.get("other", BIG_ID),
        "role": "loved_one", "status": "accepted", "email": "taken-over@example.org",
        "password_hash": "$argon2id$v=19$m=8,t=1,p=1$forged", "token_hash": "0" * 64,
        "created_at": "2000-01-01T00:00:00", "expires_at": "2100-01-01T00:00:00",
        "password_changed_at": "2000-01-01T00:00:00", "is_admin": "1", "relationship": "parent",
    }


def _user_row(user_id: int) -> tuple:
    return tuple(db.session.execute(sa.select(User.__table__).where(User.id == user_id)).one())


def test_settings_changes_only_name_and_time_zone(make_user, as_user):
    """SECURITY.md 11: extra fields posted to /settings leave id, email, role and password hash alone."""
    user, other = make_user(PERSON, name="Sam"), make_user(LOVED_ONE)
    uid, oid = user.id, other.id
    before = _user_row(uid)
    resp = as_user(user).post("/settings", data={"display_name": "Sam Two", "timezone": "Europe/Paris",
                                                 **_extras(other=oid)})
    assert resp.status_code == 302
    user = db.session.get(User, uid)
    assert (user.display_name, user.timezone) == ("Sam Two", "Europe/Paris")
    after = dict(zip(User.__table__.columns.keys(), _user_row(uid), strict=True))
    expected = dict(zip(User.__table__.columns.keys(), before, strict=True))
    expected.update(display_name="Sam Two", timezone="Europe/Paris")
    assert after == expected
    assert db.session.get(User, BIG_ID) is None


def test_register_sets_only_what_the_form_offers(client):
    """SECURITY.md 11: extra fields posted to /register don't choose the id, hash or dates of the new account."""
    form = {"display_name": "Robin", "email": "robin-ma@example.org", "role": PERSON, "timezone": "UTC",
            "password": PASSWORD, "password_again": PASSWORD}
    extras = {k: v for k, v in _extras().items() if k not in ("role", "email")}
    assert client.post("/register", data={**form, **extras}).status_code == 200  # "check your email"
    user = db.session.scalar(sa.select(User).where(User.email == "robin-ma@example.org"))
    assert user is not None and user.id != BIG_ID
    assert user.role == PERSON
    assert not user.password_hash.endswith("forged")
    assert user.created_at > utcnow() - timedelta(minutes=5)
    assert user.password_changed_at > utcnow() - timedelta(minutes=5)
    assert db.session.get(User, BIG_ID) is None


def test_invite_is_always_mine_pending_and_fresh(make_user, as_user):
    """SECURITY.md 11: extra fields posted to /circle/invite can't set the inviter, status, token or expiry."""
    user, other = make_user(PERSON), make_user(PERSON)
    uid, oid = user.id, other.id
    resp = as_user(user).post("/circle/invite", data={**_extras(other=oid), "relationship": "friend",
                                                      "invitee_label": "Jo"})
    assert resp.status_code == 200
    invitations = db.session.scalars(sa.select(Invitation)).all()
    assert len(invitations) == 1
    inv = invitations[0]
    assert (inv.inviter_id, inv.status, inv.relationship, inv.invitee_label) == (uid, "pending", "friend", "Jo")
    assert inv.id != BIG_ID and inv.token_hash != "0" * 64 and inv.responded_at is None
    assert utcnow() < inv.expires_at <= utcnow() + timedelta(days=7, minutes=1)
    assert inv.created_at > utcnow() - timedelta(minutes=5)


def test_sharing_grants_are_mine_in_this_connection_only(make_user, make_connection, as_user):
    """SECURITY.md 11: extra fields posted to /circle/<id>/sharing can't pick the owner, connection or status."""
    person, loved, person2, loved2 = make_user(PERSON), make_user(LOVED_ONE), make_user(PERSON), make_user(LOVED_ONE)
    conn = make_connection(person, loved)
    elsewhere = make_connection(person2, loved2)
    cid, eid, pid, lid, p2 = conn.id, elsewhere.id, person.id, loved.id, person2.id
    conn_before = tuple(db.session.execute(sa.select(Connection.__table__).where(Connection.id == cid)).one())
    data = {**_extras(other=lid, connection=eid), f"c{cid}-areas": ["tracker"], "status": "ended",
            "person_id": p2}
    resp = as_user(person).post(f"/circle/{cid}/sharing", data=data)
    assert resp.status_code in (302, 303)
    grants = db.session.execute(sa.select(ShareGrant.connection_id, ShareGrant.owner_id, ShareGrant.area)).all()
    assert [tuple(g) for g in grants] == [(cid, pid, "tracker")]
    conn_after = tuple(db.session.execute(sa.select(Connection.__table__).where(Connection.id == cid)).one())
    assert conn_after == conn_before
    assert db.session.get(Connection, eid).status == "active"
