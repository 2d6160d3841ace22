"""Tracker pages over HTTP, in both roles, with bad input and another family's ids."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.db import db
from recovery.tracker import checkins, commitments, journey, pages
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import DAILY, CheckIn, Commitment, Confirmation, Setback, SmallWin
from tests import factories
from tests.conftest import row_counts
from tests.forms import form_data


@pytest.fixture
def family(app):
    return factories.jordans_circle(("Sam", {"share": {"tracker", "milestones"}}))


def _commitment(person, title="Call home", days_ago=5, **kwargs):
    """Make a daily commitment that started some days ago (as if made back then)."""
    today = commitments.today_for(person)
    start = today - timedelta(days=days_ago)
    c = commitments.create_commitment(person, title, "", ScheduleInput(DAILY), start, today=start, **kwargs)
    db.session.commit()
    return c


def test_create_check_in_and_see_the_score(app, family, as_user):
    """The person makes a commitment, checks in from Today, and sees the score move."""
    person, _, _ = family
    client = as_user(person)
    r = client.post("/tracker/commitments/new", data={
        "title": "Home by 10 pm", "why": "So Sam can sleep", "kind": "weekdays", "weekdays": ["0", "1", "2", "3", "4",
                                                                                             "5", "6"],
        "start_date": commitments.today_for(person).isoformat(), "connection_id": ""})
    assert r.status_code == 302
    c = db.session.scalar(sa.select(Commitment))
    assert c.title == "Home by 10 pm" and c.schedules[0].weekdays == 0x7F
    page = client.get("/tracker/today").get_data(as_text=True)
    assert "Home by 10 pm" in page and f'name="c{c.id}-status" value="kept"' in page
    day = commitments.today_for(person).isoformat()
    r = client.post(f"/tracker/commitments/{c.id}/checkin?next=/tracker/today",
                    data={f"c{c.id}-day": day, f"c{c.id}-status": "kept", f"c{c.id}-note": "Easy tonight"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/tracker/today")
    checkin = db.session.scalar(sa.select(CheckIn))
    assert (checkin.status, checkin.note) == ("kept", "Easy tonight")
    page = client.get(f"/tracker/commitments/{c.id}").get_data(as_text=True)
    assert "Easy tonight" in page and "What moves the score?" in page


@pytest.mark.parametrize(("change", "message"), [
    ({"title": ""}, "say what you"),
    ({"title": "x" * 10_000}, "120 characters"),
    ({"why": "x" * 10_000}, "1,000 characters"),
    ({"kind": "hourly"}, "Please choose one of the options shown"),
    ({"kind": "weekdays"}, "at least one day"),
    ({"kind": "weekly", "times_per_week": "9"}, "between 1 and 7"),
    ({"kind": "weekly", "times_per_week": "abc"}, "between 1 and 7"),
    ({"kind": "once"}, "choose the date"),
    ({"start_date": "yesterday-ish"}, "Please enter a date"),
    ({"start_date": ""}, "choose a date"),
    ({"start_date": "2001-01-01"}, "last week up to a year ahead"),
    ({"end_date": "2001-01-01"}, "before the start"),
    ({"connection_id": "99999"}, "Please choose one of the options shown"),
])
def test_commitment_form_bad_input(app, family, as_user, change, message):
    """Bad commitment input shows the form again with a clear message, keeps the typing, saves nothing."""
    person, _, _ = family
    client = as_user(person)
    page = client.get("/tracker/commitments/new").get_data(as_text=True)
    data = form_data(page, title="Walk the dog", why="kept words", kind="daily",
                     start_date=commitments.today_for(person).isoformat())
    data.update(change)  # some changes are what no form offers (a choice it hasn't), as a crafted post would be
    r = client.post("/tracker/commitments/new", data=data)
    body = r.get_data(as_text=True).replace("&#39;", "'")
    assert r.status_code == 422
    assert message.lower() in body.lower()
    assert row_counts()["commitments"] == 0
    if "title" not in change:
        assert 'value="Walk the dog"' in body
    if "why" not in change:
        assert "kept words" in body


def test_commitment_form_keeps_the_chosen_schedule_when_shown_again(app, family, as_user):
    """A form sent back with a mistake keeps the schedule picked and the days ticked, with nothing else to redo."""
    person, _, _ = family
    client = as_user(person)
    page = client.get("/tracker/commitments/new").get_data(as_text=True)
    r = client.post("/tracker/commitments/new", data=form_data(
        page, title="", why="for Sam", kind="weekdays", weekdays=["0", "4"], end_date="2001-01-01"))
    body = r.get_data(as_text=True)
    assert r.status_code == 422
    shown = form_data(body)
    assert shown["kind"] == ["weekdays"] and shown["weekdays"] == ["0", "4"] and shown["why"][0].strip() == "for Sam"
    assert shown["end_date"] == ["2001-01-01"]


def test_commitment_form_ignores_the_schedules_not_chosen(app, family, as_user):
    """What is left in a hidden schedule field (typed before switching to another choice) never blocks saving."""
    person, _, _ = family
    client = as_user(person)
    page = client.get("/tracker/commitments/new").get_data(as_text=True)
    r = client.post("/tracker/commitments/new", data=form_data(
        page, title="Walk the dog", kind="daily", times_per_week="abc", once_on="soon"))
    assert r.status_code == 302
    c = db.session.scalar(sa.select(Commitment))
    assert c.title == "Walk the dog" and [v.kind for v in c.schedules] == ["daily"]


def test_each_schedule_has_its_own_question_under_its_choice(app, family, as_user):
    """The days, the number a week and the date sit inside their own choice, so CSS shows only the chosen one."""
    person, _, _ = family
    page = as_user(person).get("/tracker/commitments/new").get_data(as_text=True)
    for kind, name in (("weekdays", 'name="weekdays"'), ("weekly", 'name="times_per_week"'),
                       ("once", 'name="once_on"')):
        block = page.split(f'data-kind="{kind}"', 1)[1].split('class="schedule-option"', 1)[0]
        assert name in block and f'value="{kind}"' in block
    daily = page.split('data-kind="daily"', 1)[1].split('class="schedule-option"', 1)[0]
    assert "schedule-detail" not in daily


def test_edit_changes_schedule_from_today(app, family, as_user):
    """Editing through the rendered form keeps the start date, and a new schedule starts today."""
    person, _, _ = family
    c = _commitment(person)
    client = as_user(person)
    page = client.get(f"/tracker/commitments/{c.id}/edit").get_data(as_text=True)
    assert "Walk" not in page and 'name="start_date"' not in page
    r = client.post(f"/tracker/commitments/{c.id}/edit", data=form_data(
        page, title="Call home often", kind="weekly", times_per_week="3"))
    assert r.status_code == 302
    db.session.refresh(c)
    assert c.title == "Call home often" and c.start_date == commitments.today_for(person) - timedelta(days=5)
    assert [v.kind for v in c.schedules] == ["daily", "weekly"]


def test_edit_with_only_the_fields_the_page_shows(app, family, as_user):
    """Saving the edit form as it comes (the browser sends no start date: it has none) saves, never a silent 422."""
    person, _, _ = family
    c = _commitment(person)
    client = as_user(person)
    page = client.get(f"/tracker/commitments/{c.id}/edit").get_data(as_text=True)
    r = client.post(f"/tracker/commitments/{c.id}/edit", data=form_data(page, title="Call home on Sundays"))
    assert r.status_code == 302
    db.session.refresh(c)
    assert c.title == "Call home on Sundays"
    r = client.post(f"/tracker/commitments/{c.id}/edit", data=form_data(page, title=""))
    assert r.status_code == 422 and "say what you" in r.get_data(as_text=True).replace("&#39;", "'")


def test_past_days_edit_then_lock_then_note(app, family, as_user):
    """A day within 7 days can change; an older one shows only the add-a-note form."""
    person, _, _ = family
    c = _commitment(person, days_ago=20)
    today = commitments.today_for(person)
    old = today - timedelta(days=10)
    db.session.add(CheckIn(commitment_id=c.id, local_date=old, status="missed", note="rough day"))
    db.session.commit()
    client = as_user(person)
    recent = (today - timedelta(days=3)).isoformat()
    assert "Check in" in client.get(f"/tracker/commitments/{c.id}/days/{recent}").get_data(as_text=True)
    page = client.get(f"/tracker/commitments/{c.id}/days/{old.isoformat()}").get_data(as_text=True)
    assert "has locked" in page and "rough day" in page
    r = client.post(f"/tracker/commitments/{c.id}/checkin", data={f"c{c.id}-day": old.isoformat(),
                                                                 f"c{c.id}-status": "kept"})
    assert r.status_code == 422 and "lock" in r.get_data(as_text=True)
    checkin = db.session.scalar(sa.select(CheckIn))
    note_url = f"/tracker/checkins/{checkin.id}/note"
    assert client.post(note_url, data={"body": "I made it up on Sunday."}).status_code == 302
    assert client.post(f"/tracker/checkins/{checkin.id}/note", data={"body": ""}).status_code == 422
    db.session.refresh(checkin)
    assert checkin.status == "missed" and [a.body for a in checkin.addenda] == ["I made it up on Sunday."]
    assert client.get(f"/tracker/commitments/{c.id}/days/not-a-date").status_code == 404
    future = (today + timedelta(days=2)).isoformat()
    assert client.get(f"/tracker/commitments/{c.id}/days/{future}").status_code == 404


@pytest.mark.parametrize("data", [{}, {"status": "wonderful"}, {"note": "x" * 5000, "status": "kept"}])
def test_checkin_bad_input(app, family, as_user, data):
    """A bad check-in is refused with a message, never saved, never a 500."""
    person, _, _ = family
    c = _commitment(person)
    day = commitments.today_for(person).isoformat()
    body = {f"c{c.id}-day": day, **{f"c{c.id}-{k}": v for k, v in data.items()}}
    r = as_user(person).post(f"/tracker/commitments/{c.id}/checkin", data=body)
    assert r.status_code == 422
    assert row_counts()["checkins"] == 0


def test_checkin_with_a_bad_day_is_404(app, family, as_user):
    """A day that isn't a date is not found."""
    person, _, _ = family
    c = _commitment(person)
    r = as_user(person).post(f"/tracker/commitments/{c.id}/checkin", data={f"c{c.id}-day": "soon",
                                                                          f"c{c.id}-status": "kept"})
    assert r.status_code == 404


