"""The calendar feed: its events for each schedule, its secret link, and who it opens to."""

from __future__ import annotations

import logging
import re
import threading
import urllib.error
import urllib.request
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from recovery.accounts import services as accounts
from recovery.accounts.models import AuditEvent
from recovery.calendar import feed as ics
from recovery.calendar import services as service
from recovery.calendar.models import CalendarFeed
from recovery.circle import services as circle
from recovery.db import db
from recovery.logs import redact
from recovery.security import hash_token
from recovery.tracker.models import DAILY, ONCE, PAUSED_SCHEDULE, WEEKDAYS, WEEKLY, Commitment, ScheduleVersion
from tests.conftest import PASSWORD, row_counts
from tests.forms import form_data
from tests.queries import count_selects

MONDAY = date(2024, 1, 1)
NOW = datetime(2024, 1, 1, 12, tzinfo=UTC)
NEW_PASSWORD = "a completely new passphrase"
LINK = re.compile(r"http://mend\.test/calendar/([A-Za-z0-9_\-]+)\.ics")


def make_commitment(owner, title="Call Mum", *, kind=DAILY, start=MONDAY, end=None, status="active",
                    why="", weekdays=0, times=0, once_on=None, versions=()) -> Commitment:
    """Create a commitment with one schedule version (or the given (valid_from, kind, extra) versions)."""
    commitment = Commitment(owner_id=owner.id, title=title, why=why, status=status, start_date=start, end_date=end)
    commitment.schedules = [ScheduleVersion(valid_from=start, kind=kind, weekdays=weekdays,
                                            times_per_week=times, once_on=once_on)]
    for valid_from, v_kind, extra in versions:
        commitment.schedules.append(ScheduleVersion(valid_from=valid_from, kind=v_kind, **extra))
    db.session.add(commitment)
    db.session.commit()
    return commitment


def event_of(commitment, plain_titles=False, url=None):
    """Build the one event of a commitment (None when nothing is due)."""
    return ics.commitment_event(commitment, plain_titles, NOW, url)


def rrule(event) -> str:
    return event["RRULE"].to_ical().decode()


def parse(resp) -> Calendar:
    assert resp.status_code == 200, resp.status_code
    return Calendar.from_ical(resp.data)


def summaries(calendar: Calendar) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))


def make_link(web, real_titles=False) -> str:
    """Make a calendar link through the settings page and return its token."""
    resp = web.post("/settings/calendar", data={"real_titles": "y"} if real_titles else {})
    assert resp.status_code == 200
    found = LINK.findall(resp.get_data(as_text=True))
    assert found, "the new link is shown"
    return found[0]


# --- Events for each kind of schedule ----------------------------------------------


def test_daily_commitment_is_an_all_day_daily_event(app, make_user):
    """A daily commitment repeats every day from its start, as all-day events."""
    event = event_of(make_commitment(make_user(), kind=DAILY))
    assert rrule(event) == "FREQ=DAILY"
    assert event.decoded("DTSTART") == MONDAY and not isinstance(event.decoded("DTSTART"), datetime)
    assert event["DTSTART"].to_ical() == b"20240101"
    assert event.decoded("DTEND") == date(2024, 1, 2)


def test_weekday_commitment_repeats_on_its_days(app, make_user):
    """Monday, Wednesday and Friday (mask 1 + 4 + 16) become BYDAY=MO,WE,FR."""
    event = event_of(make_commitment(make_user(), kind=WEEKDAYS, weekdays=0b0010101))
    assert rrule(event) == "FREQ=WEEKLY;BYDAY=MO,WE,FR"
    assert event.decoded("DTSTART") == MONDAY


def test_weekday_commitment_starts_on_its_first_due_day(app, make_user):
    """A Saturday-and-Sunday commitment that starts on a Tuesday first shows on the Saturday."""
    event = event_of(make_commitment(make_user(), kind=WEEKDAYS, weekdays=32 | 64, start=date(2024, 1, 2)))
    assert rrule(event) == "FREQ=WEEKLY;BYDAY=SA,SU"
    assert event.decoded("DTSTART") == date(2024, 1, 6)


