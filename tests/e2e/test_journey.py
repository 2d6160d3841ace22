"""Issue 8: the whole journey of a person in recovery and a loved one, in a real browser, with and without JS.

Every step is done as a person would: by following links and pressing buttons found by their
role and name, and by typing into fields found by their labels (which also proves every input
the journey touches is labelled). Two browser contexts are two people on two devices.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest

from tests.e2e.helpers import expect, expect_flash, go_by_menu

PERSON_PASSWORD = "a quiet morning walk by the river"
LOVED_PASSWORD = "tea in the garden after the rain"
COMMITMENT = "Phone Casey at lunch"
WHAT_HAPPENED = "I missed Casey's birthday dinner and lied about why."
BOUNDARY_SITUATION = "If someone offers me a drink at a family party"
TRUST_NOTE = "A calmer week. I noticed the lunchtime calls."


def register(page, live_server, role_link: str | None, role_label: str, name: str, email: str,
             password: str) -> None:
    """Create an account through the form, open the link it mails, and start; land on the next page or home."""
    if role_link:
        page.get_by_role("link", name=role_link).click()
    expect(page.get_by_role("heading", name="Join Mend")).to_be_visible()
    role = page.get_by_label(role_label)
    expect(role).to_be_checked()  # chosen by the link that led here
    page.get_by_label("What should we call you?").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Type the password again").fill(password)
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email to start")).to_be_visible()
    expect(page.get_by_text(email)).to_be_visible()
    page.goto(mailed_link(live_server, email))  # no second password: the link signs the new account in
    page.get_by_role("button", name="Start using Mend").click()


def mailed_link(live_server, email: str) -> str:
    """The sign-in link in the last email the live server sent to this address (its "outbox" backend)."""
    from recovery import mail

    with live_server.db():
        body = [m for m in mail.outbox() if m["To"] == email][-1].get_content()
    link = next(line.strip() for line in body.splitlines() if "/start/" in line)
    assert link.startswith(f"{live_server.url}/start/"), link
    return link


def connection_card(page, name: str):
    return page.locator("article.connection").filter(has=page.get_by_role("heading", name=name, exact=True))


def open_shared_area(page, owner: str, area: str) -> None:
    """From the circle page, follow one of the areas the other person shares."""
    go_by_menu(page, "My circle")
    connection_card(page, owner).get_by_role("link", name=area, exact=True).click()


def export_json(page, password: str) -> dict:
    """Settings → My data → download everything as JSON, after the password."""
    go_by_menu(page, "Settings")
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="My data").click()
    page.get_by_label("Your password").fill(password)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    assert download.value.suggested_filename == "mend-my-data.json"
    # The page still shows the form; open it afresh, as the browser shows it, so the next step waits on a page
    # that has loaded (after a download Chromium may never report a load for the navigation the form began,
    # and a wait for it would hang: seen once under a busy machine).
    page.goto(page.url)
    return json.loads(download.value.path().read_text(encoding="utf-8"))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_person_and_loved_one_journey(javascript, new_context, live_server):
    """Register both roles → invite, accept, share → commit, check in, confirm, trust → amends, openness →
    boundary, acknowledgement, event → a conversation plan → export → delete; the loved one's records stay."""
    tag = uuid.uuid4().hex[:8]
    person_email, loved_email = f"robin-{tag}@example.org", f"casey-{tag}@example.org"
    robin = new_context(java_script_enabled=javascript).new_page()
    casey = new_context(java_script_enabled=javascript).new_page()

    # --- Robin joins as a person in recovery and invites Casey. ------------------------------------
    robin.goto("/")
    register(robin, live_server, "I'm in recovery", "Person in recovery", "Robin", person_email, PERSON_PASSWORD)
    expect(robin.get_by_role("heading", name="Hello, Robin")).to_be_visible()
    go_by_menu(robin, "My circle")
    robin.get_by_role("link", name="Invite someone").first.click()
    robin.get_by_label("Partner").check()
    robin.get_by_label("Who is it for?").fill("Casey")
    robin.get_by_role("button", name="Make my invitation link").click()
    link = robin.get_by_label("Invitation link").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/circle/join/[\w-]+", link), link

    # --- Casey opens the link, makes an account on the way, and accepts. ------------------------------
    casey.goto(link)
    expect(casey.get_by_role("heading", name="Robin invited you to connect")).to_be_visible()
    register(casey, live_server, "Create an account", "Loved one", "Casey", loved_email, LOVED_PASSWORD)
    expect(casey).to_have_url(link)  # back at the invitation: the mailed link carried it
    casey.get_by_role("button", name="Accept and connect").click()
    expect_flash(casey, "You're connected with Robin")

    # --- Robin shares four areas with Casey. -----------------------------------------------------------
    go_by_menu(robin, "My circle")
    card = connection_card(robin, "Casey")
    for area in ("Tracker", "Amends", "Boundaries", "Talks"):
        card.get_by_label(area).check()
    card.get_by_role("button", name="Save what I share").click()
    expect_flash(robin, "Casey")

    # --- Robin makes a commitment and checks in, with an honest note. -----------------------------------
    go_by_menu(robin, "Tracker")
    robin.get_by_role("link", name="New commitment").first.click()
    robin.get_by_label("What will you do?").fill(COMMITMENT)
    robin.get_by_label("Why it matters to you").fill("So Casey knows the day is going okay.")
    expect(robin.get_by_label("Every day")).to_be_checked()
    robin.get_by_label("Who does it concern?").select_option(label="Casey (your partner)")
    robin.get_by_role("button", name="Add commitment").click()
    expect_flash(robin, f"“{COMMITMENT}” is on your list")
    today = robin.locator("section.card").filter(has=robin.get_by_role("heading", name="Today", exact=True))
    today.get_by_text("Add an honest note").click()  # a <details>: opens with or without JavaScript
    today.get_by_label("A note (optional)").fill("Called from the bench outside work.")
    today.get_by_role("button", name="Kept", exact=True).click()
    expect_flash(robin, "Kept")
    commitment_url = robin.url

    # --- Casey says "I saw this" and records a trust check-in. -------------------------------------------
    open_shared_area(casey, "Robin", "Tracker")
    row = casey.locator(".confirm-row").filter(has_text=COMMITMENT)
    row.get_by_label("A word for them (optional)").fill("Lovely to hear from you.")
    row.get_by_role("button", name="I saw this").click()
    expect_flash(casey, "Robin will see your answer")
    go_by_menu(casey, "Trust check-ins")
    casey.get_by_role("link", name="Check in about Robin").click()
    for facet, answer in (("Predictability", "4"), ("Dependability", "5"), ("Faith", "6")):
        casey.get_by_role("group", name=re.compile(facet)).get_by_label(answer, exact=True).check()
    casey.get_by_label("A note, if you like").fill(TRUST_NOTE)
    casey.get_by_role("button", name="Save my check-in").click()
    expect(casey.get_by_text("Average 5.0")).to_be_visible()

    robin.goto(commitment_url)
    expect(robin.get_by_text("Casey: I saw this — “Lovely to hear from you.”")).to_be_visible()

    # --- Robin writes an amends entry about Casey; Casey says where they stand. ----------------------------
    go_by_menu(robin, "Amends")
    robin.get_by_role("link", name="Add someone").first.click()
    robin.get_by_label("Who is it?").fill("Casey")
    robin.get_by_text("Add more now or later").click()  # the rest of the form waits behind this
    robin.get_by_label("How are you related?").fill("my partner")
    robin.get_by_label("Are they in your Mend circle?").select_option(label="Casey (your partner)")
    robin.get_by_label("What happened, in my own words").fill(WHAT_HAPPENED)
    robin.get_by_label("How it affected them").fill("Casey felt they didn't matter to me.")
    robin.get_by_label("My part").fill("I chose the bar over the dinner, then hid it.")
    robin.get_by_role("radio", name=re.compile(r"^Direct amends")).check()
    robin.get_by_role("group", name="Where am I with this?").get_by_label("Willing, not ready yet").check()
    robin.get_by_role("button", name="Add to my list").click()
    expect_flash(robin, "the safety questions are a good next step")

    open_shared_area(casey, "Robin", "Amends")
    expect(casey.get_by_text(WHAT_HAPPENED)).to_be_visible()
    casey.get_by_role("link", name="Tell them where I stand").click()
    casey.get_by_label("Maybe later").check()
    casey.get_by_label("Anything that would help").fill("In writing first, please.")
    casey.get_by_role("button", name="Save my answer").click()
    expect_flash(casey, "Robin will see your answer")

    go_by_menu(robin, "Amends")
    robin.get_by_role("link", name="Casey", exact=True).click()
    said = robin.locator("section.openness")
    expect(said).to_contain_text("Maybe later")
    expect(said).to_contain_text("In writing first, please.")

    # --- Robin writes a boundary; Casey acknowledges it and notes that it was respected. -------------------
    go_by_menu(robin, "Boundaries")
    robin.get_by_role("link", name="Write a boundary").first.click()
    robin.get_by_label("What is it about?").select_option(label="Time")
    robin.get_by_label("The situation: If… / When…").fill(BOUNDARY_SITUATION)
    robin.get_by_label("What I will do: I will…").fill("I will say no thanks, and leave early if I need to.")
    robin.get_by_label("The need behind it").fill("I need to protect my recovery.")
    robin.get_by_role("button", name="Check my wording").click()
    expect(robin.get_by_label("The situation: If… / When…")).to_have_value(BOUNDARY_SITUATION)
    robin.get_by_role("button", name="Save", exact=True).click()
    expect_flash(robin, "Casey can read it, and will be asked to acknowledge it")
    boundary_url = robin.url

    open_shared_area(casey, "Robin", "Boundaries")
    # Robin typed the "If" and "I will" that the page prints: Casey reads each once.
    boundary_card = casey.locator(".boundary-list > li").filter(
        has_text="If / when someone offers me a drink at a family party")
    expect(boundary_card).to_contain_text("I will say no thanks, and leave early if I need to.")
    boundary_card.get_by_role("link", name="Read and answer").click()
    casey.get_by_role("button", name="I understand and will respect this").click()
    expect(casey.get_by_text("You said: I understand and will respect this")).to_be_visible()
    casey.get_by_label("Respected").check()
    casey.get_by_label("A note (optional)").fill("You left the party at nine.")
    casey.get_by_role("button", name="Note it").click()
    expect(casey.locator(".timeline")).to_contain_text("You left the party at nine.")

    robin.goto(boundary_url)
    expect(robin.get_by_text("Casey: I understand and will respect this")).to_be_visible()
    expect(robin.get_by_text("You left the party at nine.")).to_be_visible()

    # --- Robin builds a conversation plan from the "Making an amends" guide, prefilled from the entry. ------
    go_by_menu(robin, "Amends")
    robin.get_by_role("link", name="Casey", exact=True).click()
    robin.get_by_role("link", name="Plan what I'll say").click()
    expect(robin.get_by_role("heading", name="Making an amends", exact=True)).to_be_visible()
    robin.get_by_role("button", name="Start my plan").click()
    expect(robin.get_by_label("What did you do?")).to_have_value(WHAT_HAPPENED)
    robin.get_by_label("Name this plan").fill("Saying sorry to Casey")
    robin.get_by_label("How will you ask if now is a good time?").fill("Casey, have you got ten minutes tonight?")
    robin.get_by_label("Let them read this plan first").check()
    robin.get_by_role("button", name="Save my plan").click()
    expect_flash(robin, "Read it through once more")
    expect(robin.get_by_role("heading", name="Saying sorry to Casey")).to_be_visible()
    robin.get_by_label("Ready to talk", exact=True).check()
    robin.get_by_role("button", name="Save stage").click()
    expect_flash(robin, "Saved.")

    open_shared_area(casey, "Robin", "Talks")
    casey.get_by_role("link", name="Saying sorry to Casey").click()
    expect(casey.get_by_text("Casey, have you got ten minutes tonight?")).to_be_visible()

    # --- Robin takes their data with them: the JSON file, then the printable page. --------------------------
    data = export_json(robin, PERSON_PASSWORD)
    assert data["account"]["email"] == person_email
    assert [c["title"] for c in data["tracker"]["commitments"]] == [COMMITMENT]
    assert data["amends"]["entries"][0]["what_happened"] == WHAT_HAPPENED
    robin.get_by_label("Your password").fill(PERSON_PASSWORD)
    robin.get_by_role("button", name="Show a printable page").click()
    expect(robin.get_by_role("heading", name="My Mend data")).to_be_visible()
    expect(robin.locator("main")).to_contain_text(COMMITMENT)
    expect(robin.locator("main")).to_contain_text(BOUNDARY_SITUATION)

    # --- Robin deletes the account, and can't log in again. ---------------------------------------------
    robin.goto("/settings")
    robin.get_by_role("navigation", name="Settings").get_by_role("link", name="Delete account").click()
    robin.get_by_label("Your password").fill(PERSON_PASSWORD)
    robin.get_by_label("Type DELETE to confirm").fill("DELETE")
    robin.get_by_role("button", name="Delete my account").click()
    expect_flash(robin, "Your account and everything you wrote are deleted")
    robin.goto("/login")
    robin.get_by_label("Email").fill(person_email)
    robin.get_by_label("Password").fill(PERSON_PASSWORD)
    robin.get_by_role("button", name="Log in").click()
    expect(robin.get_by_role("alert")).to_be_visible()
    expect(robin).to_have_url(re.compile(r"/login$"))

    # --- Casey's own trust check-in is still Casey's. --------------------------------------------------------
    casey_data = export_json(casey, LOVED_PASSWORD)
    assert [t["note"] for t in casey_data["trust_checkins"]] == [TRUST_NOTE]
    go_by_menu(casey, "My circle")
    expect(connection_card(casey, "Robin")).to_have_count(0)