def test_pause_and_archive_over_http(app, family, as_user):
    """Pause, resume, archive and restore answer with a redirect; an unknown action is 404."""
    person, _, _ = family
    c = _commitment(person)
    client = as_user(person)
    for action, status in (("pause", "paused"), ("resume", "active"), ("archive", "archived"), ("restore", "active")):
        assert client.post(f"/tracker/commitments/{c.id}/{action}").status_code == 302
        db.session.refresh(c)
        assert c.status == status
    assert client.post(f"/tracker/commitments/{c.id}/explode").status_code == 404
    client.post(f"/tracker/commitments/{c.id}/resume")  # not paused: a kind message, no change
    db.session.refresh(c)
    assert c.status == "active"


def test_setback_and_journey(app, family, as_user):
    """Logging a setback shows on the journey; the words stay private until shared."""
    person, sam, connection = family
    client = as_user(person)
    today = commitments.today_for(person)
    client.post("/tracker/journey/start", data={"start-recovery_start": (today - timedelta(days=40)).isoformat()})
    r = client.post("/tracker/setbacks/new", data={"local_date": today.isoformat(), "what_happened": "I drank",
                                                   "next_step": "Call my sponsor"})
    assert r.status_code == 302
    page = client.get("/tracker/journey").get_data(as_text=True)
    assert "I drank" in page and "Private" in page and "since your last setback" in page
    shared_page = as_user(sam).get(f"/circle/{connection.id}/milestones").get_data(as_text=True)
    assert "I drank" not in shared_page
    setback = db.session.scalar(sa.select(Setback))
    client.post(f"/tracker/setbacks/{setback.id}/share")
    assert "I drank" in as_user(sam).get(f"/circle/{connection.id}/milestones").get_data(as_text=True)


