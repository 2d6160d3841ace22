"""A week before a supporter's consent runs out, whoever gave it hears so, once (recovery/notifications).

The notice waits in What's new and goes by email or push only to someone who turned on daily reminders, at their
reminder time and never in quiet hours, in neutral words outside the page. It links to the consent, where
"Change or renew" is; renewing gives a new last day and a new notice before it. A consent chosen in its own last
week, ended, or already over gets none, and nobody else (the supporter, another family) hears about it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from recovery import i18n
from recovery.accounts.models import LOVED_ONE, PERSON, SUPPORTER
from recovery.db import db
from recovery.notifications import services
from recovery.notifications.models import CONSENT_ENDING, Notification
from recovery.notifications.words import CHOICE_OF, NEUTRAL, NEUTRAL_SUBJECT, words_for
from recovery.supporters import services as supporters
from tests import factories
from tests.forms import form_data
from tests.notifications.test_reminders import rows, sent_to, turn_on

ZONE = "America/New_York"
PURPOSE = "Sessions about the zebra-consent-sentinel"


def notices(user) -> list[Notification]:
    db.session.commit()  # what was queued to send goes out on commit
    return rows(user, CONSENT_ENDING)


def moment(owner, days_from_today: int, hour: int = 19, minute: int = 0) -> datetime:
    """An instant at the owner's local wall-clock time, some days from their today."""
    day = supporters.today_for(owner) + timedelta(days=days_from_today)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(owner.timezone)).astimezone(UTC)


def tie_for(owner, days: int = 30, supporter=None, share=("tracker",)):
    return factories.make_support(owner, supporter, share=frozenset(share), days=days, purpose=PURPOSE)


def tick(now: datetime) -> None:
    services.make_due(now)
    services.deliver(now)


def test_once_a_week_before_the_last_day_at_the_reminder_time(app):
    person = factories.make_user(PERSON, timezone=ZONE)
    turn_on(person, daily_on=True, daily_time=time(19, 0))
    tie = tie_for(person, days=30)
    last_day = supporters.current_consent(tie).ends_on
    tick(moment(person, 22, 20))  # eight days before the last day
    tick(moment(person, 23, 18, 55))  # seven days before, but before the reminder time
    assert notices(person) == []
    for when in (moment(person, 23), moment(person, 23, 19, 5), moment(person, 24), moment(person, 30)):
        tick(when)
    [notice] = notices(person)
    assert notice.key == f"{tie.id}:{last_day.isoformat()}" and notice.about_id == tie.supporter_id
    # One email, in neutral words: nothing of the consent, the supporter or recovery leaves Mend.
    sent = sent_to(person.email)
    assert len(sent) == 1 and sent[0]["Subject"] == NEUTRAL_SUBJECT
    assert NEUTRAL in sent[0].get_body(("plain",)).get_content()
    assert PURPOSE not in str(sent[0]) and tie.supporter.display_name not in str(sent[0])
    tick(moment(person, 31))  # over: nothing more
    assert len(notices(person)) == 1


def test_renewing_it_gives_a_new_notice_before_the_new_last_day(app):
    person = factories.make_user(PERSON, timezone=ZONE)
    turn_on(person, daily_on=True)
    tie = tie_for(person, days=30)
    tick(moment(person, 24))
    offer = supporters.clean_offer(person, ["tracker"], PURPOSE, supporters.today_for(person) + timedelta(days=90))
    supporters.change_consent(person, tie, offer)
    db.session.commit()
    tick(moment(person, 30))  # the old last day: the consent now holds for two more months
    assert len(notices(person)) == 1
    tick(moment(person, 83))
    new_last_day = (supporters.today_for(person) + timedelta(days=90)).isoformat()
    assert [n.key.split(":")[1] for n in notices(person)][1:] == [new_last_day]


def test_no_notice_when_it_was_chosen_in_its_last_week_ended_or_is_over(app):
    short = factories.make_user(PERSON, timezone=ZONE)
    tie_for(short, days=5)  # chosen knowing it ends within the week
    ended = factories.make_user(PERSON, timezone=ZONE)
    tie = tie_for(ended, days=30)
    supporters.end_tie(ended, tie)
    db.session.commit()
    for days in (1, 4, 5, 23, 24, 30):
        tick(moment(short, days, 21))
    assert notices(short) == [] and notices(ended) == []


