"""A reminder goes through the real path: the periodic job, the job queue, and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from aiosmtpd.controller import Controller

from recovery import jobs, mail
from recovery.db import db
from recovery.notifications import services
from recovery.notifications.words import NEUTRAL, NEUTRAL_SUBJECT
from recovery.tracker import commitments
from recovery.tracker.commitments import ScheduleInput
from recovery.tracker.models import DAILY
from tests import factories
from tests.accounts.test_mail_queue import HeldMailbox, wait_for
from tests.live_gunicorn import free_port


def _served_by_real_smtp(make_app, **config):
    """An app whose mail goes to a real SMTP server (aiosmtpd) on a free port, and that server's mailbox."""
    mailbox = HeldMailbox()
    mailbox.release.set()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                   **config)
    try:
        with app.app_context():
            yield app, mailbox
    finally:
        mail.drain(10)
        controller.stop()


@pytest.fixture
def smtp(make_app):
    yield from _served_by_real_smtp(make_app)


def test_the_periodic_job_sends_a_reminder_through_a_real_mail_server(smtp):
    app, mailbox = smtp
    person = factories.make_user(timezone="UTC")
    start = date.today() - timedelta(days=3)
    commitments.create_commitment(person, "Walk", "", ScheduleInput(DAILY), start_date=start, today=start)
    services.save_settings(person, by_email=True, daily_on=True, daily_time=time(0, 0), weekly_on=False,
                           weekly_day=6, circle_on=True, quiet_start=None, quiet_end=None, full_wording=False,
                           calendar_alarm=False)
    db.session.commit()
    jobs.queue().tasks["notifications.tick"].call_local()  # what the consumer's clock runs every 5 minutes
    jobs.queue().tasks["notifications.tick"].call_local()  # and again: nothing new
    assert wait_for(lambda: mailbox.messages)
    mail.drain(10)
    [message] = mailbox.messages
    assert message["To"] == person.email and message["Subject"] == NEUTRAL_SUBJECT
    assert message.get_body(("plain",)).get_content().splitlines()[2] == NEUTRAL
    html = message.get_body(("html",)).get_content()
    assert "Open Mend" in html and "Stop these emails" in html
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://mend.test/unsubscribe/") and unsubscribe in html


@pytest.fixture
def bilingual_smtp(make_app):
    yield from _served_by_real_smtp(make_app, LANGUAGES=("en", "es"))


def test_each_person_gets_their_reminder_in_their_own_language(bilingual_smtp):
    """The job has no page and no browser: each email speaks its recipient's language, one Spanish and one
    English from the same tick."""
    app, mailbox = bilingual_smtp
    start = date.today() - timedelta(days=3)
    people = {}
    for language, email in (("es", "lucia@example.org"), ("en", "lou@example.org")):
        person = people[language] = factories.make_user(timezone="UTC", email=email)
        person.language = language
        commitments.create_commitment(person, "Walk", "", ScheduleInput(DAILY), start_date=start, today=start)
        services.save_settings(person, by_email=True, daily_on=True, daily_time=time(0, 0), weekly_on=False,
                               weekly_day=6, circle_on=True, quiet_start=None, quiet_end=None, full_wording=False,
                               calendar_alarm=False)
    db.session.commit()
    jobs.queue().tasks["notifications.tick"].call_local()
    assert wait_for(lambda: len(mailbox.messages) == 2)
    mail.drain(10)
    by_person = {message["To"]: message for message in mailbox.messages}
    spanish, english = by_person["lucia@example.org"], by_person["lou@example.org"]
    assert spanish["Subject"] == "Algo que mirar en Mend" and english["Subject"] == NEUTRAL_SUBJECT
    assert spanish.get_body(("plain",)).get_content().splitlines()[2] == "Tiene algo que mirar en Mend."
    html = spanish.get_body(("html",)).get_content()
    assert "Abrir Mend" in html and "Dejar de recibir estos correos" in html and 'lang="es"' in html
    assert "Open Mend" not in html and "Open Mend" in english.get_body(("html",)).get_content()
