"""What a supporter reads of someone who chose them: every shared view, read-only, in supporter's words.

The demo's counsellor (Dr. Rivera) is given every area Jordan and Sam could name; each shared view must
open, offer no way to change anything (no "I saw this", no answering a boundary), lead back to the people
they support, and show the whole amends list (the consent form says so) and all of Sam's trust check-ins.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.accounts.models import User
from recovery.boundaries.models import Boundary
from recovery.circle.models import Connection
from recovery.circle.permissions import areas_for_role
from recovery.conversations.models import ConversationPlan
from recovery.db import db
from recovery.demo import DEFAULT_PASSWORD, DEMO_DOMAIN, create_demo
from recovery.supporters import services
from recovery.tracker.models import Commitment


def _user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == f"{name}@{DEMO_DOMAIN}"))


@pytest.fixture
def demo(app, client):
    create_demo()
    db.session.commit()
    rivera, jordan, sam = _user("rivera"), _user("jordan"), _user("sam")
    ties = {}
    for owner in (jordan, sam):
        tie = db.session.scalar(sa.select(Connection).where(
            Connection.supporter_id == rivera.id,
            sa.or_(Connection.person_id == owner.id, Connection.loved_one_id == owner.id)))
        every = {a.key for a in areas_for_role(owner.role)}
        services.change_consent(owner, tie, services.clean_offer(
            owner, every, "Everything, for this test.", services.today_for(owner) + timedelta(days=60)))
        ties[owner.display_name] = tie.id
    db.session.commit()
    client.post("/login", data={"email": rivera.email, "password": DEFAULT_PASSWORD})
    return client, ties, jordan, sam


def _main(html: str) -> str:
    return html.split('<main', 1)[1].split("</main>", 1)[0]


def _check_read_only(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    main = _main(response.get_data(as_text=True))
    assert not re.search(r'<form[^>]*method="post"', main, re.I), f"{path}: a supporter is offered a form"
    assert "/circle/\"" not in main and 'href="/circle/#' not in main, f"{path}: links to a circle page"
    return main


def test_every_shared_view_opens_read_only(demo):
    client, ties, jordan, sam = demo
    for owner, tie_id in ((jordan, ties["Jordan"]), (sam, ties["Sam"])):
        for area in (a.key for a in areas_for_role(owner.role)):
            main = _check_read_only(client, f"/circle/{tie_id}/{area}")
            assert "People I support" in main, area
    # The pages one level down: a commitment, a boundary, a talk plan.
    commitment = db.session.scalar(sa.select(Commitment.id).where(Commitment.owner_id == jordan.id,
                                                                   Commitment.private.is_(False)))
    _check_read_only(client, f"/tracker/shared/{ties['Jordan']}/commitments/{commitment}")
    boundary = db.session.scalar(sa.select(Boundary.id).where(Boundary.owner_id == sam.id))
    main = _check_read_only(client, f"/boundaries/shared/{ties['Sam']}/{boundary}")
    assert "I understand and will respect this" not in main and "What happened" in main


def test_a_supporter_sees_the_whole_amends_list_and_all_trust_check_ins(demo):
    client, ties, jordan, sam = demo
    from recovery.amends.models import AmendsEntry

    names = set(db.session.scalars(sa.select(AmendsEntry.person_name).where(AmendsEntry.owner_id == jordan.id)))
    main = client.get(f"/circle/{ties['Jordan']}/amends").get_data(as_text=True)
    assert len(names) > 2 and all(name in main for name in names)
    trust = client.get(f"/circle/{ties['Sam']}/trust").get_data(as_text=True)
    assert "About Jordan" in trust and "trust in you" not in trust


def test_no_action_of_the_circle_is_open_to_a_supporter(demo):
    """The gate stops every POST of a shared view: "I saw this", answering or noting a boundary."""
    client, ties, jordan, sam = demo
    boundary = db.session.scalar(sa.select(Boundary.id).where(Boundary.owner_id == sam.id))
    plan = db.session.scalar(sa.select(ConversationPlan.id).where(ConversationPlan.owner_id == jordan.id))
    page = client.get(f"/circle/{ties['Sam']}/boundaries").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for path in (f"/boundaries/shared/{ties['Sam']}/{boundary}/answer",
                 f"/boundaries/shared/{ties['Sam']}/{boundary}/events",
                 f"/tracker/shared/{ties['Jordan']}/checkins/1/confirm",
                 f"/circle/{ties['Jordan']}/sharing"):
        assert client.post(path, data={"csrf_token": token, "kind": "acknowledged"}).status_code == 404, path
    assert client.get(f"/talk/plans/{plan}").status_code == 404
