"""Invitations: make, accept, decline, cancel, and every way one can be wrong."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.circle import services
from recovery.circle.models import Connection, Invitation
from recovery.db import db, utcnow
from recovery.errors import Refused
from tests.conftest import row_counts


def _make_link(client, relationship="parent", label="Mum"):
    r = client.post("/circle/invite", data={"relationship": relationship, "invitee_label": label})
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    start = body.index("http://mend.test/circle/join/")
    link = body[start:body.index('"', start)]
    return link.replace("http://mend.test", "")


def test_invite_accept_round_trip(app, make_user, as_user):
    """A person invites a loved one; the loved one accepts; both see the connection with nothing shared."""
    person = make_user("person", name="Jordan")
    loved = make_user("loved_one", name="Pat")
    jordan = as_user(person)
    path = _make_link(jordan, relationship="parent")
    invitation = db.session.scalar(sa.select(Invitation))
    assert path.rsplit("/", 1)[1] not in invitation.token_hash  # stored hashed (SECURITY.md 5)
    pat = as_user(loved)
    page = pat.get(path).get_data(as_text=True)
    assert "Jordan invited you to connect" in page
    r = pat.post(path, data={"answer": "accept"})
    assert r.status_code == 302
    connection = db.session.scalar(sa.select(Connection))
    assert (connection.person_id, connection.loved_one_id) == (person.id, loved.id)
    assert connection.grants == []
    assert "Your parent" in jordan.get("/circle/").get_data(as_text=True)
    assert "Your child" in pat.get("/circle/").get_data(as_text=True)
    # Single use (SECURITY.md 5).
    assert pat.post(path, data={"answer": "accept"}).status_code == 409


def test_loved_one_can_invite_a_person(app, make_user, as_user):
    """Either role can invite; the relationship is stored from the person's side."""
    person = make_user("person")
    loved = make_user("loved_one")
    path = _make_link(as_user(loved), relationship="child")  # "this person is my child"
    as_user(person).post(path, data={"answer": "accept"})
    connection = db.session.scalar(sa.select(Connection))
    assert connection.relationship == "parent"  # the loved one is the person's parent
    assert connection.relationship_for(loved.id) == "child"


def test_anonymous_visitor_is_offered_register_and_login(client, make_user):
    """Someone without an account sees the invitation and ways to join, keeping the link."""
    person = make_user("person", name="Jordan")
    _, token = services.create_invitation(person, "partner")
    db.session.commit()
    page = client.get(f"/circle/join/{token}").get_data(as_text=True)
    assert "Create an account" in page and f"next=/circle/join/{token}" in page and "role=loved_one" in page
    assert client.post(f"/circle/join/{token}", data={"answer": "accept"}).status_code in (302, 404)
    assert row_counts()["connections"] == 0


def test_register_then_accept_keeps_the_invitation(client, make_user):
    """A new user registers from the invitation, logs in with the password, lands back on it, and accepts.

    (The mailed sign-in link keeps the invitation too: tests/accounts/test_sign_in_link.py.)
    """
    person = make_user("person")
    _, token = services.create_invitation(person, "friend")
    db.session.commit()
    path = f"/circle/join/{token}"
    data = {"display_name": "New", "email": "new@example.org", "password": "a long and private passphrase",
            "password_again": "a long and private passphrase", "role": "loved_one", "timezone": "UTC"}
    r = client.post(f"/register?next={path}", data=data)
    assert r.status_code == 200  # "check your email", whose "Log in" link keeps the way back
    assert f'href="/login?next=/circle/join/{token}"' in r.get_data(as_text=True)
    r = client.post(f"/login?next={path}", data={"email": "new@example.org", "password": data["password"]})
    assert r.headers["Location"].endswith(path)
    assert client.post(path, data={"answer": "accept"}).status_code == 302
    assert row_counts()["connections"] == 1


def test_decline(app, make_user, as_user):
    """Declining makes no connection and kills the link."""
    person, loved = make_user("person"), make_user("loved_one")
    _, token = services.create_invitation(person, "friend")
    db.session.commit()
    client = as_user(loved)
    assert client.post(f"/circle/join/{token}", data={"answer": "decline"}).status_code == 302
    assert row_counts()["connections"] == 0
    assert client.post(f"/circle/join/{token}", data={"answer": "accept"}).status_code == 409
    assert row_counts()["connections"] == 0


def test_expired_invitation(app, make_user, as_user):
    """An invitation older than 7 days can't be used, with a clear message."""
    person, loved = make_user("person"), make_user("loved_one")
    invitation, token = services.create_invitation(person, "friend")
    assert invitation.expires_at - utcnow() > timedelta(days=6, hours=23)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    r = as_user(loved).post(f"/circle/join/{token}", data={"answer": "accept"})
    assert r.status_code == 409 and "expired" in r.get_data(as_text=True)
    assert row_counts()["connections"] == 0


