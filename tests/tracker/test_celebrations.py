"""Moments worth celebrating: a milestone, a first week kept, a loved one's first "I saw this", a boundary heard.

Service tests for each kind (and what must not count: a missed day, anything older than a day, another
family's events), the query count, then the pages: the flashed moment after the check-in that completes a
first week, and the homes' "Worth celebrating"."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from recovery.accounts.models import PERSON
from recovery.boundaries import services as boundaries
from recovery.boundaries.models import BoundaryAck
from recovery.boundaries.services import Words
from recovery.circle import services as circle
from recovery.dashboards.services import dashboard_for
from recovery.db import db, utcnow
from recovery.tracker import celebrations, checkins, commitments
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import DAILY, WEEKDAYS, WEEKLY, CheckIn, Confirmation
from tests import factories
from tests.forms import form_data, forms_in
from tests.queries import captured_statements, count_selects


@pytest.fixture
def family(app):
    return factories.jordans_circle(("Sam", {"share": {"tracker", "milestones", "boundaries"}}))


def _daily(person, title="Call home", days_ago=6, kept=(), partly=(), missed=()):
    """A daily commitment that started `days_ago`, with check-ins `back` days ago for each number given."""
    today = commitments.today_for(person)
    start = today - timedelta(days=days_ago)
    c = commitments.create_commitment(person, title, "", ScheduleInput(DAILY), start, today=start)
    for status, backs in (("kept", kept), ("partly", partly), ("missed", missed)):
        db.session.add_all(CheckIn(commitment_id=c.id, local_date=today - timedelta(days=b), status=status)
                           for b in backs)
    db.session.commit()
    return c


def _kinds(user, **kwargs):
    return [(m.kind, m.title) for m in celebrations.celebrations_for(user, **kwargs)]


def _texts(items) -> str:
    return " | ".join(f"{m.title}: {m.text}" for m in items)


# --- A first week kept --------------------------------------------------------------------------------------


def test_the_seventh_kept_day_is_a_first_week_kept(app, family):
    """Six kept days are not yet a week; the seventh (kept or partly) is, and names the commitment."""
    person, *_ = family
    c = _daily(person, kept=(6, 5, 4, 3, 2), partly=(1,))
    assert celebrations.celebrations_for(person) == []
    assert not celebrations.first_week_kept(c)
    db.session.add(CheckIn(commitment_id=c.id, local_date=commitments.today_for(person), status="kept"))
    db.session.flush()
    found = celebrations.celebrations_for(person)
    assert [m.kind for m in found] == ["first_week"]
    assert "You kept the first 7 days of “Call home”" in found[0].text
    assert celebrations.first_week_kept(c)


@pytest.mark.parametrize("gap", ["missed", "no check-in"])
def test_a_missed_or_empty_day_means_no_first_week(app, family, gap):
    """A missed day among the first 7 due days, or one left without a check-in, is not a first week kept."""
    person, *_ = family
    c = _daily(person, kept=(6, 5, 4, 2, 1, 0), missed=(3,) if gap == "missed" else ())
    assert celebrations.celebrations_for(person) == []
    assert not celebrations.first_week_kept(c)


def test_due_days_not_calendar_days(app, family):
    """For a commitment due on some weekdays, its first 7 due days count, however many calendar days they take."""
    person, *_ = family
    today = commitments.today_for(person)
    due = [today.weekday(), (today.weekday() + 2) % 7, (today.weekday() + 4) % 7]
    days, day = [], today
    while len(days) < 7:
        if day.weekday() in due:
            days.append(day)
        day -= timedelta(days=1)
    c = commitments.create_commitment(person, "Run", "", ScheduleInput(WEEKDAYS, weekdays=frozenset(due)), days[-1],
                                      today=days[-1])
    db.session.add_all(CheckIn(commitment_id=c.id, local_date=d, status="kept") for d in days)
    db.session.commit()
    assert [m.kind for m in celebrations.celebrations_for(person)] == ["first_week"]


def test_times_a_week_count_their_first_seven_times(app, family):
    """"3 times a week": the first 7 times kept, with each week's 3 done, is a first week kept, said as times."""
    person, *_ = family
    today = commitments.today_for(person)
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=2)
    c = commitments.create_commitment(person, "Walk", "", ScheduleInput(WEEKLY, times_per_week=3), monday,
                                      today=monday)
    kept = [monday + timedelta(days=d) for d in (0, 1, 2, 7, 8, 9)] + [today]
    db.session.add_all(CheckIn(commitment_id=c.id, local_date=d, status="kept") for d in kept)
    db.session.commit()
    found = celebrations.celebrations_for(person)
    assert [m.kind for m in found] == ["first_week"] and "the first 7 times of “Walk”" in found[0].text


