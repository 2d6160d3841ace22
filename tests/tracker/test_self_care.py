"""A loved one's self-care (issue 18, item 6): their own commitments on the tracker's engine, in their words.

Private by default; shared with the person through the "self_care" area of the door, read-only, with an
access-log line and no "I saw this". The recovery journey and amends links stay the person's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import render_template

from recovery.circle import services as circle
from recovery.circle.models import AccessLogEntry
from recovery.circle.permissions import AREAS, areas_for_role
from recovery.db import db
from recovery.errors import NotFound, Refused
from recovery.tracker import celebrations, checkins, commitments, journey, pages
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import DAILY, WEEKDAYS, WEEKLY, CheckIn, Commitment, Confirmation
from tests import factories
from tests.conftest import row_counts
from tests.forms import choices_of, form_data, forms_in
from tests.queries import captured_statements

TODAY = date(2025, 3, 12)  # a Wednesday


@pytest.fixture
def family(app):
    """Jordan (the person in recovery) shares the tracker with Sam (a loved one); Sam shares nothing yet."""
    return factories.jordans_circle(("Sam", {"share": {"tracker"}}))


def _self_care(sam, title="Walk with a friend", days_ago=5, **kwargs):
    """A daily self-care commitment of Sam's that started some days ago (as if made back then)."""
    today = commitments.today_for(sam)
    start = today - timedelta(days=days_ago)
    c = commitments.create_commitment(sam, title, "", ScheduleInput(DAILY), start, today=start, **kwargs)
    db.session.commit()
    return c


def _share_self_care(sam, connection):
    circle.set_sharing(sam, connection, {"self_care"})
    db.session.commit()


def _press(client, page: str, commitment_id: int, status: str, action_start: str | None = None) -> object:
    """Check in through the page's own form for this commitment, pressing one of its buttons."""
    start = action_start or f"/tracker/commitments/{commitment_id}/checkin"
    form = next(f for f in forms_in(page) if f.action.startswith(start))
    data = form_data(page, action=form.action)
    assert f'name="c{commitment_id}-status" value="{status}"' in page
    data[f"c{commitment_id}-status"] = status  # the button pressed
    return client.post(form.action, data=data)


# --- Services ------------------------------------------------------------------------------------------------


def test_a_loved_one_keeps_commitments_on_the_same_engine(app, make_user):
    """Create, check in, score, pause and archive a loved one's own commitment, as for the person's."""
    sam = make_user("loved_one", name="Sam")
    start = TODAY - timedelta(days=14)
    c = commitments.create_commitment(sam, " Walk with a friend ", "Fresh air", ScheduleInput(WEEKLY, times_per_week=2),
                                      start, today=start)
    assert (c.owner_id, c.title, c.private, c.amends_id) == (sam.id, "Walk with a friend", False, None)
    for back in (1, 3, 8, 10):
        day = TODAY - timedelta(days=back)
        checkins.record_checkin(c, day, "kept", today=day)  # each on its own day
    view = pages.overview(sam, TODAY)
    assert [s.commitment.id for s in view.summaries] == [c.id]
    summary = view.summaries[0]
    assert summary.settled >= 2 and (summary.kept > 0 or summary.score > 0) and summary.streaks.best >= 1
    assert any(d.due for week in view.heatmap for d in week)
    commitments.change_status(c, "pause", today=TODAY)
    assert not commitments.is_due(c, TODAY)
    commitments.change_status(c, "resume", today=TODAY)
    commitments.change_status(c, "archive", today=TODAY)
    assert pages.overview(sam, TODAY).archived == [c]