@pytest.mark.parametrize("data", [{"local_date": ""}, {"local_date": "2999-01-01"}, {"local_date": "nope"},
                                  {"local_date": "2020-01-01", "what_happened": "x" * 3000}])
def test_setback_bad_input(app, family, as_user, data):
    """A bad setback is refused with a message and nothing saved."""
    person, _, _ = family
    r = as_user(person).post("/tracker/setbacks/new", data=data)
    assert r.status_code == 422 and row_counts()["setbacks"] == 0


def test_recovery_start_bad_input(app, family, as_user):
    """A future or unreadable start date is refused."""
    person, _, _ = family
    client = as_user(person)
    for value in ("2999-01-01", "soon"):
        assert client.post("/tracker/journey/start", data={"start-recovery_start": value}).status_code == 422
    db.session.refresh(person)
    assert person.recovery_start is None


def test_small_win_over_http(app, family, as_user):
    """A small win saves from Today; an empty or huge one is refused with a message."""
    person, _, _ = family
    client = as_user(person)
    assert client.post("/tracker/wins?next=/tracker/today", data={"win-text": "Cooked dinner"}).status_code == 302
    client.post("/tracker/wins", data={"win-text": ""})
    client.post("/tracker/wins", data={"win-text": "x" * 500})
    assert [w.text for w in db.session.scalars(sa.select(SmallWin))] == ["Cooked dinner"]


