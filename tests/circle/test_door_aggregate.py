"""SECURITY.md 26: pages that show several people's shared records go through the door and log the visit.

The loved one's home (the person's score), the boundaries page (the other member's boundaries) and
the trust page the person reads: each visit is logged for the owner, once per owner and area, and
shows on the owner's access log. Nothing is shown or logged once sharing is revoked, paused or ended,
and another family's pages never show or log anything of this one's.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from recovery.accounts.models import User
from recovery.boundaries import services as boundaries
from recovery.circle import permissions
from recovery.circle import services as circle
from recovery.circle.models import AccessLogEntry
from recovery.db import db
from recovery.tracker import checkins, commitments
from recovery.trust import services as trust
from tests.forms import form_data
from tests.queries import captured_statements

ROOT = Path(__file__).resolve().parents[2]
JORDANS_WORDS = "you shout at the kids"
SAMS_WORDS = "you drive after drinking"


def visits(owner: User | None = None) -> list[tuple[int, int, str]]:
    """Every access-log row, as (owner, viewer, area), optionally for one owner."""
    stmt = sa.select(AccessLogEntry.owner_id, AccessLogEntry.viewer_id, AccessLogEntry.area)
    if owner is not None:
        stmt = stmt.where(AccessLogEntry.owner_id == owner.id)
    return sorted(tuple(row) for row in db.session.execute(stmt))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def access_log_rows(client) -> list[tuple[str, str]]:
    """The owner's access log page, as (who, what) rows."""
    page = text(client.get("/circle/access-log"))
    return re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", page)


def _commitment_with_checkins(person: User) -> None:
    today = commitments.today_for(person)
    start = today - timedelta(days=10)  # old enough for a score (a young record shows counts instead)
    c = commitments.create_commitment(person, "Walk after dinner", "", commitments.ScheduleInput("daily"), start,
                                      today=start)
    for days_ago in range(1, 9):
        checkins.record_checkin(c, today - timedelta(days=days_ago), "kept", today=today - timedelta(days=days_ago))
    db.session.commit()


@pytest.fixture
def family(make_user, make_connection):
    """Jordan (in recovery) and Sam (a loved one): Jordan has a tracker history, each has a boundary."""
    jordan = make_user("person", name="Jordan")
    sam = make_user("loved_one", name="Sam")
    connection = make_connection(jordan, sam)
    _commitment_with_checkins(jordan)
    boundaries.create_boundary(jordan, "home", boundaries.Words(f"If {JORDANS_WORDS}", "I will take a walk."))
    boundaries.create_boundary(sam, "safety", boundaries.Words(f"If {SAMS_WORDS}", "I will take a taxi."))
    db.session.commit()
    return jordan, sam, connection


def _share(owner: User, connection, areas: set[str]) -> None:
    circle.set_sharing(owner, connection, areas)
    db.session.commit()


# --- The loved one's home: the person's score -------------------------------------------------------


def test_loved_one_home_showing_the_score_logs_a_tracker_visit(app, family, as_user):
    """Sam's home shows Jordan's consistency, so Jordan's access log says Sam viewed the tracker."""
    jordan, sam, connection = family
    _share(jordan, connection, {"tracker"})
    home = as_user(sam)
    page = text(home.get("/home"))
    assert "Consistency:" in page
    assert visits() == [(jordan.id, sam.id, "tracker")]
    home.get("/home")  # a reload is the same visit
    assert visits() == [(jordan.id, sam.id, "tracker")]
    assert access_log_rows(as_user(jordan)) == [("Sam", "Tracker")]


def test_only_content_is_logged_not_the_names_of_shared_areas(app, family, make_user, make_connection, as_user):
    """Links naming shared areas (home cards, the circle page) log nothing; the score shown is the one visit.

    Jordan's own home, which names what Sam shares, logs nothing for Sam, and a second person who
    shares nothing with Sam is neither shown nor logged.
    """
    jordan, sam, connection = family
    _share(jordan, connection, {"tracker", "milestones", "boundaries", "amends"})
    _share(sam, connection, {"boundaries", "trust"})
    alex = make_user("person", name="Alex")
    make_connection(alex, sam)
    _commitment_with_checkins(alex)
    sam_client, jordan_client = as_user(sam), as_user(jordan)
    sam_home = text(sam_client.get("/home"))
    assert sam_home.count("Consistency:") == 1 and f"/circle/{connection.id}/milestones" in sam_home
    assert "Shares nothing with you yet" in sam_home  # Alex's card
    assert f"/circle/{connection.id}/boundaries" in text(sam_client.get("/circle/"))
    jordan_home = text(jordan_client.get("/home"))
    assert f"/circle/{connection.id}/trust" in jordan_home
    text(jordan_client.get("/circle/"))
    # Sam hasn't answered Jordan's boundary yet: his home shows its words in "Waiting for you", a visit too.
    assert visits() == [(jordan.id, sam.id, "boundaries"), (jordan.id, sam.id, "tracker")]