def test_weekday_commitment_with_no_days_has_no_event(app, make_user):
    """A weekday schedule with no day chosen puts nothing in the calendar."""
    assert event_of(make_commitment(make_user(), kind=WEEKDAYS, weekdays=0)) is None


def test_times_a_week_commitment_repeats_weekly_with_a_count(app, make_user):
    """Three times a week, on any days: a weekly event on the start's weekday saying how many times."""
    event = event_of(make_commitment(make_user(), "Go for a walk", kind=WEEKLY, times=3, start=date(2024, 1, 3)))
    assert rrule(event) == "FREQ=WEEKLY;BYDAY=WE"
    assert event.decoded("DTSTART") == date(2024, 1, 3)
    assert str(event["SUMMARY"]) == "Go for a walk (3 times this week)"
    once = event_of(make_commitment(make_user(), "Call Dad", kind=WEEKLY, times=1))
    assert str(once["SUMMARY"]) == "Call Dad (once this week)"
    plain = event_of(make_commitment(make_user(), kind=WEEKLY, times=2), plain_titles=True)
    assert str(plain["SUMMARY"]) == "Mend: a commitment (2 times this week)"


def test_one_off_commitment_is_a_single_event(app, make_user):
    """A one-off commitment is one all-day event on its day, with no repeat rule."""
    event = event_of(make_commitment(make_user(), kind=ONCE, once_on=date(2024, 2, 14)))
    assert "RRULE" not in event
    assert event.decoded("DTSTART") == date(2024, 2, 14)


def test_end_date_becomes_until(app, make_user):
    """A commitment with an end date stops repeating on that date."""
    event = event_of(make_commitment(make_user(), kind=WEEKDAYS, weekdays=1, end=date(2024, 3, 31)))
    assert rrule(event) == "FREQ=WEEKLY;UNTIL=20240331;BYDAY=MO"
    assert "UNTIL" not in rrule(event_of(make_commitment(make_user(), kind=DAILY)))


def test_end_date_before_the_first_due_day_has_no_event(app, make_user):
    """A commitment that ended before its schedule's first day puts nothing in the calendar."""
    ended = make_commitment(make_user(), kind=DAILY, end=date(2024, 2, 1),
                            versions=[(date(2024, 3, 1), WEEKLY, {"times_per_week": 2})])
    assert event_of(ended) is None


def test_plain_titles_hide_the_title_and_the_why_is_never_shown(app, make_user):
    """Plain titles show "Mend: a commitment"; real ones the title; neither shows the why."""
    commitment = make_commitment(make_user(), "Call Mum", why="Because I missed her birthday")
    plain, real = event_of(commitment, plain_titles=True), event_of(commitment, plain_titles=False)
    assert str(plain["SUMMARY"]) == "Mend: a commitment"
    assert str(real["SUMMARY"]) == "Call Mum"
    for event in (plain, real):
        assert str(event["DESCRIPTION"]) == "Open Mend to check in."
        assert b"birthday" not in event.to_ical()
    assert b"Call Mum" not in plain.to_ical()


def test_uid_is_stable_per_commitment(app, make_user):
    """The same commitment keeps its UID from one fetch to the next, so calendars update it in place."""
    commitment = make_commitment(make_user())
    first = event_of(commitment)
    second = ics.commitment_event(commitment, True, datetime(2024, 6, 1, tzinfo=UTC))
    assert str(first["UID"]) == str(second["UID"]) == f"commitment-{commitment.id}@mend"