def test_loved_one_sees_shared_tracker_read_only_and_confirms(app, family, as_user):
    """A loved one with the grant sees scores and check-ins, confirms one, and can never change a check-in."""
    person, sam, connection = family
    c = _commitment(person, title="Call home")
    yesterday = commitments.today_for(person) - timedelta(days=1)
    checkin = checkins.record_checkin(c, yesterday, "kept", "called at 7")
    db.session.commit()
    client = as_user(sam)
    page = client.get(f"/circle/{connection.id}/tracker").get_data(as_text=True)
    assert "Call home" in page and "Did you see these?" in page and "called at 7" in page
    detail = client.get(f"/tracker/shared/{connection.id}/commitments/{c.id}").get_data(as_text=True)
    assert "Self-reported consistency" in detail
    r = client.post(f"/tracker/shared/{connection.id}/checkins/{checkin.id}/confirm",
                    data={f"k{checkin.id}-verdict": "saw", f"k{checkin.id}-note": "Proud of you"})
    assert r.status_code == 302
    confirmation = db.session.scalar(sa.select(Confirmation))
    assert (confirmation.verdict, confirmation.note, confirmation.confirmer_id) == ("saw", "Proud of you", sam.id)
    own = as_user(person).get(f"/tracker/commitments/{c.id}").get_data(as_text=True)
    assert "Sam: I saw this" in own and "Proud of you" in own and "1 of 1" in own
    # Read-only: every person-side URL is 404 for the loved one, and nothing changes.
    day = yesterday.isoformat()
    for method, url, data in [
        ("post", f"/tracker/commitments/{c.id}/checkin", {f"c{c.id}-day": day, f"c{c.id}-status": "missed"}),
        ("post", f"/tracker/commitments/{c.id}/edit", {"title": "hacked", "kind": "daily"}),
        ("post", f"/tracker/commitments/{c.id}/pause", {}),
        ("post", f"/tracker/checkins/{checkin.id}/note", {"body": "not mine"}),
        ("get", f"/tracker/commitments/{c.id}", None),
    ]:
        assert getattr(client, method)(url, data=data).status_code == 404
    db.session.refresh(checkin)
    assert checkin.status == "kept" and checkin.note == "called at 7" and checkin.addenda == []


def test_confirm_bad_input(app, family, as_user):
    """A confirmation with no answer or a huge note is refused beside its field, the note kept, nothing saved."""
    person, sam, connection = family
    c = _commitment(person)
    checkin = checkins.record_checkin(c, commitments.today_for(person), "kept")
    db.session.commit()
    client = as_user(sam)
    long_note = "I was there and saw it " + "x" * 2000
    for data, message in (({}, "choose"), ({f"k{checkin.id}-verdict": "perhaps"}, "options shown"),
                          ({f"k{checkin.id}-verdict": "saw", f"k{checkin.id}-note": long_note}, "500 characters")):
        r = client.post(f"/tracker/shared/{connection.id}/checkins/{checkin.id}/confirm", data=data)
        body = r.get_data(as_text=True)
        assert r.status_code == 422
        assert message in body
        assert long_note not in data.values() or long_note in body  # what they typed is still there
    assert row_counts()["confirmations"] == 0


