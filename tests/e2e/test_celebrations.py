"""Issue 16 item 9 in a real browser: the check-in that completes a first week kept shows a warm moment right
there, the home keeps it for the day, and with reduced motion nothing moves. Each test makes its own person
in the live server's database, so the demo circle stays as it was."""

from __future__ import annotations

import itertools
from datetime import timedelta

from tests.e2e.helpers import blocking, describe, expect, log_in, run_axe

PHONE = {"viewport": {"width": 390, "height": 844}}
_people = itertools.count(1)

ANIMATIONS = """(selector) => [...document.querySelectorAll(selector + ', ' + selector + ' *')]
    .map(el => getComputedStyle(el).animationName).filter(name => name && name !== 'none')"""


def _six_kept_days(live_server) -> str:
    """A new person whose daily commitment started 6 days ago and was kept every day since: today is day 7."""
    from recovery.accounts.models import PERSON
    from recovery.db import db
    from recovery.tracker import commitments
    from recovery.tracker.commitments import ScheduleInput
    from recovery.tracker.models import DAILY, CheckIn
    from tests import factories

    email = f"first-week-{next(_people)}@example.org"
    with live_server.db():
        person = factories.make_user(PERSON, name="Robin", email=email)
        today = commitments.today_for(person)
        start = today - timedelta(days=6)
        c = commitments.create_commitment(person, "Walk the dog", "", ScheduleInput(DAILY), start, today=start)
        db.session.add_all(CheckIn(commitment_id=c.id, local_date=start + timedelta(days=d), status="kept")
                           for d in range(6))
        db.session.commit()
        db.session.remove()
    return email


def _keep_today(context, email: str):
    from tests import factories

    page = context.new_page()
    log_in(page, email, factories.PASSWORD)
    page.get_by_role("button", name="Kept", exact=True).click()
    page.wait_for_load_state()
    return page


def test_completing_a_first_week_shows_the_moment(new_context, live_server):
    """Press "Kept" on the seventh day: the moment is on screen with its drawing, moving once; the home
    also keeps it as today's moment; axe finds nothing, in light and in dark mode."""
    email = _six_kept_days(live_server)
    page = _keep_today(new_context(**PHONE), email)
    moment = page.locator(".celebration-moment")
    expect(moment).to_be_visible()
    expect(moment).to_contain_text("You kept the first 7 days of “Walk the dog”")
    expect(moment.locator("svg.celebration-art")).to_be_visible()
    assert page.evaluate(ANIMATIONS, ".celebration-moment")  # the drawing grows in when motion is welcome
    today = page.get_by_role("region", name="Worth celebrating")
    expect(today).to_contain_text("A first week kept")
    assert not blocking(run_axe(page)), describe(run_axe(page), "home after a first week")

    dark = new_context(color_scheme="dark", **PHONE).new_page()
    from tests import factories

    log_in(dark, email, factories.PASSWORD)
    expect(dark.get_by_role("region", name="Worth celebrating")).to_be_visible()
    violations = blocking(run_axe(dark))
    assert not violations, describe(violations, "home in dark mode")

    page.reload()
    expect(page.locator(".celebration-moment")).to_have_count(0)  # said once, right after the check-in


def test_with_reduced_motion_nothing_moves(new_context, live_server):
    """With "reduce motion" asked for (and no JavaScript: none is needed), the moment and today's moments are
    shown, and nothing animates."""
    email = _six_kept_days(live_server)
    page = _keep_today(new_context(reduced_motion="reduce", java_script_enabled=False, **PHONE), email)
    expect(page.locator(".celebration-moment")).to_be_visible()
    assert page.evaluate(ANIMATIONS, ".celebration-moment") == []
    assert page.evaluate(ANIMATIONS, ".celebrations") == []
    names = page.evaluate("""() => [...document.querySelectorAll('.celebration-art *')]
        .map(el => getComputedStyle(el).animationName)""")
    assert names and set(names) == {"none"}
