"""The two role dashboards and the guided path."""

import re

import pytest
import sqlalchemy as sa

from recovery.accounts.models import User
from recovery.circle.models import Connection, ShareGrant
from recovery.dashboards.services import dashboard_for
from recovery.db import db
from recovery.tracker import checkins, commitments, journey
from recovery.tracker.models import Commitment
from tests.queries import count_selects


def _primary_buttons(page: str) -> list[str]:
    """The labels of the page's main buttons (links or buttons styled "primary") inside <main>."""
    main = page[page.index("<main"):page.index("</main>")]
    return [re.sub(r"<[^>]+>|\s+", " ", label).strip()
            for label in re.findall(r'class="button[^"]*\bprimary\b"[^>]*>(.*?)</(?:a|button)>', main, re.S)]


def test_person_dashboard_path_ticks_itself_off(app, make_user, make_connection, as_user):
    """The person's path: connect, share, make a commitment, check in — each ticks itself off when done."""
    person = make_user("person", name="Jordan")
    client = as_user(person)
    page = client.get("/home").get_data(as_text=True)
    assert "Your path" in page and "Connect with someone" in page and "No loved ones connected yet" in page
    # One main action: the path's first step. Making a commitment waits its turn; "Invite someone" is offered once.
    assert _primary_buttons(page) == ["Invite someone"]
    assert page.count(">Invite someone</a>") == 1 and "Make my first commitment" not in page
    dash = dashboard_for(person)
    assert [s.step.key for s in dash.path] == ["connect", "share", "commitment", "checkin", "amends", "boundary",
                                                 "talk"]
    assert [s.done for s in dash.path] == [False] * 7 and dash.next_step.step.key == "connect"
    connection = make_connection(person, make_user("loved_one", name="Sam"))
    assert [s.done for s in dashboard_for(person).path] == [True, False, False, False, False, False, False]
    client.post(f"/circle/{connection.id}/sharing", data={f"c{connection.id}-areas": ["tracker"]})
    assert [s.done for s in dashboard_for(person).path] == [True, True, False, False, False, False, False]
    page = client.get("/home").get_data(as_text=True)
    assert _primary_buttons(page) == ["Make my first commitment"] and "Invite someone" not in page
    client.post("/tracker/commitments/new", data={"title": "Home for dinner", "kind": "daily", "connection_id": "",
                                                  "start_date": commitments.today_for(person).isoformat()})
    assert [s.done for s in dashboard_for(person).path] == [True, True, True, False, False, False, False]
    page = client.get("/home").get_data(as_text=True)
    assert "Home for dinner" in page and "Sam" in page and "You share: Tracker." in page
    c = db.session.scalar(sa.select(Commitment))
    client.post(f"/tracker/commitments/{c.id}/checkin?next=/home",
                data={f"c{c.id}-day": commitments.today_for(person).isoformat(), f"c{c.id}-status": "kept"})
    assert [s.done for s in dashboard_for(person).path] == [True, True, True, True, False, False, False]
    client.post("/amends/new", data={"person_name": "Alex", "kind": "undecided", "stage": "not_yet",
                                     "connection_id": ""})
    assert [s.done for s in dashboard_for(person).path] == [True, True, True, True, True, False, False]
    client.post("/boundaries/new", data={"category": "time", "situation": "If I'm invited to a party",
                                         "my_action": "I will leave by nine.", "action": "save"})
    assert [s.done for s in dashboard_for(person).path] == [True] * 6 + [False]
    client.post("/talk/scripts/making-an-amends", data={"connection_id": ""})
    dash = dashboard_for(person)
    assert all(s.done for s in dash.path) and dash.next_step is None


def test_person_dashboard_shows_score_and_next_milestone(app, make_user, as_user):
    """The person's home shows the overall score and days to the next milestone."""
    from datetime import timedelta

    person = make_user("person")
    today = commitments.today_for(person)
    start = today - timedelta(days=5)
    c = commitments.create_commitment(person, "Walk", "", commitments.ScheduleInput("daily"), start, today=start)
    for i in range(1, 6):
        checkins.record_checkin(c, today - timedelta(days=i), "kept", today=today)
    journey.set_recovery_start(person, today - timedelta(days=25), today=today)
    db.session.commit()
    page = as_user(person).get("/home").get_data(as_text=True)
    assert "Overall consistency" in page and "5 more to 30 days" in page