def test_paused_and_archived_commitments_are_left_out(app, make_user):
    """Only active commitments reach the calendar; a paused schedule leaves it out too."""
    user = make_user()
    make_commitment(user, "Active")
    make_commitment(user, "Paused", status="paused")
    make_commitment(user, "Archived", status="archived")
    make_commitment(user, "On a break", versions=[(date(2024, 2, 1), PAUSED_SCHEDULE, {})])
    calendar = ics.build_calendar("UTC", ics.feed_commitments(user.id), plain_titles=False, now=NOW)
    assert summaries(calendar) == ["Active"]


def test_a_schedule_change_uses_the_latest_version(app, make_user):
    """After a change from daily to Tuesdays, the event repeats on Tuesdays from the change."""
    commitment = make_commitment(make_user(), kind=DAILY, start=date(2023, 12, 1),
                                 versions=[(date(2024, 3, 5), WEEKDAYS, {"weekdays": 2})])
    event = event_of(commitment)
    assert rrule(event) == "FREQ=WEEKLY;BYDAY=TU"
    assert event.decoded("DTSTART") == date(2024, 3, 5)


def test_a_later_start_wins_over_an_earlier_schedule(app, make_user):
    """The event starts on the commitment's start when its schedule was valid from earlier."""
    commitment = make_commitment(make_user(), start=date(2024, 5, 1))
    commitment.schedules[0].valid_from = date(2024, 1, 1)
    db.session.commit()
    assert event_of(commitment).decoded("DTSTART") == date(2024, 5, 1)


def test_calendar_names_itself_and_the_users_time_zone(app, make_user):
    """The VCALENDAR carries Mend's product id, version 2.0, the name "Mend" and the user's zone."""
    user = make_user(timezone="America/Santiago")
    token = service.create_feed(user)
    db.session.commit()
    calendar = Calendar.from_ical(ics.feed_ics(service.find_feed(token)))
    assert str(calendar["PRODID"]) == "-//Mend//Commitments//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Mend"
    assert str(calendar["X-WR-TIMEZONE"]) == "America/Santiago"


def test_feed_loads_in_a_fixed_number_of_queries(app, make_user):
    """The feed costs the same number of queries for one commitment as for ten."""
    user = make_user()
    token = service.create_feed(user)
    db.session.commit()

    def count_queries():
        return count_selects(lambda: ics.feed_ics(service.find_feed(token)))

    make_commitment(user)
    one = count_queries()
    for n in range(9):
        make_commitment(user, f"Commitment {n}", versions=[(date(2024, 2, 1), WEEKLY, {"times_per_week": 2})])
    # the feed, the time zone, the commitments, their schedules, the reminder time if an alarm is chosen
    assert count_queries() == one == 5


def test_an_alarm_at_the_reminder_time_is_added_only_when_chosen(app, make_user, as_user):
    """Settings, Reminders: "Add an alert at this time to my calendar feed" puts a VALARM on each event."""
    from datetime import timedelta

    from recovery.notifications import services as notifications

    user = make_user()
    make_commitment(user)
    token = service.create_feed(user)
    db.session.commit()
    assert list(Calendar.from_ical(ics.feed_ics(service.find_feed(token))).walk("VALARM")) == []
    web = as_user(user)
    page = web.get("/settings/reminders").get_data(as_text=True)
    response = web.post("/settings/reminders", data=form_data(page, action="/settings/reminders",
                                                              daily_time="19:30", calendar_alarm="y"))
    assert response.status_code == 302
    [alarm] = Calendar.from_ical(ics.feed_ics(service.find_feed(token))).walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(hours=19, minutes=30)
    assert alarm["TRIGGER"].params["RELATED"] == "START"
    assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"]) == ics.PLAIN_TITLE
    assert notifications.settings_for(user).daily_on is False  # an alarm alone sends nothing


# --- The settings page and the link --------------------------------------------------


@pytest.mark.parametrize("method, path", [
    ("GET", "/settings/calendar"), ("POST", "/settings/calendar"),
    ("POST", "/settings/calendar/titles"), ("POST", "/settings/calendar/revoke"),
])
def test_settings_need_login(client, method, path):
    """Every calendar settings route sends a visitor to log in and changes nothing."""
    counts = row_counts()
    resp = client.open(path, method=method)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert row_counts() == counts


