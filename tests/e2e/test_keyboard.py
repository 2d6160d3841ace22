"""Issue 8: a keyboard-only journey. Log in and check in with Tab, Shift+Tab, Enter and Space alone.

Every element that takes focus on the way must show a visible focus indicator (an outline or a
box-shadow, on the element or on the label that wraps it), and the skip link must move focus
past the header into the page's main content.
"""

from __future__ import annotations

import re
import uuid

from tests.e2e.helpers import expect, expect_flash

PASSWORD = "keys only, no mouse at all"

FOCUS_STATE = """() => {
    const el = document.activeElement;
    const ring = (node) => {
        if (!node) return false;
        const cs = getComputedStyle(node);
        const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
        return outline || (cs.boxShadow && cs.boxShadow !== 'none');
    };
    const r = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        name: (el.getAttribute('aria-label') || el.innerText || el.value || el.id || '').trim().slice(0, 60),
        id: el.id,
        inMain: !!el.closest('main'),
        ring: ring(el) || ring(el.closest('label')),
        onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
                  && r.top < window.innerHeight && r.left < window.innerWidth,
    };
}"""


def make_person_with_a_commitment(live_server) -> str:
    """A person in recovery with one daily commitment that is due today; return their email."""
    from recovery.accounts.models import PERSON, User
    from recovery.accounts.passwords import hash_password
    from recovery.db import db
    from recovery.tracker import commitments
    from recovery.tracker.models import DAILY

    email = f"kit-{uuid.uuid4().hex[:8]}@example.org"
    with live_server.db():
        kit = User(display_name="Kit", email=email, role=PERSON, timezone="America/New_York",
                   password_hash=hash_password(PASSWORD))
        db.session.add(kit)
        db.session.flush()
        commitments.create_commitment(kit, "Walk the dog", "", commitments.ScheduleInput(DAILY),
                                      commitments.today_for(kit))
        db.session.commit()
        db.session.remove()
    return email


class Keyboard:
    """Press keys and check, after each move, that what took focus shows it."""

    def __init__(self, page):
        self.page = page
        self.visited: list[str] = []

    def focused(self) -> dict:
        """What has focus now; it must show it."""
        state = self.page.evaluate(FOCUS_STATE)
        where = f"<{state['tag']}> {state['name']!r}"
        if not self.visited or self.visited[-1] != where:
            self.visited.append(where)
        if state["tag"] not in ("body", "main"):
            assert state["ring"], f"no visible focus indicator on {where}"
            assert state["onScreen"], f"focused but off screen: {where}"
        return state

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        return self.focused()

    def tab_to(self, matches, limit: int = 40) -> dict:
        """Tab forward until `matches(state)`; every stop on the way must show its focus."""
        for _ in range(limit):
            state = self.press("Tab")
            if matches(state):
                return state
        raise AssertionError(f"never reached the target with Tab; visited: {self.visited[-limit:]}")


def test_log_in_and_check_in_with_the_keyboard_alone(live_server, new_context):
    """Skip link, then Tab/Shift+Tab/Enter/Space only: log in, open a note, write it, choose "Kept"."""
    email = make_person_with_a_commitment(live_server)
    page = new_context().new_page()
    keys = Keyboard(page)
    page.goto("/login")

    # The first Tab reaches the skip link, which shows itself and jumps to the main content.
    skip = keys.press("Tab")
    assert skip["name"] == "Skip to main content", keys.visited
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert keys.tab_to(lambda s: True)["inMain"], "after the skip link, Tab should stay in the main content"

    # Log in: the email field, the password field, then Enter on the button.
    if keys.focused()["id"] != "email":
        keys.tab_to(lambda s: s["id"] == "email")
    page.keyboard.type(email)
    assert keys.press("Tab")["id"] == "password"
    page.keyboard.type(PASSWORD)
    keys.tab_to(lambda s: s["tag"] == "button" and s["name"] == "Log in")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.get_by_role("heading", name="Hello, Kit")).to_be_visible()

    # On the home page: open the note with Enter, type it, then Shift+Tab back to "Kept" and press Space.
    keys.press("Tab")
    assert keys.focused()["name"] == "Skip to main content"
    page.keyboard.press("Enter")
    keys.tab_to(lambda s: s["tag"] == "summary" and s["name"] == "Add an honest note")
    page.keyboard.press("Enter")
    assert keys.press("Tab")["tag"] == "textarea"
    page.keyboard.type("Around the park twice.")
    for expected in ("Add an honest note", "Missed", "Partly kept", "Kept"):
        assert keys.press("Shift+Tab")["name"] == expected, keys.visited
    page.keyboard.press("Space")
    expect_flash(page, "Kept")
    print("\nkeyboard path: " + " → ".join(keys.visited))


def test_quick_exit_is_reachable_early_and_shows_focus(new_context):
    """Quick exit is among the first few Tab stops on every public page, with a visible ring."""
    page = new_context(java_script_enabled=False).new_page()
    keys = Keyboard(page)
    for path in ("/", "/login", "/help"):
        page.goto(path)
        state = keys.tab_to(lambda s: s["name"] == "Quick exit", limit=6)
        assert state["tag"] == "a"
