"""Boundaries: writing, revising with history, sharing, acknowledging and logging events."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.boundaries import services
from recovery.boundaries.models import Boundary, BoundaryAck, BoundaryEvent, BoundaryVersion
from recovery.boundaries.services import Words
from recovery.db import db
from recovery.errors import Refused
from recovery.timezones import local_today
from tests.conftest import row_counts

GOOD = {"category": "home", "situation": "If you come home after drinking",
        "my_action": "I will sleep at my sister's that night.", "need": "I need to feel safe.", "request": ""}


@pytest.fixture
def pair(make_user, make_connection):
    person = make_user("person", name="Jordan")
    sam = make_user("loved_one", name="Sam")
    connection = make_connection(person, sam, share={"boundaries"}, loved_one_shares={"boundaries"})
    return person, sam, connection


def _boundary(owner, **kwargs):
    b = services.create_boundary(owner, kwargs.get("category", "home"),
                                 Words(kwargs.get("situation", "If you shout"), kwargs.get("my_action",
                                                                                           "I will leave the room.")))
    db.session.commit()
    return b


def test_both_roles_write_boundaries(app, pair, as_user):
    """A loved one and a person in recovery can each write a boundary; it saves as version 1."""
    person, sam, _ = pair
    for user in (person, sam):
        r = as_user(user).post("/boundaries/new", data={**GOOD, "action": "save"})
        assert r.status_code == 302
    rows = list(db.session.scalars(sa.select(Boundary)))
    assert {b.owner_id for b in rows} == {person.id, sam.id} and all(b.version == 1 for b in rows)


def test_check_my_wording_shows_the_coach_and_saves_nothing(app, pair, as_user):
    """"Check my wording" shows the coach's notes and keeps the form; nothing is saved until Save."""
    _, sam, _ = pair
    data = {**GOOD, "my_action": "You must stop drinking or else.", "action": "check"}
    r = as_user(sam).post("/boundaries/new", data=data)
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "The coach noticed" in body and "You must stop drinking or else." in body
    assert row_counts()["boundaries"] == 0
    # The coach never blocks saving.
    assert as_user(sam).post("/boundaries/new", data={**data, "action": "save"}).status_code == 302
    assert row_counts()["boundaries"] == 1


def test_a_clear_boundary_gets_a_kind_word(app, pair, as_user):
    """A well-formed boundary checks clean."""
    r = as_user(pair[1]).post("/boundaries/new", data={**GOOD, "action": "check"})
    assert "reads like a clear boundary" in r.get_data(as_text=True)


@pytest.mark.parametrize(("change", "message"), [
    ({"situation": ""}, "describe the situation"),
    ({"my_action": ""}, "say what you will do"),
    ({"situation": "x" * 10_000}, "500 characters"),
    ({"need": "x" * 10_000}, "1,000 characters"),
    ({"category": "feelings"}, "Please choose one of the options shown"),
])
def test_boundary_bad_input(app, pair, as_user, change, message):
    """Bad input shows the form again with a clear message, keeps the typing, and saves nothing."""
    r = as_user(pair[1]).post("/boundaries/new", data={**GOOD, **change, "action": "save"})
    body = r.get_data(as_text=True).replace("&#39;", "'")
    assert r.status_code == 422 and message.lower() in body.lower()
    assert row_counts()["boundaries"] == 0
    if "my_action" not in change:
        assert "I will sleep at my sister's that night." in body


