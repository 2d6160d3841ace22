"""Issue 17 in a real browser: choosing reminders, "Reach out", and What's new, as Jordan and Sam."""

from __future__ import annotations

from tests.e2e.helpers import expect, expect_flash, go_by_menu, log_in_demo

PHONE = {"viewport": {"width": 390, "height": 844}}


def test_jordan_chooses_reminders_and_reaches_out_and_sam_sees_it(new_context):
    page = log_in_demo(new_context(**PHONE), "jordan")
    go_by_menu(page, "Settings")
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", name="Reminders")).to_be_visible()
    page.get_by_label("At", exact=True).select_option(label="9:00 pm")
    page.get_by_role("button", name="Save reminders").click()
    expect_flash(page, "Saved. You can change these any time.")
    expect(page.get_by_label("At", exact=True)).to_have_value("21:00")

    go_by_menu(page, "Home")
    page.get_by_role("link", name="Reach out").click()
    expect(page.get_by_role("heading", name="If you need someone right now")).to_be_visible()
    expect(page.locator("main")).to_contain_text("One tap lets Sam know")
    page.get_by_role("button", name="Send it").click()
    expect_flash(page, "Sent.")

    sam = log_in_demo(new_context(**PHONE), "sam")
    expect(sam.locator("main")).to_contain_text("new in What's new")
    go_by_menu(sam, "What's new")
    expect(sam.locator(".notification-list li").first).to_contain_text("Jordan would like to hear from you")
    sam.get_by_role("button", name="Mark all as seen").click()
    expect(sam.get_by_role("button", name="Mark all as seen")).to_have_count(0)