def test_cancelled_invitation(app, make_user, as_user):
    """The inviter can cancel a pending link; it then fails."""
    person, loved = make_user("person"), make_user("loved_one")
    invitation, token = services.create_invitation(person, "friend")
    db.session.commit()
    assert as_user(person).post(f"/circle/invitations/{invitation.id}/cancel").status_code == 302
    r = as_user(loved).post(f"/circle/join/{token}", data={"answer": "accept"})
    assert r.status_code == 409 and row_counts()["connections"] == 0


def test_cannot_cancel_someone_elses_invitation(app, make_user, as_user):
    """SECURITY.md 10: another user's invitation id is not found."""
    person = make_user("person")
    invitation, _ = services.create_invitation(person, "friend")
    db.session.commit()
    assert as_user(make_user("person")).post(f"/circle/invitations/{invitation.id}/cancel").status_code == 404
    db.session.refresh(invitation)
    assert invitation.status == "pending"


def test_inviting_yourself(app, make_user, as_user):
    """Opening your own link says so and connects no one."""
    person = make_user("person")
    _, token = services.create_invitation(person, "friend")
    db.session.commit()
    r = as_user(person).post(f"/circle/join/{token}", data={"answer": "accept"})
    assert r.status_code == 409 and "your own invitation" in r.get_data(as_text=True)
    assert row_counts()["connections"] == 0


def test_same_role_cannot_connect(app, make_user, as_user):
    """Two people in recovery (or two loved ones) can't form a connection."""
    a, b = make_user("person", name="Ann"), make_user("person", name="Ben")
    _, token = services.create_invitation(a, "friend")
    db.session.commit()
    r = as_user(b).post(f"/circle/join/{token}", data={"answer": "accept"})
    assert r.status_code == 409 and "both people in recovery" in r.get_data(as_text=True)
    assert row_counts()["connections"] == 0


def test_second_connection_to_the_same_person(app, make_user, make_connection, as_user):
    """A second connection between the same two people is refused."""
    person, loved = make_user("person"), make_user("loved_one", name="Pat")
    make_connection(person, loved)
    _, token = services.create_invitation(loved, "child")
    db.session.commit()
    r = as_user(person).post(f"/circle/join/{token}", data={"answer": "accept"})
    assert r.status_code == 409 and "already connected" in r.get_data(as_text=True)
    assert row_counts()["connections"] == 1


def test_reconnecting_after_an_end_starts_with_nothing_shared(app, make_user, make_connection):
    """After an ended connection, a new invitation reconnects the pair with no sharing."""
    person, loved = make_user("person"), make_user("loved_one")
    connection = make_connection(person, loved, share={"tracker"})
    services.end_connection(person, connection)
    _, token = services.create_invitation(person, "sibling")
    again = services.accept_invitation(token, loved)
    db.session.commit()
    assert again.id == connection.id and again.status == "active" and again.grants == []
    assert again.relationship == "sibling"


@pytest.mark.parametrize("token", ["", "x", "a" * 500, "../../etc/passwd", "%00"])
def test_bad_tokens(client, make_user, as_user, token):
    """Nonsense tokens are a 404, never a 500."""
    user_client = as_user(make_user("loved_one"))
    assert user_client.get(f"/circle/join/{token}").status_code in (404, 308)
    assert user_client.post(f"/circle/join/{token}", data={"answer": "accept"}).status_code in (404, 405, 308, 409)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"relationship": ""}, "how you are related"),
        ({"relationship": "boss"}, "Please choose one of the options shown"),
        ({"relationship": "parent", "invitee_label": "x" * 10_000}, "60 characters"),
    ],
)
def test_invite_bad_input(client, make_user, login, data, message):
    """Bad invite input shows the form again with a message and keeps what was typed; nothing saved."""
    login(client, make_user())
    r = client.post("/circle/invite", data=data)
    assert r.status_code == 422 and message in r.get_data(as_text=True)
    assert row_counts()["invitations"] == 0


def test_invite_form_keeps_label(client, make_user, login):
    """A refused invite keeps the label that was typed."""
    login(client, make_user())
    r = client.post("/circle/invite", data={"relationship": "", "invitee_label": "Auntie Jo"})
    assert 'value="Auntie Jo"' in r.get_data(as_text=True)


def test_answer_must_be_accept_or_decline(app, make_user, as_user):
    """Any other answer is a 400 and connects no one."""
    person, loved = make_user("person"), make_user("loved_one")
    _, token = services.create_invitation(person, "friend")
    db.session.commit()
    assert as_user(loved).post(f"/circle/join/{token}", data={"answer": "maybe"}).status_code == 400
    assert row_counts()["connections"] == 0


def test_service_refuses_unknown_relationship(app, make_user):
    """The service refuses relationships outside the list."""
    with pytest.raises(Refused):
        services.create_invitation(make_user(), "boss")