def test_a_loved_ones_commitment_can_concern_only_their_own_connection_and_never_an_amends(app, family, make_user):
    """The connection it concerns must be one of the loved one's; an amends link is the person's alone."""
    jordan, sam, with_sam = family
    other = factories.make_connection(make_user("person"), make_user("loved_one"))
    mine = commitments.create_commitment(sam, "Lunch with Jordan", "", ScheduleInput(DAILY), TODAY,
                                         connection_id=with_sam.id, today=TODAY)
    assert mine.connection_id == with_sam.id
    with pytest.raises(Refused) as refused:
        commitments.create_commitment(sam, "X", "", ScheduleInput(DAILY), TODAY, connection_id=other.id, today=TODAY)
    assert refused.value.field == "connection_id"
    from recovery.amends import services as amends

    entry = amends.create_entry(jordan, amends.EntryInput("Sam", with_sam.id, "", "what", "", "", "direct",
                                                          "willing", "listed", "", None))
    with pytest.raises(Refused, match="amends") as refused:
        commitments.update_commitment(mine, "Lunch", "", ScheduleInput(DAILY), None, None, False, today=TODAY,
                                      amends_id=entry.id)
    assert refused.value.field == "amends_id"


def test_the_recovery_journey_stays_the_persons(app, make_user):
    """Setbacks belong to the person in recovery, whatever a loved one keeps on their own tracker."""
    sam = make_user("loved_one")
    with pytest.raises(Refused):
        journey.log_setback(sam, TODAY, "x", "y", today=TODAY)


def test_what_the_person_may_see_of_a_loved_ones_self_care(app, family, make_user):
    """Shared self-care shows the loved one's commitments that aren't private, archived or about someone else."""
    jordan, sam, with_sam = family
    alex = make_user("person", name="Alex")
    with_alex = factories.make_connection(alex, sam)
    shown = _self_care(sam, "Walk with a friend")
    about_jordan = _self_care(sam, "Lunch with Jordan", connection_id=with_sam.id)
    _self_care(sam, "Just mine", private=True)
    _self_care(sam, "About Alex", connection_id=with_alex.id)
    archived = _self_care(sam, "Old habit")
    commitments.change_status(archived, "archive")
    jordans = _self_care(jordan, "Home by 10 pm")  # the person's own: never part of Sam's self-care
    ids = {c.id for c in commitments.shared_commitments(with_sam, sam.id)}
    assert ids == {shown.id, about_jordan.id}
    # The person's tracker, as the loved one sees it, is unchanged: only the person's commitments.
    assert {c.id for c in commitments.shared_commitments(with_sam)} == {jordans.id}
    # An owner outside the connection matches nothing.
    assert commitments.shared_commitments(with_sam, alex.id) == []


def test_the_door_pass_for_self_care_opens_only_self_care(app, family):
    """A pass to the loved one's self-care loads it; a pass to another area, or the person's tracker, doesn't."""
    jordan, sam, with_sam = family
    _share_self_care(sam, with_sam)
    c = _self_care(sam)
    right = factories.door_pass(jordan, with_sam, "self_care")
    assert commitments.load_shared_commitment(right, c.id) == c
    assert [s.commitment for s in pages.shared_overview(right, commitments.today_for(sam)).summaries] == [c]
    for area in ("tracker", "boundaries", "trust"):
        with pytest.raises(NotFound):
            commitments.load_shared_commitment(factories.door_pass(jordan, with_sam, area), c.id)
    # Sam's pass to Jordan's tracker never opens Sam's own commitment as if it were Jordan's.
    with pytest.raises(NotFound):
        commitments.load_shared_commitment(factories.door_pass(sam, with_sam, "tracker"), c.id)
    # And a confirmation ("I saw this") is for the person's check-ins only.
    checkin = checkins.record_checkin(c, commitments.today_for(sam), "kept")
    with pytest.raises(NotFound):
        checkins.confirm(factories.door_pass(jordan, with_sam, "tracker"), checkin.id, "saw")


def test_self_care_is_a_sharing_area_for_loved_ones_only(app, family):
    """Self-care is a loved one's to share (the person's commitments are their "tracker")."""
    jordan, sam, with_sam = family
    assert AREAS["self_care"].label == "Self-care"
    assert "self_care" in {a.key for a in areas_for_role("loved_one")}
    assert "self_care" not in {a.key for a in areas_for_role("person")}
    with pytest.raises(Refused):
        circle.set_sharing(jordan, with_sam, {"self_care"})
    with pytest.raises(Refused):
        circle.set_sharing(sam, with_sam, {"tracker"})