def test_revision_keeps_history_and_asks_to_acknowledge_again(app, pair, as_user):
    """After a revision the other side sees "updated" and is asked to acknowledge again."""
    person, sam, connection = pair
    b = _boundary(sam)
    jordan = as_user(person)
    url = f"/boundaries/shared/{connection.id}/{b.id}"
    assert "New" in jordan.get(f"/circle/{connection.id}/boundaries").get_data(as_text=True)
    jordan.post(url + "/answer", data={"kind": "acknowledged"})
    assert services.ack_state(b, db.session.scalar(sa.select(BoundaryAck))) == "acknowledged"
    sam_client = as_user(sam)
    sam_client.post(f"/boundaries/{b.id}/revise", data={**GOOD, "action": "save"})
    db.session.refresh(b)
    assert b.version == 2 and [v.number for v in b.versions] == [1, 2]
    assert b.versions[0].situation == "If you shout"  # history kept
    ack = db.session.scalar(sa.select(BoundaryAck))
    assert services.ack_state(b, ack) == "updated"
    assert "Jordan: read an earlier wording — you've changed it since" in sam_client.get(
        f"/boundaries/{b.id}").get_data(as_text=True).replace("&#39;", "'")
    page = jordan.get(url).get_data(as_text=True)
    assert "updated this boundary since you last read it" in page
    assert "Updated — please read again" in jordan.get(f"/circle/{connection.id}/boundaries").get_data(as_text=True)
    jordan.post(url + "/answer", data={"kind": "talk"})
    db.session.refresh(ack)
    assert (ack.version, ack.kind) == (2, "talk")
    assert "read an earlier wording" not in sam_client.get(f"/boundaries/{b.id}").get_data(as_text=True)
    # Saving the same words again is not a new version.
    sam_client.post(f"/boundaries/{b.id}/revise", data={**GOOD, "action": "save"})
    db.session.refresh(b)
    assert b.version == 2


def test_the_other_side_can_never_edit(app, pair, as_user):
    """The person a boundary is shared with can read and answer, never revise, retire or see it as owner."""
    person, sam, connection = pair
    b = _boundary(sam)
    jordan = as_user(person)
    for method, url in (("get", f"/boundaries/{b.id}"), ("get", f"/boundaries/{b.id}/revise"),
                        ("post", f"/boundaries/{b.id}/revise"), ("post", f"/boundaries/{b.id}/retire"),
                        ("post", f"/boundaries/{b.id}/events")):
        assert getattr(jordan, method)(url, data={**GOOD, "action": "save"}).status_code == 404, url
    db.session.refresh(b)
    assert b.version == 1 and b.status == "active"


def test_events_from_both_sides_and_counts(app, pair, as_user):
    """Owner and viewer each log events; the owner sees a timeline and 30/90-day counts."""
    person, sam, connection = pair
    b = _boundary(sam)
    today = local_today(sam.timezone)
    sam_client, jordan = as_user(sam), as_user(person)
    sam_client.post(f"/boundaries/{b.id}/events", data={"event-kind": "crossed", "event-note": "bottle in the car",
                                                        "event-local_date": (today - timedelta(days=40)).isoformat()})
    jordan.post(f"/boundaries/shared/{connection.id}/{b.id}/events",
                data={"event-kind": "respected", "event-local_date": today.isoformat()})
    rows = list(db.session.scalars(sa.select(BoundaryEvent).order_by(BoundaryEvent.id)))
    assert [(e.kind, e.author_id) for e in rows] == [("crossed", sam.id), ("respected", person.id)]
    counts = services.counts(b, today)
    assert counts[30]["respected"] == 1 and counts[30]["crossed"] == 0 and counts[90]["crossed"] == 1
    page = sam_client.get(f"/boundaries/{b.id}").get_data(as_text=True)
    assert "bottle in the car" in page and "Jordan" in page


@pytest.mark.parametrize("data", [{}, {"event-kind": "ignored", "event-local_date": "2024-01-01"},
                                  {"event-kind": "respected", "event-local_date": "2999-01-01"},
                                  {"event-kind": "respected", "event-local_date": "soon"},
                                  {"event-kind": "respected", "event-local_date": "2024-01-01",
                                   "event-note": "x" * 900}])
def test_event_bad_input(app, pair, as_user, data):
    """Bad events are refused with a message and nothing is saved."""
    b = _boundary(pair[1])
    as_user(pair[1]).post(f"/boundaries/{b.id}/events", data=data)
    assert row_counts()["boundary_events"] == 0


