"""Issue 16 in a real browser: on a phone, the loved one's home shows what waits for them on the first screen,
and the person's home offers one main action. Read-only: the demo stays as it was."""

from __future__ import annotations

import re

from tests.e2e.helpers import expect, log_in_demo

PHONE = {"viewport": {"width": 390, "height": 844}}


def _in_first_screen(page, locator) -> None:
    """The element is on the first screen, without scrolling: its whole box within the viewport."""
    page.evaluate("window.scrollTo(0, 0)")
    box = locator.bounding_box()
    assert box is not None
    height = page.viewport_size["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"{box} is not within the first {height}px"


def test_the_loved_ones_first_action_is_on_the_first_screen(new_context):
    """Sam (the demo's partner) sees "Waiting for you" with days to confirm and Jordan's boundary to read,
    before anything else, without scrolling; the first action opens the days to confirm."""
    page = log_in_demo(new_context(**PHONE), "sam")
    waiting = page.get_by_role("region", name="Waiting for you")
    expect(waiting).to_be_visible()
    actions = waiting.get_by_role("link")
    expect(actions.first).to_contain_text(re.compile(r"\d+ days? waiting for your word"))
    expect(waiting).to_contain_text("boundary")
    _in_first_screen(page, actions.first)
    actions.first.click()
    expect(page.get_by_role("heading", name="Jordan's tracker")).to_be_visible()


def test_pat_hears_nothing_waits_and_sees_no_amends_nudge(new_context):
    """Pat answered "not yet": no question about amends waits for Pat, and the home says so in one line."""
    page = log_in_demo(new_context(**PHONE), "pat")
    waiting = page.get_by_role("region", name="Waiting for you")
    expect(waiting).not_to_contain_text("amends")
    _in_first_screen(page, waiting.get_by_role("heading", name="Waiting for you"))


def test_the_persons_home_has_one_main_action(new_context):
    """Jordan's check-ins due today are the one main action; the finished path folds into one line."""
    page = log_in_demo(new_context(**PHONE), "jordan")
    main = page.locator("main")
    expect(main.locator("a.button.primary")).to_have_count(0)
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    _in_first_screen(page, page.get_by_role("heading", name="Today"))
    expect(main.get_by_role("link", name="Invite someone")).to_have_count(0)
