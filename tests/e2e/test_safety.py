"""Issue 13 in a real browser: the demo's court order and a loved one's "no" stop every suggestion of contact,
and a child in the circle is not asked to check on their parent. Read-only: the demo stays as it was."""

from __future__ import annotations

import re

from tests.e2e.helpers import expect, go_by_menu, log_in_demo

PHONE = {"viewport": {"width": 360, "height": 740}}


def test_a_court_order_and_a_no_close_contact_for_jordan(new_context):
    """Jordan's amends list says "No contact" for Jamie and Casey; Jamie's page offers no direct amends at all."""
    page = log_in_demo(new_context(**PHONE), "jordan")
    go_by_menu(page, "Amends")
    mum = page.locator(".amends-card", has=page.get_by_role("link", name="Mum", exact=True))
    expect(mum).to_contain_text("Not yet")
    expect(page.locator(".next-step")).not_to_contain_text("You have a plan with")
    casey = page.locator(".amends-card", has=page.get_by_role("link", name="Casey", exact=True))
    expect(casey).to_contain_text("No — please don't contact me about this")
    expect(casey).to_contain_text("No contact")
    page.get_by_role("link", name="Jamie", exact=True).click()
    expect(page.get_by_role("note").first).to_contain_text("breaking a court order can be a crime")
    expect(page.get_by_role("link", name="Plan what I'll say")).to_have_count(0)
    expect(page.get_by_role("heading", name="Ways that need no contact")).to_be_visible()
    page.get_by_role("link", name="Change", exact=True).click()
    expect(page.get_by_role("radio", name=re.compile("Direct amends"))).to_have_count(0)
    expect(page.get_by_role("radio", name=re.compile("Indirect amends"))).to_have_count(1)
    # The guide for an amends conversation puts their answers first and doesn't offer Casey.
    page.goto("/talk/scripts/making-an-amends")
    expect(page.get_by_role("heading", name="Their answers come first")).to_be_visible()
    options = page.get_by_label(re.compile("Who is the conversation with")).locator("option").all_inner_texts()
    assert not any(o.startswith("Casey") for o in options), options


def test_a_child_is_not_asked_to_check_on_their_parent(new_context):
    """Casey sees Jordan's tracker without "Did you see these?", and finds help written for young people."""
    page = log_in_demo(new_context(**PHONE), "casey")
    expect(page.get_by_text(re.compile("waiting for your word"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Help for young people"))).to_be_visible()
    page.get_by_role("link", name="Tracker", exact=True).first.click()
    expect(page.get_by_role("heading", name="Jordan's tracker")).to_be_visible()
    expect(page.get_by_role("heading", name="Did you see these?")).to_have_count(0)
    page.goto("/help/young-people")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Alateen")