def test_settings_page_explains_the_link_and_offers_it(make_user, as_user):
    """The page says anyone with the link can read it, titles are plain by default, and offers the link."""
    page = as_user(make_user()).get("/settings/calendar")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Anyone who has the link can see your commitments" in body
    assert "Mend: a commitment" in body
    assert "Make my calendar link" in body
    assert 'name="real_titles"' in body and "checked" not in body.split('name="real_titles"')[1].split(">")[0]
    assert 'href="/settings/calendar" aria-current="page"' in body  # the Calendar tab


def test_loved_ones_have_no_calendar_settings(make_user, as_user):
    """A loved one owns no commitments: no Calendar tab, and the settings routes answer 404."""
    web = as_user(make_user("loved_one"))
    assert "/settings/calendar" not in web.get("/settings").get_data(as_text=True)
    counts = row_counts()
    assert web.get("/settings/calendar").status_code == 404
    assert web.post("/settings/calendar").status_code == 404
    assert web.post("/settings/calendar/titles", data={"real_titles": "y"}).status_code == 404
    assert web.post("/settings/calendar/revoke").status_code == 404
    assert row_counts() == counts


def test_making_a_link_shows_it_once_and_stores_only_its_hash(make_user, as_user):
    """The new link is on the answer page only; the database keeps its purpose-bound hash, never the token."""
    user = make_user()
    web = as_user(user)
    token = make_link(web)
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    assert feed.token_hash == hash_token(token, "calendar")
    assert token not in feed.token_hash
    assert feed.plain_titles is True
    later = web.get("/settings/calendar").get_data(as_text=True)
    assert token not in later
    assert "Your calendar link is on" in later
    kinds = db.session.scalars(sa.select(AuditEvent.kind).where(AuditEvent.user_id == user.id)).all()
    assert "calendar.create" in kinds


def test_feed_answers_a_calendar_with_the_right_headers(make_user, as_user, client):
    """The feed, fetched without logging in, is text/calendar, not cached, and parses as iCalendar."""
    user = make_user(timezone="Europe/Dublin")
    make_commitment(user, "Call Mum", kind=WEEKDAYS, weekdays=64)
    token = make_link(as_user(user))
    resp = client.get(f"/calendar/{token}.ics")
    assert resp.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["Content-Disposition"] == 'inline; filename="mend.ics"'
    calendar = parse(resp)
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Dublin"
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Mend: a commitment"
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=SU"
    assert str(event["URL"]).startswith("http://mend.test/")


def test_feed_url_comes_from_base_url_not_the_host_header(make_app, make_user):
    """SECURITY.md 24: without SERVER_NAME the events still link to BASE_URL, never to the Host header."""
    app = make_app(SERVER_NAME=None, BASE_URL="https://mend.example.org")
    with app.app_context():
        user = make_user()
        make_commitment(user)
        token = service.create_feed(user)
        db.session.commit()
        resp = app.test_client().get(f"/calendar/{token}.ics", headers={"Host": "evil.example"})
        [event] = parse(resp).walk("VEVENT")
        assert str(event["URL"]).startswith("https://mend.example.org/")
        assert b"evil.example" not in resp.data


def test_turning_the_link_off_makes_it_404_at_once(make_user, as_user, client):
    """After "Turn off my calendar link" the old address answers 404 on the very next request."""
    user = make_user()
    web = as_user(user)
    token = make_link(web)
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    resp = web.post("/settings/calendar/revoke")
    assert resp.status_code == 302
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0
    kinds = db.session.scalars(sa.select(AuditEvent.kind).where(AuditEvent.user_id == user.id)).all()
    assert "calendar.revoke" in kinds
    assert "Make my calendar link" in web.get("/settings/calendar").get_data(as_text=True)
    # Turning off what is already off changes nothing.
    counts = row_counts()
    assert web.post("/settings/calendar/revoke").status_code == 302
    assert row_counts() == counts


