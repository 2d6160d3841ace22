"""The reminders pages as people use them: every form is filled from the page's own HTML."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from recovery import mail
from recovery.accounts.models import LOVED_ONE
from recovery.db import db
from recovery.helplines import local_help
from recovery.notifications import services
from recovery.notifications.models import REACH_OUT, CircleAlert, Notification, NotificationSettings
from recovery.tracker import commitments
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import DAILY
from tests import factories
from tests.conftest import row_counts
from tests.forms import form_data

SETTINGS = "/settings/reminders"


def test_the_reminders_tab_starts_with_everything_off_and_saves_what_is_chosen(app, as_user):
    person = factories.make_user()
    client = as_user(person)
    page = client.get(SETTINGS).get_data(as_text=True)
    assert 'href="/settings/reminders" aria-current="page"' in page
    assert "Remind me to check in" in page
    data = form_data(page, action=SETTINGS)
    assert "daily_on" not in data and "by_email" not in data and "weekly_on" not in data  # all off
    data = form_data(page, action=SETTINGS, daily_on="y", by_email="y", daily_time="07:30", weekly_on="y",
                     weekly_day="4", quiet_start="22:00", quiet_end="06:30")
    response = client.post(SETTINGS, data=data)
    assert response.status_code == 302
    found = db.session.get(NotificationSettings, person.id)
    assert (found.daily_on, found.by_email, found.daily_time, found.weekly_on, found.weekly_day) == (
        True, True, time(7, 30), True, 4)
    assert (found.quiet_start, found.quiet_end, found.full_wording, found.circle_on) == (
        time(22, 0), time(6, 30), False, True)
    again = client.get(SETTINGS).get_data(as_text=True)
    assert form_data(again, action=SETTINGS)["daily_time"] == ["07:30"]


def test_a_loved_one_gets_their_own_words_and_no_circle_alerts_form(app, as_user):
    jordan, sam, c_sam = factories.jordans_circle("Sam")
    services.set_alert(jordan, c_sam, 3, reach_out=True)
    db.session.commit()
    page = as_user(sam).get(SETTINGS).get_data(as_text=True)
    assert "Tell me once a day when something is waiting for me" in page
    assert "Jordan asked Mend to tell you if they haven't checked in for 3 days" in page
    assert "pass on their “Reach out” message" in page
    assert "/settings/reminders/circle/" not in page


def test_half_quiet_hours_show_the_form_again_with_everything_kept_and_nothing_saved(app, as_user):
    person = factories.make_user()
    client = as_user(person)
    page = client.get(SETTINGS).get_data(as_text=True)
    before = row_counts()
    response = client.post(SETTINGS, data=form_data(page, action=SETTINGS, daily_on="y", daily_time="08:00",
                                                    quiet_start="22:00"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose both times for quiet hours" in html
    kept = form_data(html, action=SETTINGS)
    assert (kept["daily_on"], kept["daily_time"], kept["quiet_start"]) == (["y"], ["08:00"], ["22:00"])
    assert row_counts() == before


def test_choices_that_are_not_offered_are_refused(app, as_user):
    person = factories.make_user()
    client = as_user(person)
    page = client.get(SETTINGS).get_data(as_text=True)
    data = form_data(page, action=SETTINGS)
    for name, value in (("daily_time", "25:00"), ("weekly_day", "9"), ("quiet_start", "nonsense")):
        response = client.post(SETTINGS, data={**data, name: value})
        assert response.status_code == 422
        assert "Please choose one of the options shown" in response.get_data(as_text=True)
    assert db.session.get(NotificationSettings, person.id) is None


def test_the_person_chooses_who_hears_if_they_go_quiet(app, as_user):
    jordan, sam, casey, c_sam, c_casey = factories.jordans_circle("Sam", "Casey")
    client = as_user(jordan)
    page = client.get(SETTINGS).get_data(as_text=True)
    action = f"/settings/reminders/circle/{c_sam.id}"
    response = client.post(action, data=form_data(page, action=action, quiet_days="4", reach_out="y"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#alert-{c_sam.id}")
    found = db.session.get(CircleAlert, c_sam.id)
    assert (found.quiet_days, found.reach_out) == (4, True) and found.quiet_since is not None
    assert db.session.get(CircleAlert, c_casey.id) is None
    page = client.get(SETTINGS).get_data(as_text=True)
    assert form_data(page, action=action)["quiet_days"] == ["4"]
    response = client.post(action, data=form_data(page, action=action, quiet_days=""))  # turn it off
    assert response.status_code == 302
    assert db.session.get(CircleAlert, c_sam.id).quiet_days is None


def test_a_quiet_days_choice_out_of_range_shows_the_page_again(app, as_user):
    jordan, sam, c_sam = factories.jordans_circle("Sam")
    client = as_user(jordan)
    page = client.get(SETTINGS).get_data(as_text=True)
    action = f"/settings/reminders/circle/{c_sam.id}"
    data = form_data(page, action=action, reach_out="y")
    response = client.post(action, data={**data, "quiet_days": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please choose one of the options shown" in html
    assert form_data(html, action=action).get("reach_out") == ["y"]  # what was ticked is kept
    assert db.session.get(CircleAlert, c_sam.id) is None


def test_circle_alerts_of_another_family_and_from_a_loved_one_are_404(app, as_user):
    jordan, sam, c_sam = factories.jordans_circle("Sam")
    other, other_loved, c_other = factories.jordans_circle("Alex")
    client, sams = as_user(jordan), as_user(sam)
    page = client.get(SETTINGS).get_data(as_text=True)
    data = form_data(page, action=f"/settings/reminders/circle/{c_sam.id}", quiet_days="3")
    before = row_counts()
    assert client.post(f"/settings/reminders/circle/{c_other.id}", data=data).status_code == 404
    assert sams.post(f"/settings/reminders/circle/{c_sam.id}", data=data).status_code == 404
    assert row_counts() == before


def _person_with_a_reminder():
    person = factories.make_user()
    start = date.today() - timedelta(days=2)
    commitments.create_commitment(person, "Walk", "", ScheduleInput(DAILY), start_date=start, today=start)
    db.session.commit()
    services.save_settings(person, by_email=True, daily_on=True, daily_time=time(0, 0), weekly_on=False,
                           weekly_day=6, circle_on=True, quiet_start=None, quiet_end=None, full_wording=False,
                           calendar_alarm=False)
    db.session.commit()
    services.make_due()
    services.deliver()
    db.session.commit()
    return person


def test_whats_new_lists_what_was_sent_and_marks_it_seen(app, as_user):
    person = _person_with_a_reminder()
    stranger = factories.make_user()
    client = as_user(person)
    home = client.get("/home").get_data(as_text=True)
    assert "1 new in What's new" in home
    page = client.get("/whats-new").get_data(as_text=True)
    assert "A reminder to check in" in page and 'href="/tracker/today"' in page
    response = client.post("/whats-new/read", data=form_data(page, action="/whats-new/read"))
    assert response.status_code == 302
    assert "new in What's new" not in client.get("/home").get_data(as_text=True)
    assert "reminder to check in" not in as_user(stranger).get("/whats-new").get_data(as_text=True)


def test_an_email_link_unsubscribes_without_logging_in(app, client):
    person = _person_with_a_reminder()
    [message] = [m for m in mail.outbox() if m["To"] == person.email]
    link = message["List-Unsubscribe"].strip("<>").removeprefix("http://mend.test")
    page = client.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Stop getting daily reminders from Mend by email?" in html
    assert db.session.get(NotificationSettings, person.id).daily_on is True  # a GET changes nothing
    response = client.post(link, data=form_data(html, action=""))
    assert response.status_code == 302 and response.headers["Location"].endswith("/unsubscribed")
    db.session.expire_all()
    assert db.session.get(NotificationSettings, person.id).daily_on is False
    assert db.session.get(NotificationSettings, person.id).by_email is True  # only what the link named
    from recovery.accounts.models import AuditEvent

    events = db.session.execute(sa.select(AuditEvent.kind, AuditEvent.detail).where(
        AuditEvent.user_id == person.id, AuditEvent.kind.like("notify.%")).order_by(AuditEvent.id)).all()
    assert events == [("notify.settings", ""), ("notify.sent", "reminder"), ("notify.unsubscribe", "daily")]


def test_an_unsubscribe_link_answers_the_same_for_a_deleted_account_and_404_when_forged(app, client):
    token = services.unsubscribe_token(987654, "weekly")  # no such account
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200
    response = client.post(f"/unsubscribe/{token}", data=form_data(page.get_data(as_text=True), action=""))
    assert response.status_code == 302 and response.headers["Location"].endswith("/unsubscribed")
    assert client.get(f"/unsubscribe/{token[:-3]}abc").status_code == 404
    assert client.get("/unsubscribe/not-a-token").status_code == 404


def test_reach_out_goes_only_to_the_chosen_people_with_help_lines_on_the_page(app, as_user):
    jordan, sam, casey, c_sam, c_casey = factories.jordans_circle("Sam", "Casey")
    client = as_user(jordan)
    page = client.get("/reach-out").get_data(as_text=True)
    assert "Choose first who gets your" in page
    help_here = local_help()
    number = help_here.crisis[0].contacts[0].number
    assert f'href="tel:{number}"' in page  # the user's own country's crisis line
    services.set_alert(jordan, c_sam, None, reach_out=True)
    services.save_settings(sam, by_email=True, daily_on=False, daily_time=time(9, 0), weekly_on=False,
                           weekly_day=6, circle_on=True, quiet_start=None, quiet_end=None, full_wording=True,
                           calendar_alarm=False)
    db.session.commit()
    page = client.get("/reach-out").get_data(as_text=True)
    assert "One tap lets Sam" in page and "Casey" not in page
    response = client.post("/reach-out", data=form_data(page, action="/reach-out"))
    assert response.status_code == 302
    sent = db.session.scalars(sa.select(Notification).where(Notification.kind == REACH_OUT)).all()
    assert [(n.user_id, n.about_id) for n in sent] == [(sam.id, jordan.id)]
    [message] = [m for m in mail.outbox() if m["To"] == sam.email]
    assert message["Subject"] == "Jordan would like to hear from you"  # Sam chose fuller wording
    assert "Jordan would like to hear from you" in as_user(sam).get("/whats-new").get_data(as_text=True)


def test_reach_out_with_nobody_chosen_is_refused_and_a_loved_one_has_no_reach_out(app, as_user):
    jordan, sam, c_sam = factories.jordans_circle("Sam")
    client = as_user(jordan)
    page = client.get("/reach-out").get_data(as_text=True)
    response = client.post("/reach-out", data={"csrf_token": ""})
    assert response.status_code == 422
    assert "Choose first who this goes to" in response.get_data(as_text=True)
    assert "Choose first who gets your" in page
    assert as_user(sam).get("/reach-out").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_the_home_offers_reminders_to_a_new_account_until_not_now(app, as_user):
    person = factories.make_user()
    loved = factories.make_user(LOVED_ONE)
    for user, words in ((person, "remind you once a day"), (loved, "when something is waiting for you")):
        client = as_user(user)
        home = client.get("/home").get_data(as_text=True)
        assert "Want a nudge?" in home and words in home
        response = client.post("/settings/reminders/not-now",
                               data=form_data(home, action="/settings/reminders/not-now"))
        assert response.status_code == 302
        assert "Want a nudge?" not in client.get("/home").get_data(as_text=True)
    old = factories.make_user()
    old.created_at = datetime.now(UTC) - timedelta(days=15)
    db.session.commit()
    assert "Want a nudge?" not in as_user(old).get("/home").get_data(as_text=True)


def test_no_message_goes_to_someone_contact_is_ruled_out_for(app, as_user):
    """A court order or a request for no contact noted on an amends entry, or the loved one's "no":
    Reach out and the quiet-days alert are contact too, so Mend offers neither and sends neither."""
    from recovery.amends import services as amends
    from recovery.errors import Refused
    from tests.dashboards.test_home_actions import SAFE, _entry

    jordan, sam, casey, c_sam, c_casey = factories.jordans_circle("Sam", "Casey")
    services.set_alert(jordan, c_sam, 3, reach_out=True)  # chosen before the order was noted
    entry = _entry(jordan, c_sam)
    amends.save_safety(entry, {**SAFE, "safety_no_contact": True})
    amends.set_openness(casey, jordan.id, "no", "")
    db.session.commit()
    client = as_user(jordan)
    page = client.get(SETTINGS).get_data(as_text=True)
    assert html.unescape(page).count(services.RULED_OUT) == 2
    for connection in (c_sam, c_casey):
        assert f"/settings/reminders/circle/{connection.id}" not in page
    for connection in (c_sam, c_casey):
        try:
            services.set_alert(jordan, connection, 3, reach_out=True)
            raise AssertionError("an alert to someone contact is ruled out for was accepted")
        except Refused as refused:
            assert refused.message == services.RULED_OUT
        db.session.rollback()
    assert services.reach_out_to(jordan) == []
    start = date.today() - timedelta(days=10)
    commitments.create_commitment(jordan, "Walk", "", ScheduleInput(DAILY), start_date=start, today=start)
    db.session.commit()
    services.make_due(datetime.now(UTC) + timedelta(days=5))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
