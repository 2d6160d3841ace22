"""The homes lead with what needs doing: a loved one's "Waiting for you", their own things, and one next step."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.accounts.models import User
from recovery.amends import services as amends
from recovery.amends.services import EntryInput
from recovery.boundaries import services as boundaries
from recovery.boundaries.services import Words
from recovery.circle import services as circle
from recovery.circle.models import AccessLogEntry
from recovery.dashboards.services import dashboard_for
from recovery.db import db
from recovery.tracker import checkins, commitments
from tests.dashboards.test_dashboards import _primary_buttons
from tests.queries import count_selects

SAFE = {"safety_harm_them": False, "safety_harm_others": False, "safety_no_contact": False, "safety_for_me": False}


def _kinds(user) -> list[str]:
    return [a.kind for a in dashboard_for(user).actions]


def _entry(person, connection, status="listed"):
    """An amends entry about the loved one of this connection, its safety questions answered with no risk."""
    entry = amends.create_entry(person, EntryInput(
        "Sam", connection.id, "my partner", "I broke promises.", "", "", "direct", "willing", status, "", None),
        today=commitments.today_for(person))
    amends.save_safety(entry, SAFE)
    return entry


def _waiting_days(person, connection_days=2):
    today = commitments.today_for(person)
    start = today - timedelta(days=connection_days + 1)
    c = commitments.create_commitment(person, "Walk", "", commitments.ScheduleInput("daily"), start, today=start)
    for i in range(1, connection_days + 1):
        checkins.record_checkin(c, today - timedelta(days=i), "kept", today=today)


def test_waiting_for_you_lists_days_boundaries_and_invitations_in_order(app, make_user, make_connection, as_user):
    """Days to confirm, a boundary to read (new, then changed after they answered), an invitation: one list."""
    jordan, sam = make_user("person", name="Jordan"), make_user("loved_one", name="Sam")
    connection = make_connection(jordan, sam, share={"tracker", "boundaries"})
    assert _kinds(sam) == []
    _waiting_days(jordan)
    boundary = boundaries.create_boundary(jordan, "time", Words("If I'm invited to a party", "I will leave by nine.",
                                                                "I need to protect my recovery."))
    circle.create_invitation(sam, "parent", "Alex")
    db.session.commit()
    dash = dashboard_for(sam)
    assert [a.kind for a in dash.actions] == ["confirm", "boundary", "invitation"]
    assert dash.actions[0].text == "Jordan's check-ins: 2 days waiting for your word"
    assert dash.actions[1].text == "Read Jordan's new boundary" and "leave by nine" in dash.actions[1].detail
    assert f'href="/boundaries/shared/{connection.id}/{boundary.id}"' in as_user(sam).get("/home").get_data(
        as_text=True)
    page = as_user(sam).get("/home").get_data(as_text=True)
    # The list comes before everything else on the page, right under the greeting.
    assert page.index("Waiting for you") < page.index("The people you support")
    assert page.index("2 days waiting for your word") < page.index("s new boundary") < page.index(
        "Your invitation to Alex is still waiting")
    # Answered: it leaves the list. Changed since: it comes back as "changed".
    boundaries.acknowledge(boundary, sam, "acknowledged")
    assert "boundary" not in _kinds(sam)
    boundaries.revise(boundary, "time", Words("If I'm invited to a party", "I will leave by eight.",
                                              "I need to protect my recovery."))
    changed = next(a for a in dashboard_for(sam).actions if a.kind == "boundary")
    assert changed.text == "Read Jordan's changed boundary" and "leave by eight" in changed.detail


def test_nothing_waiting_says_so_in_one_line(app, make_user, make_connection, as_user):
    """With nothing to do, the loved one reads one warm line, not an empty box."""
    sam = make_user("loved_one")
    make_connection(make_user("person"), sam, share={"tracker", "boundaries"})
    page = as_user(sam).get("/home").get_data(as_text=True)
    assert "Nothing is waiting for you right now. This time is yours." in page


def test_a_boundary_not_shared_or_a_paused_connection_waits_for_nothing(app, make_user, make_connection, as_user):
    """Only what is shared now can wait for them: a boundary kept private, or a paused connection, shows nothing."""
    jordan, sam = make_user("person"), make_user("loved_one")
    connection = make_connection(jordan, sam, share={"tracker"})
    boundaries.create_boundary(jordan, "time", Words("If I'm invited", "I will leave early.", ""))
    _waiting_days(jordan)
    db.session.commit()
    assert _kinds(sam) == ["confirm"]
    circle.pause_connection(sam, connection)
    db.session.commit()
    assert _kinds(sam) == []


def test_a_boundary_in_the_list_is_logged_for_its_owner(app, make_user, make_connection, as_user):
    """The list names the person's boundary, so the visit goes into their access log; nothing waiting, no visit."""
    jordan, sam = make_user("person"), make_user("loved_one")
    make_connection(jordan, sam, share={"boundaries"})
    client = as_user(sam)
    client.get("/home")
    assert db.session.scalars(sa.select(AccessLogEntry.area)).all() == []
    boundaries.create_boundary(jordan, "time", Words("If I'm invited", "I will leave early.", ""))
    db.session.commit()
    assert "leave early" in client.get("/home").get_data(as_text=True)
    assert db.session.execute(sa.select(AccessLogEntry.owner_id, AccessLogEntry.viewer_id, AccessLogEntry.area)
                              ).all() == [(jordan.id, sam.id, "boundaries")]