def test_a_first_week_kept_is_told_in_self_care_words(app, make_user):
    """The moment after a loved one's first week kept speaks of looking after themselves, not of trust."""
    sam = make_user("loved_one")
    c = commitments.create_commitment(sam, "Walk", "", ScheduleInput(DAILY), TODAY - timedelta(days=6),
                                      today=TODAY - timedelta(days=6))
    for back in range(1, 7):
        checkins.record_checkin(c, TODAY - timedelta(days=back), "kept", today=TODAY)
    before = celebrations.first_week_kept(c, TODAY)
    checkins.record_checkin(c, TODAY, "kept", today=TODAY)
    words = celebrations.moment_after_checkin(c, before, TODAY)
    assert "first 7 days of “Walk”" in words and "Taking care of yourself" in words and "trust" not in words


# --- The loved one's home: their self-care today ------------------------------------------------------------


def test_the_home_loader_lists_what_is_due_today_in_two_queries(app, make_user):
    """Due self-care (not paused, not a weekly target already met) in at most two queries; one with none."""
    sam = make_user("loved_one")
    empty_today = commitments.today_for(sam)
    with captured_statements() as statements:
        empty = pages.self_care_home(sam, empty_today)
    assert (empty.due, empty.has_commitments, len(statements)) == ([], False, 1)
    walk = _self_care(sam, "Walk", days_ago=40)
    paused = _self_care(sam, "Paused", days_ago=40)
    commitments.change_status(paused, "pause")
    weekly = commitments.create_commitment(sam, "Swim", "", ScheduleInput(WEEKLY, times_per_week=1),
                                           empty_today - timedelta(days=40), today=empty_today - timedelta(days=40))
    checkins.record_checkin(weekly, empty_today, "kept")  # today's answer: still listed, to change it
    db.session.commit()
    db.session.expire_all()
    db.session.refresh(sam)  # the signed-in user is loaded already on a real page
    with captured_statements() as statements:
        home = pages.self_care_home(sam, empty_today)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 2
    assert home.has_commitments and [s.commitment.title for s in home.due] == ["Swim", "Walk"]
    assert home.due[0].today_status == "kept" and home.statuses["kept"] == "Kept"
    assert walk.id in {s.commitment.id for s in home.due}


def _home_partial(sam) -> str:
    return render_template("tracker/_self_care_home.html", dash=SimpleNamespace(self_care=pages.self_care_home(sam)))


def test_the_home_partial_checks_in_and_comes_back_home(app, make_user, as_user):
    """The partial's buttons check in on the loved one's home; with nothing yet, it offers a first one."""
    sam = make_user("loved_one", name="Sam")
    with app.test_request_context():
        html = _home_partial(sam)
    assert "Add a self-care commitment" in html and "/tracker/commitments/new" in html
    c = _self_care(sam, "Walk with a friend")
    with app.test_request_context():
        html = _home_partial(sam)
        assert render_template("tracker/_self_care_home.html", dash=SimpleNamespace()).strip() == ""
    assert "Your self-care today" in html and "Walk with a friend" in html
    r = _press(as_user(sam), html, c.id, "partly")
    assert r.status_code == 302 and r.headers["Location"].endswith("/home")
    assert db.session.scalar(sa.select(CheckIn.status).where(CheckIn.commitment_id == c.id)) == "partly"


# --- Pages ---------------------------------------------------------------------------------------------------