def test_a_new_link_kills_the_old_one(make_user, as_user, client):
    """Making a new link replaces the user's one feed: the old address 404s, the new one works."""
    user = make_user()
    web = as_user(user)
    old = make_link(web)
    new = make_link(web)
    assert old != new
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 1


def _page(web, path: str) -> str:
    resp = web.get(path)
    assert resp.status_code == 200, path
    return resp.get_data(as_text=True)


def _change_password(web) -> str:
    data = form_data(_page(web, "/settings/password"), current_password=PASSWORD, new_password=NEW_PASSWORD,
                     new_password_again=NEW_PASSWORD)
    resp = web.post("/settings/password", data=data, follow_redirects=True)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _reset_password(web, user) -> str:
    token = accounts.create_reset_token(user)
    data = form_data(_page(web, f"/reset/{token}"), password=NEW_PASSWORD, password_again=NEW_PASSWORD)
    resp = web.post(f"/reset/{token}", data=data, follow_redirects=True)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _log_out_other_devices(web) -> str:
    data = form_data(_page(web, "/settings/sessions"), action="/settings/sessions/revoke-others")
    resp = web.post("/settings/sessions/revoke-others", data=data, follow_redirects=True)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


@pytest.mark.parametrize("action", ["password change", "reset", "log out other devices"])
def test_account_recovery_changes_the_calendar_link(make_user, as_user, app, action):
    """SECURITY.md 29: a password change, a completed reset or "log out other devices" kills the old feed URL."""
    user = make_user()
    web = as_user(user)
    as_user(user)  # another device, so "Log out everywhere else" is offered
    token = make_link(web)
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 200
    if action == "password change":
        page = _change_password(web)
    elif action == "reset":
        page = _reset_password(app.test_client(), user)
    else:
        page = _log_out_other_devices(web)
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404
    assert "calendar link has changed" in page  # the user is told
    # The feed keeps its titles choice; a new link made on the calendar page works.
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    assert feed is not None and feed.plain_titles


def test_account_recovery_without_a_calendar_link_says_nothing_of_one(make_user, as_user):
    """Someone with no calendar link is not told about one, and none is made."""
    user = make_user()
    web = as_user(user)
    as_user(user)
    page = _log_out_other_devices(web)
    assert "calendar link" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0


def test_titles_choice_changes_the_feed_and_keeps_the_link(make_user, as_user, client):
    """Switching to real titles shows them in the same feed; switching back hides them again."""
    user = make_user()
    make_commitment(user, "Call Mum")
    web = as_user(user)
    token = make_link(web)
    path = f"/calendar/{token}.ics"
    assert summaries(parse(client.get(path))) == ["Mend: a commitment"]
    assert web.post("/settings/calendar/titles", data={"real_titles": "y"}).status_code == 302
    assert summaries(parse(client.get(path))) == ["Call Mum"]
    page = web.get("/settings/calendar").get_data(as_text=True)
    assert 'name="real_titles" type="hidden" value="y"' in page or 'type="hidden" name="real_titles"' in page
    assert web.post("/settings/calendar/titles", data={}).status_code == 302
    assert summaries(parse(client.get(path))) == ["Mend: a commitment"]


def test_a_link_made_with_real_titles_shows_them(make_user, as_user, client):
    """Ticking the box when making the link gives real titles from the start."""
    user = make_user()
    make_commitment(user, "Call Mum")
    token = make_link(as_user(user), real_titles=True)
    assert summaries(parse(client.get(f"/calendar/{token}.ics"))) == ["Call Mum"]


def test_titles_without_a_link_make_nothing(make_user, as_user):
    """Choosing titles before there is a link says so and creates no feed."""
    web = as_user(make_user())
    resp = web.post("/settings/calendar/titles", data={"real_titles": "y"}, follow_redirects=True)
    assert "Make one first" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0


