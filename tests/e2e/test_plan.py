"""Issue 18 in a real browser: Jordan's plan for hard days on a phone, Sam reading it through the shared page,
the plan on one printed page, and the copy Jordan may keep on his phone for when he's offline.

Every step is done as a person would: links and buttons by their role and name, fields by their labels.
Jordan only adds to the demo plan (a line and a trigger), so it reads the same to the other tests.
"""

from __future__ import annotations

import re

from tests.e2e.helpers import (
    blocking,
    demo_email,
    describe,
    expect,
    expect_flash,
    log_in,
    log_in_demo,
    open_menu,
    overflow,
    run_axe,
)
from tests.e2e.test_install import eventually, worker_ready

PHONE = {"viewport": {"width": 360, "height": 740}}
REASON = "Riding bikes with Casey on Saturdays."
TRIGGER, RESPONSE = "A long drive home alone", "Put on a podcast and phone Sam from the car park."


def test_jordan_fills_two_parts_on_a_phone_and_sam_reads_them(new_context, demo, artifacts):
    """The demo's Jordan shares his plan with Sam (recovery/plan/demo.py)."""
    page = log_in_demo(new_context(**PHONE), "jordan")
    # One tap from the home page, beside Quick exit.
    page.get_by_role("link", name="My plan", exact=True).click()
    expect(page.get_by_role("heading", name="My plan for hard days", level=1)).to_be_visible()
    assert overflow(page) is None

    # A line added to the end of "My reasons to keep going".
    reasons = page.locator("#reasons")
    reasons.get_by_role("link", name=re.compile("^(Change|Fill in)")).click()
    expect(page.get_by_role("heading", name="My reasons to keep going")).to_be_visible()
    box = page.get_by_label("What matters most to me?")
    box.fill((box.input_value().rstrip() + "\n" + REASON).lstrip())
    assert overflow(page) is None
    page.get_by_role("button", name="Save", exact=True).click()
    expect_flash(page, "Saved.")
    expect(page.locator("#reasons")).to_contain_text(REASON)

    # A trigger in the first empty row of "My triggers".
    page.locator("#triggers").get_by_role("link", name=re.compile("^(Change|Fill in)")).click()
    rows = page.locator("fieldset.hd-row")
    empty = next(i for i in range(rows.count()) if not rows.nth(i).get_by_label("Trigger").input_value())
    rows.nth(empty).get_by_label("Trigger").fill(TRIGGER)
    rows.nth(empty).get_by_label("What I'll do").fill(RESPONSE)
    page.screenshot(path=str(artifacts / "screens" / "jordan-plan-triggers-360.png"), full_page=True)
    assert not blocking(run_axe(page)), describe(blocking(run_axe(page)), "the triggers page")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#triggers")).to_contain_text(TRIGGER)
    expect(page.locator("#triggers")).to_contain_text(RESPONSE)
    assert overflow(page) is None
    violations = blocking(run_axe(page))
    assert not violations, describe(violations, "the plan page")
    page.screenshot(path=str(artifacts / "screens" / "jordan-plan-360.png"), full_page=True)

    # Sam opens it from his circle, reads it and can change nothing.
    sam = log_in_demo(new_context(**PHONE), "sam")
    sam.goto("/circle/")
    sam.locator(f"#connection-{demo['with_sam']}").get_by_role("link", name=re.compile("Plan for hard days")).click()
    expect(sam.get_by_role("heading", name="Jordan's plan for hard days")).to_be_visible()
    expect(sam.get_by_role("heading", name="How you can help when Jordan uses this plan")).to_be_visible()
    main = sam.locator("main")
    expect(main).to_contain_text(REASON)
    expect(main).to_contain_text(TRIGGER)
    expect(main.get_by_role("button")).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile(r"^(Change|Fill in)(:|$)|commitment"))).to_have_count(0)
    expect(main.locator('a[href^="/plan/"]')).to_have_count(0)
    assert sam.locator(".my-plan").count() == 0  # a loved one has no plan of their own here
    assert overflow(sam) is None
    assert not blocking(run_axe(sam)), describe(blocking(run_axe(sam)), "Sam's view")
    sam.screenshot(path=str(artifacts / "screens" / "sam-jordans-plan-360.png"), full_page=True)

    # Jordan sees Sam's visit in his access log.
    page.goto("/circle/access-log")
    expect(page.locator("main")).to_contain_text("Plan for hard days")


def test_the_plan_prints_on_one_page(new_context, artifacts):
    page = log_in_demo(new_context(), "jordan")
    page.goto("/plan/")
    page.emulate_media(media="print")
    try:
        hidden = page.evaluate("""() => ['.site-header', '.site-footer', '.my-plan', '.hd-keep', '.button', 'nav']
            .filter(sel => Array.from(document.querySelectorAll(sel)).some(el => el.getClientRects().length > 0))""")
        assert hidden == [], f"visible on paper: {hidden}"
        links = page.evaluate("""() => Array.from(document.querySelectorAll('a[href^="/"]'))
            .filter(el => el.getClientRects().length > 0).map(el => el.textContent.trim())""")
        assert links == [], f"Mend links left on paper: {links}"
        expect(page.locator("main")).to_contain_text("My warning signs")
        pdf = page.pdf(path=str(artifacts / "print-hard-days-plan.pdf"), format="Letter")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the plan should print on one page"
    finally:
        page.emulate_media(media="screen")


def test_kept_on_this_device_it_opens_offline_and_logging_out_takes_it_off(new_context, live_server):
    context = new_context(**PHONE)
    page = context.new_page()
    log_in(page, demo_email("jordan"))
    worker_ready(page)
    page.goto("/plan/")
    names = "caches.keys()"
    assert "mend-plan" not in page.evaluate(names)  # nothing is kept until Jordan asks
    keep = page.get_by_label("Keep my plan on this device for when I'm offline")
    expect(keep).not_to_be_checked()
    keep.check()
    expect(page.get_by_text("Your plan opens on this device even with no connection")).to_be_visible()
    kept = page.evaluate("""async () => { const c = await caches.open("mend-plan");
        return (await c.keys()).map(r => new URL(r.url).pathname); }""")
    assert sorted(kept) == ["/plan/", "/static/css/plan.css", "/static/js/plan.js"]

    context.set_offline(True)
    try:
        page.goto("/plan/")
        expect(page.get_by_role("heading", name="My plan for hard days", level=1)).to_be_visible()
        expect(page.locator("#warning-signs")).to_contain_text("I stop answering texts")
        # Styled from the kept plan.css: the part numbers keep their round shape.
        assert page.evaluate("getComputedStyle(document.querySelector('.hd-number')).borderRadius") == "50%"
        page.goto("/tracker/today")  # any other page: the offline page, never a kept copy
        expect(page).to_have_title("You're offline · Mend")
    finally:
        context.set_offline(False)

    page.goto("/home")
    open_menu(page)
    page.get_by_role("button", name="Log out", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))
    assert eventually(page, names, lambda found: "mend-plan" not in found)
    # Logged in again on this device, the choice is still Jordan's: the copy comes back only on his plan page.
    log_in(page, demo_email("jordan"))
    page.goto("/plan/")
    expect(page.get_by_label("Keep my plan on this device for when I'm offline")).to_be_checked()
    assert eventually(page, names, lambda found: "mend-plan" in found)
    page.get_by_label("Keep my plan on this device for when I'm offline").uncheck()
    assert eventually(page, names, lambda found: "mend-plan" not in found)