@pytest.mark.parametrize("how", ["revoke", "pause", "end"])
def test_home_after_sharing_stops_shows_and_logs_nothing(app, family, as_user, how):
    """Revoked, paused or ended: the next home page shows no score and logs no visit."""
    jordan, sam, connection = family
    _share(jordan, connection, {"tracker"})
    jordan_client, sam_client = as_user(jordan), as_user(sam)
    assert "Consistency:" in text(sam_client.get("/home"))
    assert visits() == [(jordan.id, sam.id, "tracker")]
    db.session.execute(sa.delete(AccessLogEntry))
    _stop_sharing(jordan_client, connection, how)
    page = text(sam_client.get("/home"))
    assert "Consistency:" not in page and "waiting for your word" not in page
    assert visits() == []


def _stop_sharing(owner_client, connection, how: str) -> None:
    """Stop sharing the way a person would, through the circle page's own forms."""
    page = owner_client.get("/circle/").get_data(as_text=True)
    if how == "revoke":
        action = f"/circle/{connection.id}/sharing"
        data = form_data(page, action=action)
        data[f"c{connection.id}-areas"] = []
        r = owner_client.post(action, data=data)
    elif how == "pause":
        action = f"/circle/{connection.id}/pause"
        r = owner_client.post(action, data=form_data(page, action=action))
    else:
        action = f"/circle/{connection.id}/end"
        confirm = owner_client.get(action).get_data(as_text=True)
        r = owner_client.post(action, data=form_data(confirm, action=action))
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:300]


# --- The boundaries page: the other member's boundaries --------------------------------------------


def test_boundaries_page_logs_a_visit_for_each_owner_it_shows(app, family, make_user, make_connection, as_user):
    """Each side's /boundaries/ lists the other's shared boundary words and logs a boundaries visit.

    A loved one who shares boundaries but has written none shows nothing, so is not logged.
    """
    jordan, sam, connection = family
    _share(jordan, connection, {"boundaries"})
    _share(sam, connection, {"boundaries"})
    pat = make_user("loved_one", name="Pat")
    make_connection(jordan, pat, loved_one_shares={"boundaries"})
    jordan_client, sam_client = as_user(jordan), as_user(sam)
    assert SAMS_WORDS in text(jordan_client.get("/boundaries/"))
    assert visits() == [(sam.id, jordan.id, "boundaries")]
    assert JORDANS_WORDS in text(sam_client.get("/boundaries/"))
    assert visits() == sorted([(sam.id, jordan.id, "boundaries"), (jordan.id, sam.id, "boundaries")])
    sam_client.get("/boundaries/")  # a reload is the same visit
    assert len(visits()) == 2
    assert access_log_rows(sam_client) == [("Jordan", "Boundaries")]
    assert access_log_rows(jordan_client) == [("Sam", "Boundaries")]
    assert visits(pat) == []


@pytest.mark.parametrize("how", ["revoke", "pause", "end"])
def test_boundaries_page_after_sharing_stops_shows_and_logs_nothing(app, family, as_user, how):
    """Revoked, paused or ended: the next boundaries page shows none of their words and logs nothing."""
    jordan, sam, connection = family
    _share(sam, connection, {"boundaries"})
    jordan_client = as_user(jordan)
    assert SAMS_WORDS in text(jordan_client.get("/boundaries/"))
    assert visits() == [(sam.id, jordan.id, "boundaries")]
    db.session.execute(sa.delete(AccessLogEntry))
    _stop_sharing(as_user(sam), connection, how)
    assert SAMS_WORDS not in text(jordan_client.get("/boundaries/"))
    assert visits() == []


# --- The trust page the person reads -----------------------------------------------------------------


def test_trust_page_logs_a_trust_visit_and_stops_with_the_grant(app, family, as_user):
    """Jordan reading Sam's shared trust check-ins is logged for Sam; once revoked, it is 404 and not logged.

    (This page already went through the single door; the test keeps it so now that its check reads the door.)
    """
    jordan, sam, connection = family
    trust.record_checkin(sam, jordan.id, 5, 4, 6, "trust-note-only-sam-wrote")
    _share(sam, connection, {"trust"})
    jordan_client, sam_client = as_user(jordan), as_user(sam)
    assert "trust-note-only-sam-wrote" in text(jordan_client.get(f"/circle/{connection.id}/trust"))
    assert visits() == [(sam.id, jordan.id, "trust")]
    assert access_log_rows(sam_client) == [("Jordan", "Trust check-ins")]
    db.session.execute(sa.delete(AccessLogEntry))
    _stop_sharing(sam_client, connection, "revoke")
    assert jordan_client.get(f"/circle/{connection.id}/trust").status_code == 404
    assert "trust-note-only-sam-wrote" not in text(jordan_client.get("/home"))
    assert visits() == []


