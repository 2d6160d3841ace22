"""Issue 18 items 5 and 7 in a real browser, on a phone: Sam checks in on himself from the menu and reads what his
checks say; stepping back stops at its safety questions when someone could be in danger."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.helpers import blocking, describe, expect, go_by_menu, log_in_demo, overflow, run_axe

PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
ANSWERS = {"Sleep": "6", "Work or daily tasks": "7", "Friends and fun": "5", "Your health": "6",
           "Time for yourself": "3", "Money": "4", "Your feelings": "6", "The relationship": "7"}


def _make_room_for_a_check(live_server) -> None:
    """Checks are once a week: take away any check of Sam's from the last 6 days (a rerun's), so one is due."""
    import sqlalchemy as sa

    from recovery.accounts.models import User
    from recovery.db import db
    from recovery.demo import DEMO_DOMAIN
    from recovery.wellbeing import services
    from recovery.wellbeing.models import WellbeingCheck

    with live_server.db():
        sam = db.session.scalar(sa.select(User).where(User.email == f"sam@{DEMO_DOMAIN}"))
        week_ago = services.today_for(sam) - timedelta(days=services.DAYS_BETWEEN)
        db.session.execute(sa.delete(WellbeingCheck).where(WellbeingCheck.owner_id == sam.id,
                                                           WellbeingCheck.local_date > week_ago))
        db.session.commit()
        db.session.remove()


def test_sam_checks_in_on_himself_on_a_phone_and_reads_what_it_says(new_context, live_server):
    _make_room_for_a_check(live_server)
    page = log_in_demo(new_context(**PHONE), "sam")
    go_by_menu(page, "Looking after me")
    expect(page.get_by_role("heading", name="Looking after me", level=1)).to_be_visible()
    page.get_by_role("link", name="Check in on yourself").or_(page.get_by_role("link", name="Do your first check")) \
        .first.click()
    expect(page.get_by_role("heading", name="How are you doing this week?")).to_be_visible()
    assert overflow(page) is None, overflow(page)
    for part, number in ANSWERS.items():
        group = page.get_by_role("group", name=part, exact=True)
        group.get_by_role("radio", name=number, exact=True).check()
    page.get_by_label("A private note, if you like").fill("Walked twice. Slept better after Tuesday.")
    page.get_by_role("button", name="Save my check").click()

    expect(page.locator(".flashes")).to_contain_text("Thank you for taking a moment for yourself")
    reading = page.get_by_role("region", name="What your checks say")
    expect(reading).to_be_visible()
    expect(reading).to_contain_text("5.5 out of 10 on average")
    expect(reading).to_contain_text("Low right now: time for yourself")
    expect(reading.get_by_role("heading", name="You don't have to carry this alone")).to_be_visible()
    expect(page.get_by_role("img", name="Your wellbeing, check by check")).to_be_visible()
    expect(page.get_by_role("region", name="Part by part")).to_contain_text("Time for yourself")
    expect(page.get_by_text("Walked twice. Slept better after Tuesday.")).to_be_visible()
    expect(reading).to_contain_text("Your next check can be on")
    assert overflow(page) is None, overflow(page)
    violations = blocking(run_axe(page))
    assert not violations, "\n".join(describe(violations, "wellbeing checks"))

    page.goto("/home")
    expect(page.get_by_role("heading", name="How you're doing")).to_be_visible()
    expect(page.locator(".home-wellbeing")).to_contain_text("5.5 out of 10 on average")


def test_stepping_back_stops_when_someone_could_be_in_danger(new_context):
    page = log_in_demo(new_context(**PHONE), "sam")
    page.goto("/looking-after-me/stepping-back/new")
    expect(page.get_by_role("heading", name="Safety first")).to_be_visible()
    expect(page.get_by_label("What you usually do")).to_have_count(0)
    for question in page.locator("fieldset.safety-question").all():
        question.get_by_role("radio", name="No", exact=True).check()
    page.locator("fieldset.safety-question").nth(4).get_by_role("radio", name="Not sure", exact=True).check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Please don't step back this time")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nothing was saved.")
    expect(page.locator("main a[href^='tel:']").first).to_be_visible()
    expect(page.get_by_label("What you usually do")).to_have_count(0)
    assert overflow(page) is None, overflow(page)
    violations = blocking(run_axe(page))
    assert not violations, "\n".join(describe(violations, "don't step back"))