def test_a_loved_one_adds_self_care_and_checks_in_from_the_pages(app, family, as_user):
    """Sam fills the form from the page, checks in from Today, and sees the score, the calendar and the streaks."""
    _, sam, with_sam = family
    client = as_user(sam)
    page = client.get("/tracker/commitments/new").get_data(as_text=True)
    assert "A new self-care commitment" in page and 'name="amends_id"' not in page
    assert "share your self-care" in page and "Walk with a friend" in page
    assert choices_of(page, "connection_id") == {"", str(with_sam.id)}
    today = commitments.today_for(sam)
    r = client.post("/tracker/commitments/new", data=form_data(
        page, title="Walk with a friend", why="Fresh air", kind="weekly", times_per_week="2",
        start_date=today.isoformat()))
    assert r.status_code == 302
    c = db.session.scalar(sa.select(Commitment).where(Commitment.owner_id == sam.id))
    assert (c.title, c.schedules[0].kind, c.schedules[0].times_per_week) == ("Walk with a friend", WEEKLY, 2)
    assert "Taking care of yourself matters too" in client.get(r.headers["Location"]).get_data(as_text=True)

    page = client.get("/tracker/today").get_data(as_text=True)
    assert "Walk with a friend" in page and "A small win" not in page and "Milestones" not in page
    r = _press(client, page, c.id, "kept")
    assert r.status_code == 302 and r.headers["Location"].endswith("/tracker/today")
    assert "looking after yourself counts" in client.get("/tracker/today").get_data(as_text=True)

    overview = client.get("/tracker/").get_data(as_text=True)
    assert "<h1>My self-care</h1>" in overview and "<title>My self-care · Mend</title>" in overview
    assert "Walk with a friend" in overview and "heatmap" in overview and "Overall consistency" in overview
    detail = client.get(f"/tracker/commitments/{c.id}").get_data(as_text=True)
    assert "My self-care</a> › Walk with a friend" in detail and "best run" in detail
    assert "Confirmed by loved ones" not in detail


def test_a_loved_one_changes_pauses_archives_and_notes_through_the_pages(app, family, as_user):
    """Every self-care action goes through the page's own forms and buttons."""
    _, sam, _ = family
    c = _self_care(sam)
    client = as_user(sam)
    url = f"/tracker/commitments/{c.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="amends_id"' not in page
    r = client.post(url, data=form_data(page, title="Walk with Dana", kind="weekdays", weekdays=["1", "3"],
                                        private="y"))
    assert r.status_code == 302
    db.session.refresh(c)
    assert (c.title, c.private) == ("Walk with Dana", True)
    for action in ("pause", "resume", "archive", "restore"):
        page = client.get(f"/tracker/commitments/{c.id}").get_data(as_text=True)
        target = f"/tracker/commitments/{c.id}/{action}"
        assert client.post(target, data=form_data(page, action=target)).status_code == 302
        db.session.refresh(c)
    assert c.status == "active"
    day = commitments.today_for(sam) - timedelta(days=2)
    checkin = checkins.record_checkin(_self_care(sam, "Read"), day, "kept")
    db.session.commit()
    page = client.get(f"/tracker/commitments/{checkin.commitment_id}/days/{day.isoformat()}").get_data(as_text=True)
    r = _press(client, page, checkin.commitment_id, "partly")
    assert r.status_code == 302
    db.session.refresh(checkin)
    assert checkin.status == "partly"


@pytest.mark.parametrize(("change", "message"), [
    ({"title": ""}, "say what you"),
    ({"title": "x" * 10_000}, "120 characters"),
    ({"why": "x" * 10_000}, "1,000 characters"),
    ({"kind": "hourly"}, "Please choose one of the options shown"),
    ({"kind": "weekdays"}, "at least one day"),
    ({"kind": "weekly", "times_per_week": "9"}, "between 1 and 7"),
    ({"kind": "once"}, "choose the date"),
    ({"start_date": "yesterday-ish"}, "Please enter a date"),
    ({"start_date": "2001-01-01"}, "last week up to a year ahead"),
    ({"connection_id": "99999"}, "Please choose one of the options shown"),
])
def test_self_care_form_bad_input(app, family, as_user, change, message):
    """Bad input shows the self-care form again with a clear message, keeps the typing, saves nothing."""
    _, sam, _ = family
    client = as_user(sam)
    page = client.get("/tracker/commitments/new").get_data(as_text=True)
    data = form_data(page, title="Walk with a friend", why="kept words", kind="daily",
                     start_date=commitments.today_for(sam).isoformat())
    data.update(change)  # some are what no form offers, as a crafted post would be
    before = row_counts()
    r = client.post("/tracker/commitments/new", data=data)
    body = r.get_data(as_text=True).replace("&#39;", "'")
    assert r.status_code == 422
    assert message.lower() in body.lower()
    assert "A new self-care commitment" in body and 'name="amends_id"' not in body
    if "why" not in change:
        assert "kept words" in body
    assert row_counts() == before