# --- Two families ------------------------------------------------------------------------------------


def test_another_familys_pages_never_show_or_log_this_family(app, family, make_user, make_connection, as_user):
    """Two families with everything shared: each family's pages log visits for its own members only."""
    jordan, sam, connection = family
    _share(jordan, connection, {"tracker", "boundaries"})
    _share(sam, connection, {"boundaries", "trust"})
    alex, robin = make_user("person", name="Alex"), make_user("loved_one", name="Robin")
    make_connection(alex, robin, share={"tracker", "boundaries"}, loved_one_shares={"boundaries", "trust"})
    _commitment_with_checkins(alex)
    boundaries.create_boundary(alex, "home", boundaries.Words("If the phone rings late", "I will let it ring."))
    boundaries.create_boundary(robin, "home", boundaries.Words("If the car is gone", "I will take the bus."))
    db.session.commit()
    for user in (alex, robin):
        client = as_user(user)
        for url in ("/home", "/boundaries/", "/circle/", "/talk/", "/tracker/"):
            page = text(client.get(url))
            assert JORDANS_WORDS not in page and SAMS_WORDS not in page, url
            assert "Jordan" not in page, url
    assert visits(jordan) == [] and visits(sam) == []
    assert visits() == sorted([(alex.id, robin.id, "tracker"), (alex.id, robin.id, "boundaries"),
                               (robin.id, alex.id, "boundaries")])


# --- The batch door itself ---------------------------------------------------------------------------


def _counted(statements: list[str]) -> dict[str, int]:
    kinds = [s.lstrip().split(None, 1)[0].upper() for s in statements]
    return {k: kinds.count(k) for k in ("SELECT", "INSERT", "UPDATE")}


def test_batch_door_reads_all_grants_in_one_query(app, make_user, make_connection):
    """What five connections share is read in one query, and only active connections share."""
    sam = make_user("loved_one")
    connections = [make_connection(make_user("person"), sam, share={"tracker"}) for _ in range(5)]
    circle.pause_connection(connections[0].person, connections[0])
    db.session.commit()
    connections = circle.connections_of(sam)  # loaded afresh, as a page would
    with captured_statements() as statements:
        shared = permissions.shared_with(sam, connections)
    assert _counted(statements)["SELECT"] == 1
    assert shared[connections[0].id] == frozenset()
    assert all(shared[c.id] == frozenset({"tracker"}) for c in connections[1:])


def test_batch_visits_are_coalesced_in_one_query(app, make_user, make_connection):
    """A batch of visits is written once; the same batch again within a minute is one SELECT and no write."""
    sam_id = make_user("loved_one").id
    people = [make_user("person") for _ in range(4)]
    pairs = [(p.id, area) for p in people for area in ("tracker", "boundaries")]
    permissions.log_visits(sam_id, pairs)
    db.session.commit()
    assert len(visits()) == 8
    with captured_statements() as statements:
        permissions.log_visits(sam_id, pairs)
        db.session.flush()
    assert _counted(statements) == {"SELECT": 1, "INSERT": 0, "UPDATE": 0}
    assert len(visits()) == 8
    permissions.log_visits(sam_id, [(sam_id, "boundaries"), (pairs[0][0], "diary")])  # own, and no such area
    db.session.commit()
    assert len(visits()) == 8


def test_a_page_may_show_only_what_the_door_let_through(app, family):
    """The batch door refuses to note a visit to an area that isn't shared with the viewer."""
    jordan, sam, connection = family
    _share(jordan, connection, {"milestones"})
    page = permissions.SharedPage(sam, [connection])
    assert page.areas(connection) == ["milestones"] and page.sharing("tracker") == []
    with pytest.raises(LookupError):
        page.show(connection, "tracker")


def test_nothing_outside_the_door_reads_share_grants(app):
    """ARCHITECTURE: one door. Only circle/permissions.py reads grants; circle/services.py only writes them."""
    assert circle.shared_areas is permissions.shared_areas
    assert circle.areas_shared_with is permissions.areas_shared_with
    allowed = {
        "recovery/circle/permissions.py",  # the door
        "recovery/circle/models.py",  # the table
        "recovery/circle/services.py",  # grants are given and taken back here (set_sharing, end_connection)
        "recovery/models.py",  # the list of every model
        "recovery/circle/data.py",  # the owner's export of their own choices and connections (Your data)
    }
    pattern = re.compile(r"\bShareGrant\b|\.grants\b")
    readers = sorted(
        str(path.relative_to(ROOT))
        for folder in ("recovery", "templates")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".html") and "migrations" not in path.parts
        and pattern.search(path.read_text(encoding="utf-8"))
    )
    assert [r for r in readers if r not in allowed] == []
