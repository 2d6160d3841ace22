"""From a boundary page to a plan: "Plan how to say this" (my own) and "Plan how to talk about this" (shared with me),
followed from the rendered page, start the right guide for my role (both roles, both pages), prefilled with my own
boundary or linked to theirs."""

import html
import re

import pytest
import sqlalchemy as sa

from recovery.boundaries import services
from recovery.boundaries.routes import GUIDES
from recovery.boundaries.services import Words
from recovery.conversations import library
from recovery.conversations.models import ConversationPlan
from recovery.db import db
from tests.forms import form_data


@pytest.fixture
def pair(make_user, make_connection):
    person = make_user("person", name="Jordan")
    sam = make_user("loved_one", name="Sam")
    connection = make_connection(person, sam, share={"boundaries"}, loved_one_shares={"boundaries"})
    return person, sam, connection


def _boundary(owner, situation, my_action, need=""):
    b = services.create_boundary(owner, "home", Words(situation, my_action, need))
    db.session.commit()
    return b


def _link(page: str, label: str) -> str | None:
    found = re.search(r'<a [^>]*href="([^"]+)"[^>]*>' + re.escape(label) + "</a>", page)
    return html.unescape(found.group(1)) if found else None


def _start_plan(client, url: str) -> ConversationPlan:
    """Open the guide the link points to and press "Start my plan" with the fields its form has."""
    guide = client.get(url)
    assert guide.status_code == 200
    path = url.split("?")[0]
    r = client.post(url, data=form_data(guide.get_data(as_text=True)))
    assert r.status_code == 302, r.get_data(as_text=True)
    return db.session.scalar(sa.select(ConversationPlan).where(ConversationPlan.script_id == path.rsplit("/", 1)[1])
                             .order_by(ConversationPlan.id.desc()))


def test_each_guide_offered_is_a_boundary_guide_for_that_role():
    """Both roles have a guide for saying their own boundary and one for hearing a shared one; each exists,
    is written for the reader's role, and takes a boundary."""
    assert set(GUIDES) == {(role, whose) for role in ("person", "loved_one") for whose in ("own", "shared")}
    for (role, _), script_id in GUIDES.items():
        script = library.get(script_id)
        assert script is not None and script.role == role and script.links_to == "boundary"
    assert len(set(GUIDES.values())) == 4
    assert GUIDES[("loved_one", "own")] == "stating-a-boundary"
    assert GUIDES[("person", "own")] == "sharing-your-own-boundary"
    assert GUIDES[("loved_one", "shared")] == "hearing-their-boundary"


def test_a_loved_one_plans_how_to_say_their_own_boundary(app, pair, as_user):
    """Sam's boundary page links to "Stating a boundary", which starts a plan prefilled with Sam's own words."""
    _, sam, _ = pair
    b = _boundary(sam, "If you come home after drinking", "I will sleep at my sister's that night.",
                  "I need to feel safe at home.")
    client = as_user(sam)
    url = _link(client.get(f"/boundaries/{b.id}").get_data(as_text=True), "Plan how to say this")
    assert url == f"/talk/scripts/stating-a-boundary?boundary={b.id}"
    assert "Stating a boundary" in client.get(url).get_data(as_text=True)
    plan = _start_plan(client, url)
    assert plan.owner_id == sam.id and plan.boundary_id == b.id
    words = " ".join(plan.answers.values())
    assert "come home after drinking" in words and "sleep at my sister's" in words and "feel safe" in words
    edit = client.get(f"/talk/plans/{plan.id}/edit").get_data(as_text=True).replace("&#39;", "'")
    assert "sleep at my sister's that night" in edit