def test_no_one_outside_the_connection_can_log_events_or_answer(app, pair, make_user, make_connection, as_user):
    """Strangers, other families and members without the grant get 404 and change nothing."""
    person, sam, connection = pair
    b = _boundary(sam)
    pat = make_user("loved_one")
    make_connection(person, pat)  # Pat is in Jordan's circle, not Sam's
    stranger = make_user("person")
    other_connection = make_connection(stranger, make_user("loved_one"), share={"boundaries"})
    clients = [as_user(pat), as_user(stranger)]
    before = row_counts()
    for client in clients:
        for cid in (connection.id, other_connection.id):
            base = f"/boundaries/shared/{cid}/{b.id}"
            assert client.get(base).status_code == 404
            assert client.post(base + "/events", data={"event-kind": "crossed",
                                                       "event-local_date": "2024-01-01"}).status_code == 404
            assert client.post(base + "/answer", data={"kind": "acknowledged"}).status_code == 404
    assert row_counts() == before


def test_unsharing_or_pausing_hides_them_on_the_next_request(app, pair, as_user):
    """When Sam stops sharing (or the connection pauses), Jordan gets 404 and can't log events."""
    person, sam, connection = pair
    b = _boundary(sam)
    jordan, sam_client = as_user(person), as_user(sam)
    url = f"/boundaries/shared/{connection.id}/{b.id}"
    assert jordan.get(url).status_code == 200
    sam_client.post(f"/circle/{connection.id}/sharing", data={})
    assert jordan.get(url).status_code == 404
    assert jordan.post(url + "/events", data={"event-kind": "crossed", "event-local_date": "2024-01-01"}
                       ).status_code == 404
    sam_client.post(f"/circle/{connection.id}/sharing", data={f"c{connection.id}-areas": ["boundaries"]})
    assert jordan.get(url).status_code == 200
    sam_client.post(f"/circle/{connection.id}/pause")
    assert jordan.get(url).status_code == 404


def test_retire_hides_from_others_and_keeps_history(app, pair, as_user):
    """A retired boundary disappears for the other side, keeps its versions, and can be restored."""
    person, sam, connection = pair
    b = _boundary(sam)
    sam_client = as_user(sam)
    sam_client.post(f"/boundaries/{b.id}/retire")
    assert as_user(person).get(f"/boundaries/shared/{connection.id}/{b.id}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoundaryVersion)) == 1
    r = sam_client.post(f"/boundaries/{b.id}/revise", data={**GOOD, "action": "save"})
    assert r.status_code == 422 and "retired" in r.get_data(as_text=True)
    sam_client.post(f"/boundaries/{b.id}/restore")
    assert as_user(person).get(f"/boundaries/shared/{connection.id}/{b.id}").status_code == 200
    assert sam_client.post(f"/boundaries/{b.id}/explode").status_code == 404


def test_overview_lists_waiting_first(app, pair, as_user):
    """The overview shows boundaries shared with me, those waiting for my answer first."""
    person, sam, connection = pair
    read = _boundary(sam, situation="If you are late")
    _boundary(sam, situation="If you borrow my car")
    services.acknowledge(read, person, "acknowledged")
    db.session.commit()
    page = as_user(person).get("/boundaries/").get_data(as_text=True)
    assert "1 to read" in page
    assert page.index("If you borrow my car") < page.index("If you are late")


def test_service_rules(app, pair):
    """The services refuse empty words, unknown categories and answers, and owners answering themselves."""
    person, sam, _ = pair
    with pytest.raises(Refused):
        services.create_boundary(sam, "home", Words("  ", "I will go"))
    with pytest.raises(Refused):
        services.create_boundary(sam, "nope", Words("If", "I will go"))
    b = _boundary(sam)
    with pytest.raises(Refused):
        services.acknowledge(b, person, "maybe")
    with pytest.raises(LookupError):
        services.acknowledge(b, sam, "acknowledged")
    with pytest.raises(LookupError):
        services.load_own(person, b.id)


def test_saving_says_who_can_read_it(app, pair, make_user, as_user):
    """After saving, the message names who can read the boundary, or says it's private."""
    _, sam, _ = pair
    r = as_user(sam).post("/boundaries/new", data={**GOOD, "action": "save"}, follow_redirects=True)
    assert "Jordan can read it" in r.get_data(as_text=True)
    loner = make_user("loved_one")
    r = as_user(loner).post("/boundaries/new", data={**GOOD, "action": "save"}, follow_redirects=True)
    assert "private until you share" in r.get_data(as_text=True).replace("&#39;", "'")