def test_a_first_week_older_than_a_day_is_not_shown(app, family):
    """The last of the 7 check-ins was written 25 hours ago: the moment has passed."""
    person, *_ = family
    c = _daily(person, kept=(6, 5, 4, 3, 2, 1, 0))
    assert [m.kind for m in celebrations.celebrations_for(person)] == ["first_week"]
    db.session.execute(sa.update(CheckIn).where(CheckIn.commitment_id == c.id)
                       .values(updated_at=utcnow() - timedelta(hours=25), created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    assert celebrations.celebrations_for(person) == []


def test_a_first_week_long_ago_is_not_new_though_its_rows_are(app, family):
    """Check-ins change only within 7 days: a first week that ended a month ago is never "today's" moment,
    even when its rows were written just now (an import, the demo circle)."""
    person, *_ = family
    _daily(person, days_ago=40, kept=range(40, 33, -1))
    assert celebrations.celebrations_for(person) == []


def test_a_long_history_checked_in_today_is_no_first_week(app, family):
    """A commitment kept every day for 80 days, checked in today: its first week was long ago. (Its first 56
    check-ins are all before the edit window, so none of its history is read.) A new one beside it, with
    its seventh kept day today, is still celebrated."""
    person, *_ = family
    _daily(person, title="Long", days_ago=80, kept=range(80, -1, -1))
    assert celebrations.celebrations_for(person) == []
    _daily(person, title="New", kept=(6, 5, 4, 3, 2, 1, 0))
    found = celebrations.celebrations_for(person)
    assert [m.kind for m in found] == ["first_week"] and "“New”" in found[0].text


def test_changing_a_day_of_a_kept_first_week_says_nothing_new(app, family):
    """Once the first week is kept, checking in again (or changing a day) is not a new first week."""
    person, *_ = family
    c = _daily(person, kept=(6, 5, 4, 3, 2, 1))
    today = commitments.today_for(person)
    assert celebrations.moment_after_checkin(c, celebrations.first_week_kept(c)) is None
    before = celebrations.first_week_kept(c)
    checkins.record_checkin(c, today, "kept")
    assert "first 7 days of “Call home”" in celebrations.moment_after_checkin(c, before)
    before = celebrations.first_week_kept(c)
    checkins.record_checkin(c, today - timedelta(days=3), "partly")
    assert celebrations.moment_after_checkin(c, before) is None


# --- Milestones -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "title"), [(30, "Today is 30 days"), (31, None), (365, "Today is 1 year")])
def test_a_milestone_is_today(app, family, days, title):
    person, *_ = family
    person.recovery_start = commitments.today_for(person) - timedelta(days=days)
    db.session.commit()
    assert _kinds(person) == ([("milestone", title)] if title else [])


# --- A loved one's first "I saw this" ---------------------------------------------------------------------------


def _confirm(checkin, loved, verdict="saw", hours_ago=0):
    db.session.add(Confirmation(checkin_id=checkin.id, confirmer_id=loved.id, verdict=verdict,
                                created_at=utcnow() - timedelta(hours=hours_ago)))
    db.session.commit()


def _checkins(c):
    return list(db.session.scalars(sa.select(CheckIn).where(CheckIn.commitment_id == c.id)
                                   .order_by(CheckIn.local_date)))


def test_a_loved_ones_first_i_saw_this(app, family):
    """Sam's first "I saw this" is celebrated, by name; "I didn't see this" is not."""
    person, sam, _ = family
    c = _daily(person, kept=(2, 1))
    first, second = _checkins(c)
    _confirm(first, sam, verdict="not_seen")
    assert celebrations.celebrations_for(person) == []
    _confirm(second, sam)
    found = celebrations.celebrations_for(person)
    assert [m.kind for m in found] == ["first_confirmation"]
    assert "Sam said “I saw this” about one of your check-ins" in found[0].text


def test_only_the_first_i_saw_this_and_only_for_a_day(app, family):
    """A second "I saw this" is not a first; a first one 25 hours ago has passed."""
    person, sam, _ = family
    c = _daily(person, kept=(2, 1))
    first, second = _checkins(c)
    _confirm(first, sam, hours_ago=25)
    _confirm(second, sam)
    assert celebrations.celebrations_for(person) == []


# --- A boundary heard -----------------------------------------------------------------------------------------


def test_a_boundary_heard_for_either_owner(app, family):
    """"I understand and will respect this" is celebrated for the boundary's owner, person or loved one;
    "I'd like to talk about this" is not a celebration."""
    person, sam, _ = family
    mine = boundaries.create_boundary(person, "time", Words("people drink at a party", "leave by 9 pm"))
    theirs = boundaries.create_boundary(sam, "money", Words("you ask to borrow money", "say no for now"))
    boundaries.acknowledge(mine, sam, "acknowledged")
    boundaries.acknowledge(theirs, person, "talk")
    db.session.commit()
    person_moments = dashboard_for(person).celebrations
    assert [m.kind for m in person_moments] == ["boundary_heard"]
    assert "Sam said “I understand and will respect this”" in person_moments[0].text
    assert "about your boundary “If / when people drink at a party”." in person_moments[0].text
    assert dashboard_for(sam).celebrations == []
    boundaries.acknowledge(theirs, person, "acknowledged")
    db.session.commit()
    assert [m.text for m in dashboard_for(sam).celebrations] == [
        "Jordan said “I understand and will respect this” about your boundary “If / when you ask to borrow money”."]


def test_a_boundary_heard_passes_after_a_day_or_a_change(app, family):
    """An answer 25 hours old has passed; after the boundary changes, the old answer is not about its words."""
    person, sam, _ = family
    mine = boundaries.create_boundary(person, "time", Words("people drink at a party", "leave by 9 pm"))
    boundaries.acknowledge(mine, sam, "acknowledged")
    db.session.commit()
    assert len(dashboard_for(person).celebrations) == 1
    boundaries.revise(mine, "time", Words("people drink at a party", "leave by 8 pm"))
    db.session.commit()
    assert dashboard_for(person).celebrations == []
    boundaries.acknowledge(mine, sam, "acknowledged")
    db.session.execute(sa.update(BoundaryAck).values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    assert dashboard_for(person).celebrations == []


# --- Together -------------------------------------------------------------------------------------------------


def test_everything_at_once_milestone_first_then_newest(app, family):
    person, sam, _ = family
    person.recovery_start = commitments.today_for(person) - timedelta(days=7)
    c = _daily(person, kept=(6, 5, 4, 3, 2, 1, 0))
    _confirm(_checkins(c)[0], sam, hours_ago=1)
    mine = boundaries.create_boundary(person, "time", Words("people drink at a party", "leave by 9 pm"))
    boundaries.acknowledge(mine, sam, "acknowledged")
    db.session.commit()
    kinds = [m.kind for m in dashboard_for(person).celebrations]
    assert kinds[0] == "milestone" and sorted(kinds[1:]) == ["boundary_heard", "first_confirmation", "first_week"]
    assert kinds[-1] == "first_confirmation"  # an hour ago: older than the other two


def test_another_familys_moments_never_show(app):
    """Two families, each with every kind of moment today: each sees only its own."""
    seen = {}
    for name, loved_name in (("Jordan", "Sam"), ("Riley", "Alex")):
        person = factories.make_user(PERSON, name=name)
        loved = factories.make_user("loved_one", name=loved_name)
        factories.make_connection(person, loved, share={"tracker", "boundaries"}, loved_one_shares={"boundaries"})
        person.recovery_start = commitments.today_for(person) - timedelta(days=30)
        c = _daily(person, title=f"{name}'s walk", kept=(6, 5, 4, 3, 2, 1, 0))
        _confirm(_checkins(c)[0], loved)
        b = boundaries.create_boundary(person, "time", Words(f"{name} is at a party", "leave early"))
        boundaries.acknowledge(b, loved, "acknowledged")
        theirs = boundaries.create_boundary(loved, "money", Words(f"{name} asks for money", "say no"))
        boundaries.acknowledge(theirs, person, "acknowledged")
        db.session.commit()
        seen[name] = (person, loved)
    for name, other in (("Jordan", "Riley"), ("Riley", "Jordan")):
        person, loved = seen[name]
        mine, theirs = dashboard_for(person).celebrations, dashboard_for(loved).celebrations
        assert [m.kind for m in mine] == ["milestone", "first_week", "first_confirmation", "boundary_heard"] \
            or sorted(m.kind for m in mine[1:]) == ["boundary_heard", "first_confirmation", "first_week"]
        assert [m.kind for m in theirs] == ["boundary_heard"]
        text = _texts(mine) + _texts(theirs)
        assert f"{name}'s walk" in text and f"{name} asks for money" in text
        assert other not in text and seen[other][1].display_name not in text


def test_a_constant_number_of_queries(app, family):
    """The person's moments cost the same with one commitment completing its first week as with four."""
    person, sam, _ = family
    counts = []
    for n in (1, 4):
        user = factories.make_user(PERSON)
        loved = factories.make_user("loved_one")
        factories.make_connection(user, loved, share={"tracker"})
        for i in range(n):
            c = _daily(user, title=f"Promise {i}", kept=(6, 5, 4, 3, 2, 1, 0))
            _confirm(_checkins(c)[i], loved)
        found = []
        counts.append(count_selects(lambda u=user, f=found: f.extend(celebrations.celebrations_for(u))))
        assert len([m for m in found if m.kind == "first_week"]) == n
    # The user's row (count_selects empties the identity map), the journey's 3, and 3 of its own: the first
    # weeks' check-ins, their commitments with schedules, the first "I saw this".
    assert counts[0] == counts[1] == 7


def test_a_loved_one_has_no_tracker_moments(app, family):
    _, sam, _ = family
    assert not sam.is_person
    with captured_statements() as statements:
        assert celebrations.celebrations_for(sam) == []
    assert statements == []


# --- Pages ----------------------------------------------------------------------------------------------------


def _check_in_from_home(client, c, status="kept"):
    """Press the check-in button on the home page, as the page's own form posts it; follow the redirect."""
    page = client.get("/home").get_data(as_text=True)
    form = next(f for f in forms_in(page) if f.action.startswith(f"/tracker/commitments/{c.id}/checkin"))
    data = form_data(page, action=form.action)
    data[f"c{c.id}-status"] = status  # the button pressed
    r = client.post(form.action.replace("&amp;", "&"), data=data)
    assert r.status_code == 302 and r.headers["Location"].endswith("/home")
    return client.get("/home").get_data(as_text=True)


def _moment(page: str) -> str | None:
    found = re.search(r'<div class="alert celebration-moment">.*?</div>', page, re.S)
    return found.group(0) if found else None


def test_the_check_in_that_completes_a_first_week_gets_its_moment(app, family, as_user):
    """Right after the seventh kept day the page shows the moment (once), and the home celebrates it for the day."""
    person, *_ = family
    c = _daily(person, kept=(6, 5, 4, 3, 2, 1))
    client = as_user(person)
    page = client.get("/home").get_data(as_text=True)
    assert "Worth celebrating" not in page and 'class="celebration' not in page
    page = _check_in_from_home(client, c)
    moment = _moment(page)
    assert moment and "You kept the first 7 days of “Call home”" in moment
    assert '<svg class="celebration-art"' in moment and 'aria-hidden="true"' in moment
    assert "Kept: “Call home”" in page  # the usual message too
    section = page.split('aria-labelledby="celebrations-title"', 1)[1].split("</section>", 1)[0]
    assert "Worth celebrating" in section and "A first week kept" in section
    again = _check_in_from_home(client, c, status="partly")
    assert _moment(again) is None and "Partly kept" in again
    assert "A first week kept" in again  # still today's moment on the home


def test_a_check_in_that_does_not_complete_a_week_has_no_moment(app, family, as_user):
    person, *_ = family
    c = _daily(person, kept=(6, 5, 4, 3, 1), missed=(2,))
    page = _check_in_from_home(as_user(person), c)
    assert _moment(page) is None and "Worth celebrating" not in page


def test_the_milestone_shows_once_on_the_home(app, family, as_user):
    """The milestone used to be a line in the Today card: now it is one of the day's moments, shown once."""
    person, *_ = family
    _daily(person, kept=(1,))
    person.recovery_start = commitments.today_for(person) - timedelta(days=90)
    db.session.commit()
    page = as_user(person).get("/home").get_data(as_text=True)
    assert page.count("Today is 90 days") == 1 and "🎉" not in page
    assert "Take a moment — you earned this." in page


def test_the_person_sees_a_loved_ones_first_i_saw_this(app, family, as_user):
    """Sam says "I saw this" through the shared commitment's form; Jordan's home celebrates it by name."""
    person, sam, connection = family
    c = _daily(person, kept=(1,))
    checkin = _checkins(c)[0]
    url = f"/tracker/shared/{connection.id}/commitments/{c.id}"
    action = f"/tracker/shared/{connection.id}/checkins/{checkin.id}/confirm"
    sam_client = as_user(sam)
    page = sam_client.get(url).get_data(as_text=True)
    form = next(f for f in forms_in(page) if f.action.split("?")[0] == action)
    data = form_data(page, action=form.action)
    data[f"k{checkin.id}-verdict"] = "saw"  # the button pressed
    assert sam_client.post(form.action.replace("&amp;", "&"), data=data).status_code == 302
    page = as_user(person).get("/home").get_data(as_text=True)
    assert "Sam said “I saw this” about one of your check-ins — the first time." in page


def test_the_loved_one_sees_their_boundary_heard(app, family, as_user):
    """Jordan answers Sam's boundary through its page; Sam's home celebrates it, above "Waiting for you"."""
    person, sam, connection = family
    circle.set_sharing(sam, connection, {"boundaries"})
    theirs = boundaries.create_boundary(sam, "money", Words("you ask to borrow money", "say no for now"))
    db.session.commit()
    url = f"/boundaries/shared/{connection.id}/{theirs.id}"
    jordan = as_user(person)
    data = form_data(jordan.get(url).get_data(as_text=True), action=f"{url}/answer")
    data["kind"] = "acknowledged"  # the button pressed
    assert jordan.post(f"{url}/answer", data=data).status_code == 302
    page = as_user(sam).get("/home").get_data(as_text=True)
    assert "Your boundary was heard" in page
    assert "Jordan said “I understand and will respect this” about your boundary “If / when you ask to borrow" in page
    assert page.index("Worth celebrating") < page.index("Waiting for you")


def test_first_week_days_reads_only_what_it_needs():
    """The pure rule: the first 7 occasions, all kept or partly; later days are not needed."""
    from recovery.tracker.score import Schedule

    start = date(2024, 1, 1)
    versions = [Schedule(start, DAILY)]
    week = {start + timedelta(days=i): "kept" for i in range(7)}
    assert celebrations.first_week_days(start, None, versions, week, date(2024, 3, 1)) == sorted(week)
    assert celebrations.first_week_days(start, None, versions, {**week, start: "missed"}, date(2024, 3, 1)) is None
    assert celebrations.first_week_days(start, None, versions, {}, date(2024, 3, 1)) is None