def test_posted_owner_ids_are_ignored(make_user, as_user):
    """Posting user_id or token_hash makes the link for the signed-in user only."""
    me, other = make_user(), make_user()
    make_link(as_user(me))
    as_user(me).post("/settings/calendar", data={"user_id": other.id, "token_hash": "0" * 64})
    owners = db.session.scalars(sa.select(CalendarFeed.user_id)).all()
    assert owners == [me.id]
    assert db.session.scalar(sa.select(CalendarFeed.token_hash)) != "0" * 64


# --- Isolation: a token opens one user's commitments and nothing else -------------------


def test_each_token_shows_only_its_owners_commitments(make_user, as_user, client):
    """Two people with links: each feed holds exactly its owner's commitments, nobody else's."""
    alex, sam = make_user(), make_user()
    alex_ids = {make_commitment(alex, "Alex walks").id, make_commitment(alex, "Alex calls", kind=ONCE,
                                                                          once_on=MONDAY).id}
    sam_ids = {make_commitment(sam, "Sam reads").id}
    alex_token = make_link(as_user(alex), real_titles=True)
    sam_token = make_link(as_user(sam), real_titles=True)
    alex_feed = parse(client.get(f"/calendar/{alex_token}.ics"))
    sam_feed = parse(client.get(f"/calendar/{sam_token}.ics"))
    assert summaries(alex_feed) == ["Alex calls", "Alex walks"]
    assert summaries(sam_feed) == ["Sam reads"]
    assert {str(e["UID"]) for e in alex_feed.walk("VEVENT")} == {f"commitment-{i}@mend" for i in alex_ids}
    assert {str(e["UID"]) for e in sam_feed.walk("VEVENT")} == {f"commitment-{i}@mend" for i in sam_ids}


def test_loved_ones_feed_never_holds_the_persons_commitments(make_user, make_connection, as_user, client):
    """A person shares their tracker with a loved one; the person's feed stays theirs, and a link is theirs only."""
    person, loved = make_user("person"), make_user("loved_one")
    make_connection(person, loved, share={"tracker"})
    make_commitment(person, "Only mine")
    token = make_link(as_user(person), real_titles=True)
    assert summaries(parse(client.get(f"/calendar/{token}.ics"))) == ["Only mine"]
    assert as_user(loved).get(f"/calendar/{token}.ics").status_code == 200  # the link, not the login, opens it
    assert as_user(loved).get("/settings/calendar").status_code == 404


def test_a_random_token_is_404(make_user, client):
    """A well-formed token that was never issued opens nothing."""
    user = make_user()
    service.create_feed(user)
    db.session.commit()
    assert client.get("/calendar/" + "A" * 43 + ".ics").status_code == 404


def test_tokens_of_other_purposes_open_no_calendar(make_user, client):
    """A reset or invitation token used as a calendar token answers 404, and a calendar token opens neither."""
    user = make_user()
    make_commitment(user)
    reset_token = accounts.create_reset_token(user)
    _, invite_token = circle.create_invitation(user, "friend")
    calendar_token = service.create_feed(user)
    db.session.commit()
    assert client.get(f"/calendar/{reset_token}.ics").status_code == 404
    assert client.get(f"/calendar/{invite_token}.ics").status_code == 404
    assert client.get(f"/reset/{calendar_token}").status_code == 404
    assert client.get(f"/circle/join/{calendar_token}").status_code == 404
    assert client.get(f"/calendar/{calendar_token}.ics").status_code == 200


# --- Bad input --------------------------------------------------------------------------

NONSENSE = [
    "a", "x" * 43, "x" * 199, "x" * 201, "x" * 5000, "..", "...", "%2e%2e%2fetc%2fpasswd", "%00", "%0d%0aX: y",
    "' OR 1=1 --", "%27%3B%20DROP%20TABLE%20users%3B--", "%C3%BC%F0%9D%84%9E", "%FF%FE", "tok.ics", "%20",
    "null", "None", "-", "_", "<script>", "%3Cscript%3E", "abc%2Fdef", "0", "-1", "1e9",
]