def test_a_crafted_amends_link_on_self_care_is_ignored(app, family, as_user):
    """A post naming the person's amends entry saves the loved one's commitment with no amends link."""
    jordan, sam, with_sam = family
    from recovery.amends import services as amends

    entry = amends.create_entry(jordan, amends.EntryInput("Sam", with_sam.id, "", "what", "", "", "direct",
                                                          "willing", "listed", "", None))
    db.session.commit()
    client = as_user(sam)
    page = client.get(f"/tracker/commitments/new?amends={entry.id}").get_data(as_text=True)
    data = form_data(page, title="Walk", kind="daily")
    data["amends_id"] = str(entry.id)  # no such field on the page: as a crafted post would send it
    assert client.post("/tracker/commitments/new", data=data).status_code == 302
    assert db.session.scalar(sa.select(Commitment.amends_id).where(Commitment.owner_id == sam.id)) is None


def test_the_menu_and_headings_name_it_self_care_for_a_loved_one_and_tracker_for_the_person(app, family, as_user):
    """One name per thing: "Self-care" on every loved one's page, "Tracker" for the person, as before."""
    jordan, sam, _ = family
    loved = as_user(sam).get("/tracker/today").get_data(as_text=True)
    assert ">Self-care</a>" in loved and ">Tracker</a>" not in loved and 'aria-label="Self-care"' in loved
    person = as_user(jordan).get("/tracker/today").get_data(as_text=True)
    assert ">Tracker</a>" in person and ">Self-care</a>" not in person and ">Milestones</a>" in person
    assert "<h1>Tracker</h1>" in as_user(jordan).get("/tracker/").get_data(as_text=True)
    assert "No self-care commitments yet" in as_user(sam).get("/tracker/").get_data(as_text=True)


# --- Sharing with the person ----------------------------------------------------------------------------------