@pytest.mark.parametrize(("setup", "asked"), [
    ("open entry", True),
    ("answered no", False),
    ("answered yes", False),
    ("answered not yet", False),
    ("court order", False),
    ("risk to them", False),
    ("made already", False),
    ("no entry", False),
    ("amends not shared", False),
    ("child", False),
])
def test_the_openness_question_is_only_asked_where_it_is_safe(app, make_user, make_connection, as_user, setup,
                                                             asked):
    """Only the question ("are you open?"), only where the person is working on amends to them and shares it,
    never after any answer, never where contact is ruled out, and never to a child."""
    jordan, sam = make_user("person", name="Jordan"), make_user("loved_one", name="Sam")
    connection = make_connection(jordan, sam, relationship="child" if setup == "child" else "partner",
                                 share=set() if setup == "amends not shared" else {"amends"})
    if setup != "no entry":
        entry = _entry(jordan, connection, status="made" if setup == "made already" else "listed")
        if setup == "court order":
            amends.save_safety(entry, {**SAFE, "safety_no_contact": True})
        if setup == "risk to them":
            amends.save_safety(entry, {**SAFE, "safety_harm_them": True})
    if setup.startswith("answered"):
        amends.set_openness(sam, jordan.id, {"answered no": "no", "answered yes": "yes",
                                             "answered not yet": "not_yet"}[setup], "")
    db.session.commit()
    actions = dashboard_for(sam).actions
    assert (["openness"] if asked else []) == [a.kind for a in actions]
    page = as_user(sam).get("/home").get_data(as_text=True)
    assert ("Are you open to an amends conversation with Jordan?" in page) is asked
    if asked:
        # Only the question: it leads to their own answer, says they may skip it, and suggests no contact.
        assert f'href="/amends/openness/{jordan.id}"' in page and "Only if you want to" in actions[0].detail
    for action in actions:
        assert not any(word in (action.text + action.detail).lower() for word in ("call", "visit", "talk to", "plan"))


@pytest.mark.parametrize("answer", ["no", "not_yet"])
def test_after_no_the_person_is_never_offered_contact_on_their_home(app, make_user, make_connection, as_user, answer):
    """Their "no" (or "not yet") stops every suggestion of contact: the person's home offers none."""
    jordan, sam = make_user("person", name="Jordan"), make_user("loved_one", name="Sam")
    connection = make_connection(jordan, sam, share={"amends"})
    _entry(jordan, connection)
    amends.set_openness(sam, jordan.id, answer, "")
    db.session.commit()
    page = as_user(jordan).get("/home").get_data(as_text=True)
    assert "Mend won't suggest contact about amends" in page
    assert "/talk/scripts/making-an-amends" not in page and "Plan what I'll say" not in page
    assert "openness" not in [a.kind for a in dashboard_for(sam).actions]


def test_the_loved_ones_path_has_steps_about_themselves(app, make_user, make_connection, as_user):
    """Their own boundary, a trust check-in and support for themselves are steps; support is for any time."""
    sam = make_user("loved_one")
    dash = dashboard_for(sam)
    assert [s.step.key for s in dash.path] == ["connect", "boundary", "share", "trust", "talk", "support"]
    support = dash.path[-1]
    assert support.step.any_time and not support.done
    page = as_user(sam).get("/home").get_data(as_text=True)
    assert "Write one boundary for yourself" in page and 'href="/help#ongoing"' in page
    assert 'id="ongoing"' in as_user(sam).get("/help").get_data(as_text=True)
    # A step for any time never blocks the path from being done, and is never the one main button.
    jordan = make_user("person")
    connection = make_connection(jordan, sam)
    circle.set_sharing(sam, connection, {"boundaries"})
    boundaries.create_boundary(sam, "money", Words("When you ask for money", "I will say no for now.", ""))
    from recovery.trust.models import TrustCheckIn
    db.session.add(TrustCheckIn(owner_id=sam.id, person_id=jordan.id, local_date=commitments.today_for(sam),
                                predictability=3, dependability=3, faith=3, note=""))
    db.session.flush()
    assert dashboard_for(sam).next_step.step.key == "talk"
    from recovery.conversations import services as talks
    talks.start_plan(sam, "stating-a-boundary")
    db.session.commit()
    dash = dashboard_for(sam)
    assert dash.path_done and dash.next_step is None
    page = as_user(sam).get("/home").get_data(as_text=True)
    assert "Looking after yourself" in page and "Every step done so far" in page and "Your boundaries" in page


def test_due_check_ins_are_the_persons_one_main_action(app, make_user, make_connection, as_user):
    """With check-ins due today, the path's next step is offered quietly, not as a second main button."""
    jordan = make_user("person")
    make_connection(jordan, make_user("loved_one"), share={"tracker"})
    today = commitments.today_for(jordan)
    commitments.create_commitment(jordan, "Walk", "", commitments.ScheduleInput("daily"), today, today=today)
    db.session.commit()
    dash = dashboard_for(jordan)
    assert dash.primary == "today" and dash.next_step.step.key == "checkin"
    page = as_user(jordan).get("/home").get_data(as_text=True)
    assert _primary_buttons(page) == []
    assert 'class="button small" href="/tracker/today"' in page


def test_loved_ones_home_costs_the_same_for_one_or_four_people(app, make_user, make_connection):
    """Everything in "Waiting for you" loads in a fixed number of queries, however many people."""
    sam = make_user("loved_one")

    def add_person():
        person = make_user("person")
        connection = make_connection(person, sam, share={"tracker", "boundaries", "amends"})
        _waiting_days(person)
        boundaries.create_boundary(person, "time", Words("If I'm invited", "I will leave early.", ""))
        _entry(person, connection)
        db.session.commit()

    def count():
        return count_selects(lambda: dashboard_for(db.session.get(User, sam.id)))

    add_person()
    one = count()
    for _ in range(3):
        add_person()
    assert count() == one
    assert _kinds(sam) == ["confirm"] * 4 + ["boundary"] * 4 + ["openness"] * 4