def test_loved_one_dashboard_shows_shared_consistency_and_days_to_confirm(app, make_user, make_connection, as_user):
    """A loved one sees each person's shared consistency and how many days wait for their word."""
    from datetime import timedelta

    person = make_user("person", name="Jordan")
    loved = make_user("loved_one")
    connection = make_connection(person, loved, share={"tracker"})
    today = commitments.today_for(person)
    start = today - timedelta(days=3)
    c = commitments.create_commitment(person, "Walk", "", commitments.ScheduleInput("daily"), start, today=start)
    for i in (1, 2):
        checkins.record_checkin(c, today - timedelta(days=i), "kept", today=today)
    db.session.commit()
    page = as_user(loved).get("/home").get_data(as_text=True)
    assert "Kept 2 of 3 days so far" in page and "2 days waiting for your word" in page
    assert f"/circle/{connection.id}/tracker" in page


def test_loved_one_dashboard_shows_what_each_person_shares(app, make_user, make_connection, as_user):
    """A loved one sees each person they support and links to exactly the shared areas."""
    loved = make_user("loved_one", name="Sam")
    jordan = make_user("person", name="Jordan")
    alex = make_user("person", name="Alex")
    c1 = make_connection(jordan, loved, share={"tracker", "milestones"})
    make_connection(alex, loved)
    page = as_user(loved).get("/home").get_data(as_text=True)
    assert "The people you support" in page and "Jordan" in page and "Alex" in page
    assert f"/circle/{c1.id}/tracker" in page and f"/circle/{c1.id}/milestones" in page
    assert "Shares nothing with you yet" in page
    assert "Find support for yourself" in page


def test_dashboard_hides_sharing_of_paused_connections(app, make_user, make_connection, as_user):
    """A paused connection shows as paused with no links into shared areas."""
    loved = make_user("loved_one")
    connection = make_connection(make_user("person"), loved, share={"tracker"})
    client = as_user(loved)
    client.post(f"/circle/{connection.id}/pause")
    page = client.get("/home").get_data(as_text=True)
    assert "Paused" in page and f"/circle/{connection.id}/tracker" not in page


def test_dashboard_query_count_does_not_grow_with_circle_size(app, make_user, make_connection):
    """The dashboard loads in a fixed number of queries, however many connections there are."""
    person = make_user("person")

    def count_queries():
        return count_selects(lambda: dashboard_for(db.session.get(User, person.id)))

    make_connection(person, share={"tracker"})
    one = count_queries()
    for _ in range(5):
        make_connection(person, share={"tracker", "amends"})
    assert count_queries() == one


@pytest.mark.committing  # the command commits for real, as it does on a server
def test_demo_command_creates_the_demo_circle(app):
    """`flask demo` makes one person, three loved ones with different sharing, and a counsellor (with Morgan, a
    second person they support), and can run twice."""
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    assert "jordan@demo.mend.example" in result.output and "Password" in result.output
    users = {u.display_name: u for u in db.session.scalars(sa.select(User))}
    assert set(users) == {"Jordan", "Sam", "Pat", "Casey", "Dr. Rivera", "Morgan"}
    assert "rivera@demo.mend.example" in result.output and "Counsellor or therapist" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Connection)
                             .where(Connection.supporter_id.is_(None))) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Connection)
                             .where(Connection.supporter_id == users["Dr. Rivera"].id)) == 3
    shared = {}
    for grant in db.session.scalars(sa.select(ShareGrant).join(Connection).where(Connection.supporter_id.is_(None))):
        connection = db.session.get(Connection, grant.connection_id)
        shared.setdefault((grant.owner_id, connection.loved_one_id), set()).add(grant.area)
    jordan = users["Jordan"]
    assert shared[(jordan.id, users["Sam"].id)] != shared[(jordan.id, users["Pat"].id)]


def test_demo_refuses_production(make_app):
    """The demo never runs on a production server."""
    app = make_app(PRODUCTION=True)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code != 0 and "production" in result.output