def test_a_person_plans_how_to_talk_about_a_boundary_shared_with_them(app, pair, as_user):
    """Jordan, reading Sam's shared boundary, reaches "Hearing a boundary" linked to it through the door."""
    person, sam, connection = pair
    b = _boundary(sam, "If you come home after drinking", "I will sleep at my sister's that night.")
    client = as_user(person)
    page = client.get(f"/boundaries/shared/{connection.id}/{b.id}").get_data(as_text=True)
    url = _link(page, "Plan how to talk about this")
    assert url == f"/talk/scripts/hearing-a-boundary?boundary={b.id}"
    plan = _start_plan(client, url)
    assert plan.owner_id == person.id and plan.boundary_id == b.id
    # Their words stay theirs: shown beside the plan while shared, never copied into it.
    assert "sleep at my sister" not in " ".join(plan.answers.values())
    assert "sleep at my sister" in client.get(f"/talk/plans/{plan.id}/edit").get_data(as_text=True)


def test_a_person_plans_how_to_say_their_own_boundary(app, pair, as_user):
    """Jordan's boundary page links to "Sharing your own boundary", starting a plan prefilled with those words."""
    person, _, _ = pair
    b = _boundary(person, "If I'm asked to a party where people will be drinking",
                  "I won't go for now, and I'll leave early if it comes up.", "I need to keep my recovery strong.")
    client = as_user(person)
    url = _link(client.get(f"/boundaries/{b.id}").get_data(as_text=True), "Plan how to say this")
    assert url == f"/talk/scripts/sharing-your-own-boundary?boundary={b.id}"
    assert "Sharing your own boundary" in client.get(url).get_data(as_text=True)
    plan = _start_plan(client, url)
    assert plan.owner_id == person.id and plan.boundary_id == b.id
    words = " ".join(plan.answers.values())
    assert "party where people will be drinking" in words and "leave early" in words and "recovery strong" in words
    edit = client.get(f"/talk/plans/{plan.id}/edit").get_data(as_text=True).replace("&#39;", "'")
    assert "I'll leave early if it comes up" in edit


def test_a_loved_one_plans_how_to_talk_about_a_boundary_shared_with_them(app, pair, as_user):
    """Sam, reading Jordan's shared boundary, reaches "Hearing their boundary" linked to it through the door."""
    person, sam, connection = pair
    b = _boundary(person, "If I'm asked to a party where people will be drinking",
                  "I won't go for now, and I'll leave early if it comes up.")
    client = as_user(sam)
    page = client.get(f"/boundaries/shared/{connection.id}/{b.id}").get_data(as_text=True)
    url = _link(page, "Plan how to talk about this")
    assert url == f"/talk/scripts/hearing-their-boundary?boundary={b.id}"
    assert "Hearing their boundary" in client.get(url).get_data(as_text=True)
    plan = _start_plan(client, url)
    assert plan.owner_id == sam.id and plan.boundary_id == b.id
    # Jordan's words stay Jordan's: shown beside the plan while shared, never copied into it.
    assert "leave early" not in " ".join(plan.answers.values())
    assert "leave early" in client.get(f"/talk/plans/{plan.id}/edit").get_data(as_text=True)


def test_no_page_links_to_a_guide_the_reader_cannot_open(app, pair, as_user):
    """Each of the four boundary pages offers one guide, and every guide link it has opens for its reader."""
    person, sam, connection = pair
    own = _boundary(person, "If you ask me to lend you money", "I will say no, kindly.")
    theirs = _boundary(sam, "If you shout", "I will leave the room.")
    pages = [(person, f"/boundaries/{own.id}"), (sam, f"/boundaries/shared/{connection.id}/{own.id}"),
             (sam, f"/boundaries/{theirs.id}"), (person, f"/boundaries/shared/{connection.id}/{theirs.id}")]
    offered = 0
    for user, path in pages:
        client = as_user(user)
        page = client.get(path).get_data(as_text=True)
        for href in re.findall(r'href="(/talk/scripts/[^"]+)"', page):
            assert client.get(html.unescape(href)).status_code == 200, (path, href)
            offered += 1
    assert offered == 4


def test_a_retired_boundary_offers_no_plan(app, pair, as_user):
    """A retired boundary can't start a plan, so its page doesn't offer one."""
    _, sam, _ = pair
    b = _boundary(sam, "If you shout", "I will leave the room.")
    services.retire(b)
    db.session.commit()
    assert _link(as_user(sam).get(f"/boundaries/{b.id}").get_data(as_text=True), "Plan how to say this") is None
