"""Find help near me in a real browser, on a phone: Jordan adds a local meeting as a commitment in one tap;
Sam chooses another country; a visitor's country chooser works without JavaScript."""

from __future__ import annotations

import re
from contextlib import contextmanager

import sqlalchemy as sa

from tests.e2e.helpers import demo_email, expect, expect_flash, go_by_menu, log_in, overflow

PHONE = {"width": 390, "height": 844}


@contextmanager
def local_list(live_server):
    """The server as if instance/local_help.toml held the demo's list (it is read once, at start-up)."""
    from recovery.findhelp import local_list as module
    from recovery.findhelp.demo import DEMO_LOCAL_HELP

    extensions = live_server.app.extensions
    before = extensions.get(module.EXTENSION, ())
    extensions[module.EXTENSION] = module.parse(DEMO_LOCAL_HELP)
    try:
        yield
    finally:
        extensions[module.EXTENSION] = before


def _remove_commitments(live_server, title: str) -> None:
    """Leave the demo circle as the other browser tests expect it."""
    from recovery.db import db
    from recovery.tracker.models import Commitment

    with live_server.db():
        db.session.execute(sa.delete(Commitment).where(Commitment.title == title))
        db.session.commit()
        db.session.remove()


def test_jordan_adds_a_meeting_as_a_commitment_on_a_phone(new_context, live_server, artifacts):
    title = "Go to the Riverside Tuesday Night Group"
    page = new_context(viewport=PHONE).new_page()
    log_in(page, demo_email("jordan"))
    try:
        with local_list(live_server):
            go_by_menu(page, "Get help")
            page.get_by_role("link", name="Find help near me").click()
            page.wait_for_url(re.compile(r"/help/near-me/$"))
            expect(page.get_by_role("heading", name="Find help near me", level=1)).to_be_visible()
            # The local list comes first, before the crisis lines and the groups.
            headings = page.locator("main h2").all_inner_texts()
            assert headings[:3] == ["Near you", "Right now", "Groups for the person in recovery"], headings
            assert overflow(page) is None
            page.screenshot(path=str(artifacts / "find-help-jordan-390.png"), full_page=True)
            meeting = page.locator("li.finder-item", has_text="Riverside Tuesday Night Group")
            button = meeting.get_by_role("button", name="Add as a commitment")
            box = button.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 300  # a full-width button, easy to tap
            button.click()
            page.wait_for_url(re.compile(r"/tracker/commitments/\d+$"))
            expect_flash(page, f"“{title}” is on your list, once a week.")
            expect(page.get_by_role("heading", level=1)).to_contain_text(title)
            page.screenshot(path=str(artifacts / "find-help-added-390.png"), full_page=True)
    finally:
        _remove_commitments(live_server, title)


def test_sam_sees_groups_for_family_first_and_can_choose_a_country(new_context, live_server, artifacts):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, demo_email("sam"))
    with local_list(live_server):
        page.goto("/help/near-me/")
        headings = page.locator("main h2").all_inner_texts()
        assert headings[:3] == ["Near you", "Right now", "Groups for family and friends"], headings
        expect(page.locator("#near-you").locator("xpath=..")).to_contain_text("Thursday Family Group")
        expect(page.locator("#near-you").locator("xpath=..")).not_to_contain_text("Riverside Tuesday Night Group")
        page.screenshot(path=str(artifacts / "find-help-sam-390.png"), full_page=True)
        page.get_by_label("Show help for").select_option("GB")
        page.get_by_role("button", name="Show", exact=True).click()
        page.wait_for_url(re.compile(r"country=GB"))
        al_anon_link = page.get_by_role("link", name="Al-Anon UK and Eire", exact=True)
        expect(al_anon_link).to_be_visible()
        expect(page.locator("main")).to_contain_text("Samaritans")
        al_anon = page.locator("li.finder-item").filter(has=al_anon_link)
        expect(al_anon.get_by_role("button", name="Add as a commitment")).to_be_visible()
        assert overflow(page) is None


def test_a_visitor_chooses_a_country_without_javascript(new_context):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto("/help")
    page.get_by_role("link", name="Find help near me").click()
    page.get_by_label("Show help for").select_option("AU")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator("main")).to_contain_text("National Alcohol and Other Drug Hotline")
    expect(page.get_by_role("button", name="Add as a commitment")).to_have_count(0)
