"""Issue 18, item 6: a loved one's self-care in a real browser, on a phone — Sam adds a commitment and checks in."""

from __future__ import annotations

from tests.e2e.helpers import expect, expect_flash, go_by_menu, log_in_demo, overflow
from tests.e2e.pages import LOVED_ONE

PHONE = {"viewport": {"width": 360, "height": 740}}


def test_sam_adds_a_walk_with_a_friend_and_checks_in_on_a_phone(new_context, artifacts):
    """From the menu's "Self-care" to a kept day, on a 360 px phone, through the pages' own forms and buttons."""
    page = log_in_demo(new_context(**PHONE), LOVED_ONE)
    out = artifacts / "screens"
    out.mkdir(exist_ok=True)

    go_by_menu(page, "Self-care")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    page.get_by_role("navigation", name="Self-care").get_by_role("link", name="All commitments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My self-care")
    page.get_by_role("link", name="New commitment").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A new self-care commitment")
    assert page.get_by_label("Is it a living amends? (optional)").count() == 0
    page.screenshot(path=str(out / "sam-self-care-form-360.png"), full_page=True)

    page.get_by_label("What will you do?").fill("Walk with a friend")
    page.get_by_label("Why it matters to you (optional)").fill("Fresh air, and a friend who listens.")
    page.get_by_label("A number of times a week, on any days").check()
    page.get_by_label("How many times a week?").fill("2")
    page.get_by_role("button", name="Add commitment").click()
    expect_flash(page, "“Walk with a friend” is on your list")
    expect(page.get_by_role("heading", level=1)).to_have_text("Walk with a friend")
    assert overflow(page) is None, overflow(page)

    go_by_menu(page, "Self-care")
    item = page.locator(".today-item").filter(has=page.get_by_role("link", name="Walk with a friend", exact=True))
    expect(item).to_have_count(1)
    item.get_by_role("button", name="Kept", exact=True).click()
    expect_flash(page, "Kept: “Walk with a friend”")
    item = page.locator(".today-item").filter(has=page.get_by_role("link", name="Walk with a friend", exact=True))
    expect(item.get_by_role("button", name="Kept", exact=True)).to_have_attribute("aria-pressed", "true")
    assert overflow(page) is None, overflow(page)
    page.screenshot(path=str(out / "sam-self-care-today-360.png"), full_page=True)

    page.goto("/tracker/")
    expect(page.locator("main")).to_contain_text("Walk with a friend")
    assert overflow(page) is None, overflow(page)
    page.screenshot(path=str(out / "sam-self-care-360.png"), full_page=True)