def test_without_the_grant_every_tracker_url_is_404(app, family, as_user):
    """A loved one without the tracker grant gets 404 on every tracker URL of that person."""
    person, sam, connection = family
    c = _commitment(person)
    checkin = checkins.record_checkin(c, commitments.today_for(person), "kept")
    db.session.commit()
    as_user(person).post(f"/circle/{connection.id}/sharing", data={})  # unshare everything
    client = as_user(sam)
    before = row_counts()
    assert client.get(f"/circle/{connection.id}/tracker").status_code == 404
    assert client.get(f"/tracker/shared/{connection.id}/commitments/{c.id}").status_code == 404
    assert client.post(f"/tracker/shared/{connection.id}/checkins/{checkin.id}/confirm",
                       data={f"k{checkin.id}-verdict": "saw"}).status_code == 404
    assert client.get(f"/circle/{connection.id}/milestones").status_code == 404
    assert row_counts() == before


def test_private_and_other_peoples_commitments_stay_hidden(app, family, make_user, make_connection, as_user):
    """With the grant, a private commitment or one about another loved one is 404."""
    person, sam, connection = family
    pat = make_user("loved_one")
    with_pat = make_connection(person, pat, share={"tracker"})
    private = _commitment(person, title="Just mine", private=True)
    about_pat = _commitment(person, title="Lunch with Pat", connection_id=with_pat.id)
    client = as_user(sam)
    page = client.get(f"/circle/{connection.id}/tracker").get_data(as_text=True)
    assert "Just mine" not in page and "Lunch with Pat" not in page
    for c in (private, about_pat):
        assert client.get(f"/tracker/shared/{connection.id}/commitments/{c.id}").status_code == 404


def test_another_family_gets_404_everywhere(app, family, make_user, make_connection, as_user):
    """Two families: every tracker URL with the other family's ids is 404 and changes nothing."""
    person, _, _ = family
    c = _commitment(person)
    checkin = checkins.record_checkin(c, commitments.today_for(person), "kept")
    setback = journey.log_setback(person, commitments.today_for(person), "x", "y")
    db.session.commit()
    other_person = make_user("person")
    other_loved = make_user("loved_one")
    other_connection = make_connection(other_person, other_loved, share={"tracker"})
    clients = (as_user(other_person), as_user(other_loved))
    before = row_counts()
    for client in clients:
        for url in (f"/tracker/commitments/{c.id}", f"/tracker/commitments/{c.id}/edit",
                    f"/tracker/commitments/{c.id}/days/{checkin.local_date.isoformat()}",
                    f"/tracker/shared/{other_connection.id}/commitments/{c.id}"):
            assert client.get(url).status_code == 404, url
        for url in (f"/tracker/commitments/{c.id}/checkin", f"/tracker/commitments/{c.id}/archive",
                    f"/tracker/checkins/{checkin.id}/note", f"/tracker/setbacks/{setback.id}/share",
                    f"/tracker/shared/{other_connection.id}/checkins/{checkin.id}/confirm"):
            assert client.post(url, data={"body": "x", f"k{checkin.id}-verdict": "saw"}).status_code == 404, url
    assert row_counts() == before


def test_loved_one_has_no_recovery_journey_pages(app, family, as_user):
    """The recovery journey stays the person's: a loved one (who keeps self-care here) gets 404 on its pages."""
    _, sam, _ = family
    client = as_user(sam)
    before = row_counts()
    for url in ("/tracker/journey", "/tracker/setbacks/new"):
        assert client.get(url).status_code == 404, url
    for url, data in (("/tracker/setbacks/new", {"local_date": "2025-01-01", "what_happened": "x"}),
                      ("/tracker/wins", {"win-text": "x"}), ("/tracker/journey/start", {"start-recovery_start": ""})):
        assert client.post(url, data=data).status_code == 404, url
    assert row_counts() == before


def test_empty_states_say_what_to_do_next(app, family, as_user):
    """A new person's tracker pages explain the next step."""
    person, sam, connection = family
    client = as_user(person)
    assert "Start with “New commitment” above" in client.get("/tracker/").get_data(as_text=True)
    assert "Nothing is due today" in client.get("/tracker/today").get_data(as_text=True)
    assert "set the day you count your recovery from" in client.get("/tracker/journey").get_data(as_text=True)
    assert "hasn't shared any commitments yet" in as_user(sam).get(f"/circle/{connection.id}/tracker").get_data(
        as_text=True).replace("&#39;", "'")