@pytest.mark.parametrize("token", NONSENSE)
def test_nonsense_tokens_are_404_never_500(make_user, client, token):
    """Tokens of every odd shape answer 404 and change nothing."""
    user = make_user()
    service.create_feed(user)
    db.session.commit()
    counts = row_counts()
    resp = client.get(f"/calendar/{token}.ics")
    assert resp.status_code == 404
    assert row_counts() == counts


@pytest.mark.parametrize("path", ["/calendar/.ics", "/calendar/", "/calendar/abc", "/calendar/abc.ICS",
                                  "/calendar/a/b.ics"])
def test_near_miss_paths_are_404(client, path):
    """Paths that only look like a feed address answer 404."""
    assert client.get(path).status_code == 404


def test_posting_to_the_feed_is_refused(make_user, client):
    """The feed only reads: POST answers 405."""
    user = make_user()
    token = service.create_feed(user)
    db.session.commit()
    assert client.post(f"/calendar/{token}.ics").status_code == 405


def test_feed_is_rate_limited(make_app, make_user):
    """More than 60 fetches a minute from one address are refused with 429."""
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        user = make_user()
        token = service.create_feed(user)
        db.session.commit()
        web = app.test_client()
        answers = [web.get(f"/calendar/{token}.ics").status_code for _ in range(61)]
    assert answers[:60] == [200] * 60
    assert answers[60] == 429


# --- Logs -------------------------------------------------------------------------------


def test_redact_hides_calendar_tokens_but_not_settings_paths():
    """Feed paths lose their token in logs; the calendar settings paths, which hold none, stay readable."""
    token = "Zq9-secret_TOKEN"
    assert redact(f'"GET /calendar/{token}.ics HTTP/1.1" 200 -') == '"GET /calendar/[token] HTTP/1.1" 200 -'
    assert token not in redact(f"https://mend.example/calendar/{token}.ics")
    for path in ("/settings/calendar", "/settings/calendar/titles", "/settings/calendar/revoke"):
        assert redact(f"POST {path} HTTP/1.1") == f"POST {path} HTTP/1.1"


def test_the_dev_servers_access_log_never_holds_the_token(app, make_user, caplog):
    """A real HTTP request for the feed is logged by werkzeug with the token replaced."""
    from werkzeug.serving import make_server

    user = make_user()
    token = service.create_feed(user)
    db.session.commit()
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Alembic's fileConfig switches existing loggers off during the test run's migration.
    werkzeug_logger = logging.getLogger("werkzeug")
    saved = (werkzeug_logger.disabled, werkzeug_logger.propagate)
    werkzeug_logger.disabled, werkzeug_logger.propagate = False, True
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        url = f"http://127.0.0.1:{server.port}/calendar/{token}.ics"
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/calendar/{token}x.ics", timeout=10)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        werkzeug_logger.disabled, werkzeug_logger.propagate = saved
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "werkzeug")
    assert "/calendar/[token]" in logged
    assert token not in logged


def test_the_feed_speaks_its_owners_language_whoever_fetches_it(make_user, as_user, client):
    """A calendar app asks with no person and maybe an English Accept-Language: the words are the owner's."""
    user = make_user(timezone="America/Mexico_City")
    user.language = "es"
    db.session.commit()
    make_commitment(user, "Llamar a Mamá", kind=WEEKDAYS, weekdays=64)
    token = make_link(as_user(user))
    calendar = parse(client.get(f"/calendar/{token}.ics", headers={"Accept-Language": "en-US"}))
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Mend: un compromiso"
    assert str(event["DESCRIPTION"]) == "Abra Mend para registrar el día."
    assert "a commitment" not in str(event["SUMMARY"]) and "check in" not in str(event["DESCRIPTION"])
