"""Issue 19 in a real browser: a loved one asks a counsellor to join with a consent, the counsellor accepts and
reads what is shared, and when the loved one ends it the counsellor's next page is a 404. Both on a phone."""

from __future__ import annotations

from tests.e2e.helpers import expect, expect_flash, log_in_demo, overflow

PHONE = {"viewport": {"width": 360, "height": 740}}


def test_pat_chooses_dr_rivera_for_family_sessions_and_ends_it(new_context, artifacts):
    out = artifacts / "screens"
    out.mkdir(exist_ok=True)
    pat = log_in_demo(new_context(**PHONE), "pat")

    # Pat finds "My supporters" from the circle page and fills in the consent first.
    pat.goto("/circle/")
    pat.get_by_role("link", name="My supporters").click()
    pat.get_by_role("link", name="Invite a supporter").first.click()
    expect(pat.get_by_role("heading", level=1)).to_have_text("Invite a supporter")
    pat.get_by_label("Counsellor or therapist").check()
    pat.get_by_label("Boundaries").check()
    pat.get_by_label("Why you are sharing").fill("For our family sessions.")
    pat.get_by_role("button", name="Make my invitation link").click()
    expect(pat.get_by_role("heading", level=1)).to_have_text("Your invitation link is ready")
    link = pat.locator("#invite-link").input_value()
    assert "/supporters/join/" in link
    assert overflow(pat) is None, overflow(pat)
    pat.screenshot(path=str(out / "pat-supporter-link-360.png"), full_page=True)

    # Dr. Rivera opens the link, reads the consent offered and accepts it.
    rivera = log_in_demo(new_context(**PHONE), "rivera")
    rivera.goto(link)
    expect(rivera.get_by_role("heading", level=1)).to_contain_text("Pat asks you to be their")
    expect(rivera.locator("main")).to_contain_text("For our family sessions.")
    rivera.screenshot(path=str(out / "rivera-join-360.png"), full_page=True)
    rivera.get_by_role("button", name="Accept").click()
    expect_flash(rivera, "")
    rivera.goto("/supporting/")
    card = rivera.locator("article, .card").filter(has_text="Pat").first
    expect(card).to_contain_text("Boundaries")
    assert overflow(rivera) is None, overflow(rivera)
    rivera.screenshot(path=str(out / "rivera-overview-360.png"), full_page=True)
    card.get_by_role("link", name="Boundaries").click()
    expect(rivera.get_by_role("heading", level=1)).to_have_text("Pat's boundaries")
    shared_url = rivera.url
    assert rivera.locator("main form").count() == 0  # read only

    # Pat ends it; Dr. Rivera's very next request for the same page is a 404.
    pat.goto("/supporters/")
    pat.locator(".card, article").filter(has_text="Dr. Rivera").get_by_role("link", name="End it").first.click()
    pat.get_by_role("button", name="End the consent").click()
    expect_flash(pat, "")
    response = rivera.goto(shared_url)
    assert response.status == 404
    pat.goto("/circle/access-log")
    expect(pat.locator("main")).to_contain_text("Dr. Rivera")