def test_private_by_default_and_shared_read_only_through_the_door(app, family, as_user):
    """Until Sam shares self-care Jordan gets 404; after, a read-only page, an access-log line, no "I saw this"."""
    jordan, sam, with_sam = family
    c = _self_care(sam, "Walk with a friend")
    hidden = _self_care(sam, "Just mine", private=True)
    checkin = checkins.record_checkin(c, commitments.today_for(sam) - timedelta(days=1), "kept", "by the river")
    db.session.commit()
    person = as_user(jordan)
    urls = [f"/circle/{with_sam.id}/self_care", f"/tracker/shared/{with_sam.id}/commitments/{c.id}"]
    before = row_counts()
    for url in urls:
        assert person.get(url).status_code == 404, url
    assert row_counts() == before

    # Sam shares self-care from the circle page's own form.
    loved = as_user(sam)
    page = loved.get("/circle/").get_data(as_text=True)
    action = f"/circle/{with_sam.id}/sharing"
    assert "self_care" in choices_of(page, f"c{with_sam.id}-areas", action=action) and "Self-care" in page
    assert loved.post(action, data=form_data(page, action=action, **{f"c{with_sam.id}-areas": ["self_care"]})
                      ).status_code == 302

    area = person.get(urls[0]).get_data(as_text=True).replace("&#39;", "'")
    assert "Sam's self-care" in area and "Walk with a friend" in area and "Just mine" not in area
    assert "can see when you look" in area and "Did you see these?" not in area
    detail = person.get(urls[1]).get_data(as_text=True)
    assert "by the river" in detail and "I saw this" not in detail and "Confirmed by loved ones" not in detail
    assert not [f for f in forms_in(detail) if "/confirm" in f.action or "/checkin" in f.action]
    assert person.get(f"/tracker/shared/{with_sam.id}/commitments/{hidden.id}").status_code == 404
    logged = db.session.scalars(sa.select(AccessLogEntry.area).where(AccessLogEntry.owner_id == sam.id,
                                                                     AccessLogEntry.viewer_id == jordan.id)).all()
    assert logged == ["self_care"]
    assert "self-care" in as_user(sam).get("/circle/access-log").get_data(as_text=True).lower()

    # Read-only: none of Sam's own pages or actions open for Jordan, and no confirmation is possible.
    before = row_counts()
    for url in (f"/tracker/commitments/{c.id}", f"/tracker/commitments/{c.id}/edit",
                f"/tracker/commitments/{c.id}/days/{checkin.local_date.isoformat()}"):
        assert person.get(url).status_code == 404, url
    for url, data in ((f"/tracker/commitments/{c.id}/checkin", {f"c{c.id}-day": checkin.local_date.isoformat(),
                                                                 f"c{c.id}-status": "missed"}),
                      (f"/tracker/commitments/{c.id}/pause", {}),
                      (f"/tracker/checkins/{checkin.id}/note", {"body": "x"}),
                      (f"/tracker/shared/{with_sam.id}/checkins/{checkin.id}/confirm",
                       {f"k{checkin.id}-verdict": "saw"})):
        assert person.post(url, data=data).status_code == 404, url
    assert row_counts() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Confirmation)) == 0


def test_the_persons_tracker_and_a_loved_ones_self_care_never_mix(app, family, as_user):
    """Both shared both ways: each sees only the other's commitments, each through its own area."""
    jordan, sam, with_sam = family
    _share_self_care(sam, with_sam)
    jordans = _self_care(jordan, "Home by 10 pm")
    sams = _self_care(sam, "Walk with a friend")
    theirs = as_user(jordan).get(f"/circle/{with_sam.id}/self_care").get_data(as_text=True)
    assert "Walk with a friend" in theirs and "Home by 10 pm" not in theirs
    his = as_user(sam).get(f"/circle/{with_sam.id}/tracker").get_data(as_text=True)
    assert "Home by 10 pm" in his and "Walk with a friend" not in his
    assert as_user(sam).get(f"/tracker/shared/{with_sam.id}/commitments/{sams.id}").status_code == 404
    assert as_user(jordan).get(f"/tracker/shared/{with_sam.id}/commitments/{jordans.id}").status_code == 404
    # The loved one's home still reads only the person's tracker.
    cards = pages.loved_one_dashboard(sam, [with_sam])
    assert cards[with_sam.id].commitments == 1


def test_another_family_gets_404_on_a_loved_ones_self_care(app, family, make_user, as_user):
    """Two families, everything shared in each: every self-care URL with the other family's ids is 404."""
    jordan, sam, with_sam = family
    _share_self_care(sam, with_sam)
    c = _self_care(sam)
    checkin = checkins.record_checkin(c, commitments.today_for(sam), "kept")
    db.session.commit()
    other_person, other_loved = make_user("person"), make_user("loved_one")
    other = factories.make_connection(other_person, other_loved, share={"tracker"}, loved_one_shares={"self_care"})
    clients = (as_user(other_person), as_user(other_loved))
    before = row_counts()
    for client in clients:
        for url in (f"/tracker/commitments/{c.id}", f"/tracker/commitments/{c.id}/edit",
                    f"/tracker/commitments/{c.id}/days/{checkin.local_date.isoformat()}",
                    f"/tracker/shared/{other.id}/commitments/{c.id}",
                    f"/tracker/shared/{with_sam.id}/commitments/{c.id}",
                    f"/circle/{with_sam.id}/self_care"):
            assert client.get(url).status_code == 404, url
        for url in (f"/tracker/commitments/{c.id}/checkin", f"/tracker/commitments/{c.id}/archive",
                    f"/tracker/checkins/{checkin.id}/note",
                    f"/tracker/shared/{other.id}/checkins/{checkin.id}/confirm"):
            assert client.post(url, data={"body": "x", f"k{checkin.id}-verdict": "saw",
                                          f"c{c.id}-status": "missed"}).status_code == 404, url
    assert row_counts() == before
    assert "Walk with a friend" not in as_user(other_person).get(f"/circle/{other.id}/self_care").get_data(as_text=True)