def test_a_loved_one_who_chose_a_supporter_hears_and_no_one_else_does(app):
    """Two families: each owner hears of their own consent only; the supporters hear nothing."""
    sam = factories.make_user(LOVED_ONE, timezone=ZONE)
    counsellor = factories.make_user(SUPPORTER, timezone=ZONE)
    family_tie = tie_for(sam, days=30, supporter=counsellor, share=("trust",))
    jordan = factories.make_user(PERSON, timezone="Europe/Madrid")
    other = tie_for(jordan, days=60, supporter=counsellor)
    tick(moment(sam, 24, 21))
    assert [n.key for n in notices(sam)] == [f"{family_tie.id}:{supporters.current_consent(family_tie).ends_on}"]
    assert notices(jordan) == [] and notices(counsellor) == []
    tick(moment(jordan, 54, 21))
    assert [n.key for n in notices(jordan)] == [f"{other.id}:{supporters.current_consent(other).ends_on}"]
    assert len(notices(sam)) == 1 and notices(counsellor) == []


def test_quiet_hours_hold_it_and_without_reminders_it_waits_in_whats_new(app):
    quiet = factories.make_user(PERSON, timezone=ZONE)
    turn_on(quiet, daily_on=True, daily_time=time(8, 0), quiet_start=time(7, 0), quiet_end=time(12, 0))
    tie_for(quiet, days=30)
    tick(moment(quiet, 23, 9))
    assert notices(quiet) == []
    tick(moment(quiet, 23, 12, 5))
    assert len(notices(quiet)) == 1
    unset = factories.make_user(PERSON, timezone=ZONE)  # never opened the reminder settings
    tie_for(unset, days=30)
    tick(moment(unset, 23, 21))
    assert len(notices(unset)) == 1
    assert sent_to(unset.email) == []
    assert CHOICE_OF[CONSENT_ENDING] == "daily"


def test_whats_new_links_to_the_consent_where_it_can_be_renewed(app, as_user):
    person = factories.make_user(PERSON, timezone=ZONE)
    tie = tie_for(person, days=30)
    tick(moment(person, 24, 21))
    client = as_user(person)
    page = client.get("/whats-new").get_data(as_text=True)
    name = tie.supporter.display_name
    assert f"Your consent for {name} to see what you share ends after" in page
    link = f"/supporters/{tie.id}/consent"
    assert f'href="{link}"' in page
    consent = client.get(link)
    assert consent.status_code == 200 and "Change or renew" in consent.get_data(as_text=True)
    renew = client.get(f"/supporters/{tie.id}/consent/change").get_data(as_text=True)
    later = (supporters.today_for(person) + timedelta(days=120)).isoformat()
    response = client.post(f"/supporters/{tie.id}/consent/change", data=form_data(renew, ends_on=later))
    assert response.status_code == 302
    assert supporters.current_consent(tie).ends_on.isoformat() == later
    # Someone else following the same link finds nothing there.
    stranger = as_user(factories.make_user(PERSON, timezone=ZONE))
    assert stranger.get(link).status_code == 404
    assert "consent" not in stranger.get("/whats-new").get_data(as_text=True).lower()


def test_its_words_name_the_supporter_and_the_last_day_in_the_owners_language(app):
    person = factories.make_user(PERSON, timezone=ZONE)
    tie = tie_for(person, days=30)
    tick(moment(person, 24, 21))
    [notice] = notices(person)
    last_day = supporters.current_consent(tie).ends_on
    with app.test_request_context():
        words = words_for(notice, person=True)
        assert words.endpoint == "supporters.consent" and words.args == {"connection_id": tie.id}
        assert tie.supporter.display_name in words.text and f"{last_day:%A} {last_day.day} {last_day:%B}" in words.text
        assert PURPOSE not in words.text
        with i18n.speaking("es"):
            spanish = words_for(notice, person=True)
            assert "consentimiento" in spanish.text and i18n.format_day(last_day, "%A %-d %B") in spanish.text
            assert " de " in i18n.format_day(last_day, "%A %-d %B")


def test_the_demos_morgan_is_told_hers_ends_in_six_days_and_jordan_and_sam_are_not(app):
    """The demo circle shows it: Morgan gave her consent twelve weeks ago and it ends in six days."""
    from recovery.accounts.models import User
    from recovery.demo import create_demo

    create_demo()
    db.session.commit()
    people = {u.display_name: u for u in db.session.scalars(sa.select(User))}
    morgan = people["Morgan"]
    tick(moment(morgan, 0, 23, 30))
    [notice] = notices(morgan)
    assert notice.about_id == people["Dr. Rivera"].id
    assert notice.key.endswith((supporters.today_for(morgan) + timedelta(days=6)).isoformat())
    assert notices(people["Jordan"]) == [] and notices(people["Sam"]) == [] and notices(people["Dr. Rivera"]) == []
    with app.test_request_context():
        assert "Dr. Rivera" in words_for(notice, person=True).text