def test_catch_up_lists_recent_days_without_a_check_in(app, family, as_user):
    """Today and the commitment page list recent due days with no check-in, and filling one removes it."""
    person, _, _ = family
    c = _commitment(person, days_ago=3)
    today = commitments.today_for(person)
    checkins.record_checkin(c, today - timedelta(days=1), "kept", today=today)
    db.session.commit()
    client = as_user(person)
    two_days_ago = (today - timedelta(days=2)).isoformat()
    link = f"/tracker/commitments/{c.id}/days/{two_days_ago}"
    assert link in client.get("/tracker/today").get_data(as_text=True)
    assert link in client.get(f"/tracker/commitments/{c.id}").get_data(as_text=True)
    client.post(f"/tracker/commitments/{c.id}/checkin", data={f"c{c.id}-day": two_days_ago,
                                                             f"c{c.id}-status": "partly"})
    assert link not in client.get("/tracker/today").get_data(as_text=True)
    assert len(pages.today_page(person, today)[1]) == 1  # three days ago is still open


def test_blank_note_and_blank_win_are_refused_kindly(app, family, as_user):
    """Only spaces in a note or a small win gets a message, not an error (found by the form fuzzer)."""
    person, _, _ = family
    c = _commitment(person)
    checkin = checkins.record_checkin(c, commitments.today_for(person), "kept")
    db.session.commit()
    client = as_user(person)
    r = client.post(f"/tracker/checkins/{checkin.id}/note", data={"body": "   "})
    assert r.status_code == 422 and "write the note first" in r.get_data(as_text=True)
    r = client.post("/tracker/wins", data={"win-text": "   "})
    assert r.status_code == 422 and "write what went well" in r.get_data(as_text=True)
    assert row_counts()["small_wins"] == 0


def test_a_commitment_page_shows_its_own_recent_days_notes_and_words_only(app, family, make_user, as_user):
    """The recent days list holds this commitment's check-ins of the last 30 days, newest first, each with its
    added notes and loved ones' words in the order given; nothing of another commitment or another family."""
    from recovery.tracker.models import CheckInAddendum

    person, sam, _ = family
    c = _commitment(person, title="Call home", days_ago=40)
    other_person = make_user("person")
    theirs = _commitment(other_person, title="Their walk", days_ago=40)
    today = commitments.today_for(person)
    rows = {}
    for item, prefix in ((c, "mine"), (theirs, "theirs")):
        for ago in (1, 3, 35):
            rows[prefix, ago] = CheckIn(commitment_id=item.id, local_date=today - timedelta(days=ago),
                                        status="kept", note=f"{prefix}-note-{ago}")
            db.session.add(rows[prefix, ago])
    db.session.flush()
    for prefix in ("mine", "theirs"):
        db.session.add_all([
            CheckInAddendum(checkin_id=rows[prefix, 3].id, body=f"{prefix}-first addendum"),
            CheckInAddendum(checkin_id=rows[prefix, 3].id, body=f"{prefix}-second addendum"),
            Confirmation(checkin_id=rows[prefix, 1].id, confirmer_id=sam.id, verdict="saw", note=f"{prefix}-word"),
            CheckInAddendum(checkin_id=rows[prefix, 35].id, body=f"{prefix}-too old")])
    db.session.commit()

    recent = pages.recent_days(c.id, today - timedelta(days=30))
    assert [(d.local_date, d.note) for d in recent] == [(today - timedelta(days=1), "mine-note-1"),
                                                       (today - timedelta(days=3), "mine-note-3")]
    assert [a.body for a in recent[1].addenda] == ["mine-first addendum", "mine-second addendum"]
    assert [(w.confirmer_name, w.verdict, w.note) for w in recent[0].confirmations] == [("Sam", "saw", "mine-word")]
    page = as_user(person).get(f"/tracker/commitments/{c.id}").get_data(as_text=True)
    assert page.index("mine-note-1") < page.index("mine-note-3")
    assert "mine-second addendum" in page and "Sam: I saw this — “mine-word”" in page
    assert "theirs-" not in page and "mine-too old" not in page and "mine-note-35" not in page