def test_a_paused_connection_hides_shared_self_care(app, family, as_user):
    """Pausing the connection closes the door to self-care on the next request, like every area."""
    jordan, sam, with_sam = family
    _share_self_care(sam, with_sam)
    _self_care(sam)
    person = as_user(jordan)
    assert person.get(f"/circle/{with_sam.id}/self_care").status_code == 200
    circle.pause_connection(sam, with_sam)
    db.session.commit()
    assert person.get(f"/circle/{with_sam.id}/self_care").status_code == 404


# --- The daily reminder ---------------------------------------------------------------------------------------


def _daily(user, hour: int = 18):
    from recovery.notifications import services as notifications

    notifications.save_settings(user, by_email=True, daily_on=True, daily_time=time(hour, 0), weekly_on=False,
                                weekly_day=6, circle_on=True, quiet_start=None, quiet_end=None, full_wording=False,
                                calendar_alarm=False)
    db.session.commit()


def _run(moments) -> None:
    from recovery.notifications import services as notifications

    for moment in moments:
        notifications.make_due(moment)
        notifications.deliver(moment)
        db.session.commit()


def _kinds(user) -> list[tuple[str, str]]:
    from recovery.notifications.models import Notification

    return [(n.kind, n.key) for n in db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def test_a_loved_one_with_an_open_self_care_check_in_gets_the_daily_reminder_once(app):
    """An open self-care check-in at the chosen time: one reminder that day; none once it is checked in."""
    from datetime import UTC

    sam = factories.make_user("loved_one", timezone="UTC")
    today = date(2026, 6, 10)
    walk = commitments.create_commitment(sam, "Walk", "", ScheduleInput(DAILY), today - timedelta(days=3),
                                         today=today - timedelta(days=3))
    db.session.commit()
    _daily(sam, 18)
    start = datetime(2026, 6, 10, 17, 0, tzinfo=UTC)
    _run([start, start + timedelta(hours=1), start + timedelta(hours=2), start + timedelta(hours=3)])
    assert _kinds(sam) == [("reminder", "2026-06-10")]
    # The next day Sam checks in before the chosen time: nothing then.
    checkins.record_checkin(walk, today + timedelta(days=1), "kept", today=today + timedelta(days=1))
    db.session.commit()
    _run([start + timedelta(days=1, hours=1, minutes=5)])
    assert _kinds(sam) == [("reminder", "2026-06-10")]


def test_a_loved_one_hears_about_their_check_in_and_what_waits_each_once(app):
    """Self-care still open and a day waiting for their word: one reminder and one "waiting" that day, no more;
    the person's reminder is as before."""
    from datetime import UTC

    from recovery.timezones import local_today

    jordan, sam, with_sam = factories.jordans_circle(("Sam", {"share": {"tracker"}}))
    today = local_today("UTC")
    home = commitments.create_commitment(jordan, "Home by 10", "", ScheduleInput(DAILY), today - timedelta(days=3),
                                         today=today - timedelta(days=3))
    checkins.record_checkin(home, today - timedelta(days=1), "kept", today=today)
    commitments.create_commitment(sam, "Walk", "", ScheduleInput(DAILY), today - timedelta(days=3),
                                  today=today - timedelta(days=3))
    db.session.commit()
    _daily(sam, 0)
    _daily(jordan, 0)
    moment = datetime.combine(today, time(0, 5), UTC)
    _run([moment, moment + timedelta(hours=2), moment + timedelta(hours=5)])
    assert sorted(_kinds(sam)) == [("reminder", today.isoformat()), ("waiting", today.isoformat())]
    assert _kinds(jordan) == [("reminder", today.isoformat())]


def test_a_loved_one_without_self_care_hears_only_what_waits(app):
    """With nothing of their own due, a loved one's daily message is "waiting" alone, as before."""
    from datetime import UTC

    from recovery.timezones import local_today

    jordan, sam, _ = factories.jordans_circle(("Sam", {"share": {"tracker"}}))
    today = local_today("UTC")
    home = commitments.create_commitment(jordan, "Home by 10", "", ScheduleInput(DAILY), today - timedelta(days=3),
                                         today=today - timedelta(days=3))
    checkins.record_checkin(home, today - timedelta(days=1), "kept", today=today)
    commitments.create_commitment(sam, "Swim on Mondays", "", ScheduleInput(WEEKDAYS, weekdays=frozenset(
        {(today.weekday() + 1) % 7})), today - timedelta(days=3), today=today - timedelta(days=3))
    db.session.commit()
    _daily(sam, 0)
    moment = datetime.combine(today, time(0, 5), UTC)
    _run([moment, moment + timedelta(hours=2)])
    assert _kinds(sam) == [("waiting", today.isoformat())]


def test_the_self_care_pages_read_at_grade_8_or_below(app, family, as_user):
    """Plain words: each self-care page's main text, as Sam and as Jordan read it, is at grade 8 or below."""
    import re

    import textstat

    from tests.test_words import problems, visible_text

    jordan, sam, with_sam = family
    _share_self_care(sam, with_sam)
    c = _self_care(sam, "Walk with a friend")
    checkins.record_checkin(c, commitments.today_for(sam) - timedelta(days=1), "kept", "We walked by the river.")
    db.session.commit()
    visits = [(sam, url) for url in ("/tracker/", "/tracker/today", "/tracker/commitments/new",
                                     f"/tracker/commitments/{c.id}", f"/tracker/commitments/{c.id}/edit")]
    visits += [(jordan, f"/circle/{with_sam.id}/self_care"),
               (jordan, f"/tracker/shared/{with_sam.id}/commitments/{c.id}")]
    for who, url in visits:
        html = as_user(who).get(url).get_data(as_text=True)
        main = re.search(r"<main.*?</main>", html, re.S).group(0)
        text = visible_text(main).replace(" | ", ". ")
        assert textstat.flesch_kincaid_grade(text) <= 8, (url, textstat.flesch_kincaid_grade(text))
        assert not problems(visible_text(html)), (url, problems(visible_text(html)))


def test_a_loved_ones_self_care_is_in_their_export_and_goes_with_their_account(app, family):
    """Export and deletion: Sam's self-care is Sam's own data, in Sam's export and never in Jordan's."""
    from recovery import yourdata

    jordan, sam, with_sam = family
    _share_self_care(sam, with_sam)
    c = _self_care(sam, "Walk with a friend")
    checkins.record_checkin(c, commitments.today_for(sam), "kept", "By the river")
    db.session.commit()
    mine = yourdata.export(sam)["tracker"]
    assert [row["title"] for row in mine["commitments"]] == ["Walk with a friend"]
    assert [row["note"] for row in mine["checkins"]] == ["By the river"]
    assert "Walk with a friend" not in str(yourdata.export(jordan))
    sam_id = sam.id
    yourdata.delete_account(sam, factories.PASSWORD, "DELETE")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Commitment)
                             .where(Commitment.owner_id == sam_id)) == 0
    assert row_counts()["checkins"] == 0
