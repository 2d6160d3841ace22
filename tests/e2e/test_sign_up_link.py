"""Issue 16 item 13: sign-up signs you in, in a real browser, with the link the server mails.

The live server's mail goes to its "outbox" backend, so the test reads the link from there, as a
person reads it from their inbox, and opens it on another device (a second browser context).
"""

from __future__ import annotations

import re
import uuid

from tests.e2e.helpers import blocking, describe, expect, run_axe
from tests.e2e.test_journey import mailed_link

PASSWORD = "a slow walk to the harbour"


def test_sign_up_then_the_mailed_link_logs_in_once(new_context, live_server):
    """Sign up → "check your email" → open the link on a phone without JavaScript → one button → home; then
    the link stops working. axe checks each new page (in a browser with JavaScript, which axe needs)."""
    email = f"morgan-{uuid.uuid4().hex[:8]}@example.org"
    laptop = new_context().new_page()
    laptop.goto("/register?role=person")
    laptop.get_by_label("What should we call you?").fill("Morgan")
    laptop.get_by_label("Email").fill(email)
    laptop.get_by_label("Password", exact=True).fill(PASSWORD)
    laptop.get_by_label("Type the password again").fill(PASSWORD)
    laptop.get_by_role("button", name="Create my account").click()
    expect(laptop.get_by_role("heading", name="Check your email to start")).to_be_visible()
    expect(laptop.get_by_text(email)).to_be_visible()
    problems = describe(blocking(run_axe(laptop)), "check your email")

    link = mailed_link(live_server, email)
    laptop.goto(link)  # opening the link (as a mail scanner would) leaves it working
    expect(laptop.get_by_role("heading", name="Welcome to Mend")).to_be_visible()
    problems += describe(blocking(run_axe(laptop)), "start page")
    phone = new_context(java_script_enabled=False, viewport={"width": 360, "height": 740}).new_page()
    phone.goto(link)
    phone.get_by_role("button", name="Start using Mend").click()
    expect(phone).to_have_url(re.compile(r"/home$"))
    expect(phone.get_by_role("heading", name="Hello, Morgan")).to_be_visible()

    response = laptop.goto(link)
    assert response.status == 404
    expect(laptop.get_by_role("heading", name="This link doesn't work any more")).to_be_visible()
    problems += describe(blocking(run_axe(laptop)), "used link")
    laptop.locator("main").get_by_role("link", name="Log in").click()
    expect(laptop.get_by_role("heading", name="Welcome back")).to_be_visible()
    assert not problems, "\n".join(problems)
