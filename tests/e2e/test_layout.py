"""Issue 8: every page fits a phone (no sideways scrolling), main pages are screenshotted, plans print cleanly.

Screenshots go to tests/e2e/artifacts/screens/ (gitignored) for a person to look at:
<who>-<page>-<width>.png, at 360×740 (a small phone) and 1280×800 (a laptop).
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import DEMO_PASSWORD, blocking, log_in_demo, open_menu, overflow, run_axe
from tests.e2e.pages import LOVED_ONE, PERSON, PUBLIC, main_pages, redact

SIZES = {"phone": (360, 740), "desktop": (1280, 800)}


def sessions(new_context, width: int, height: int, **options) -> dict:
    size = {"viewport": {"width": width, "height": height}, **options}
    return {PUBLIC: new_context(**size).new_page(),
            PERSON: log_in_demo(new_context(**size), PERSON),
            LOVED_ONE: log_in_demo(new_context(**size), LOVED_ONE)}


def header_starts_with_something_else(page) -> str | None:
    """The brand should be the header's first item on its row; name what comes before it, if anything."""
    return page.evaluate("""() => {
        const items = Array.from(document.querySelector('.header-inner').children)
            .filter(el => el.getClientRects().length > 0);
        const brand = document.querySelector('.header-inner .brand').getBoundingClientRect();
        const before = items.find(el => !el.classList.contains('brand')
            && el.getBoundingClientRect().left < brand.left - 1
            && el.getBoundingClientRect().bottom > brand.top && el.getBoundingClientRect().top < brand.bottom);
        return before ? before.className || before.tagName.toLowerCase() : null;
    }""")


@pytest.mark.parametrize("size", list(SIZES))
def test_main_pages_fit_and_are_screenshotted(size, demo, new_context, artifacts):
    """No sideways scrolling on any main page, on a phone and a laptop; a full-page screenshot of each."""
    width, height = SIZES[size]
    pages = sessions(new_context, width, height)
    out = artifacts / "screens"
    out.mkdir(exist_ok=True)
    problems = []
    for who, name, path in main_pages(demo):
        page = pages[who]
        response = page.goto(path)
        assert response.ok, f"{who} {name}: HTTP {response.status}"
        if problem := overflow(page):
            problems.append(f"{who} {name} at {width}px: {problem}")
        if first := header_starts_with_something_else(page):
            problems.append(f"{who} {name} at {width}px: the header starts with {first}, not the brand")
        page.screenshot(path=str(out / f"{who.replace(' ', '-')}-{name}-{width}.png"), full_page=True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [1024, 1440, 1920])
def test_the_header_fits_a_wide_screen_in_every_role(width, new_context):
    """From a laptop to a big monitor, the header's menu, "My plan" and Quick exit all fit the window."""
    pages = sessions(new_context, width, 900)
    problems = []
    for who, page in pages.items():
        page.goto("/home" if who != PUBLIC else "/")
        if problem := overflow(page):
            problems.append(f"{who} at {width}px: {problem}")
        right = page.evaluate("""() => Math.max(...[...document.querySelectorAll('.site-header *')]
            .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().right))""")
        if right > width:
            problems.append(f"{who} at {width}px: the header reaches {right:.0f}px")
    assert not problems, "\n".join(problems)


def test_no_page_scrolls_sideways_on_a_phone(walk):
    """Every page the accessibility walk opens also fits a 360 px wide phone."""
    problems = [f"{c.who} {redact(c.path)}: {c.phone_overflow}" for c in walk if c.phone_overflow]
    assert not problems, "\n".join(problems)


def test_phone_menu_opens_and_fits(new_context, artifacts):
    """On a phone the menu starts closed, opens on tap, lists every section and fits the screen."""
    page = log_in_demo(new_context(viewport={"width": 360, "height": 740}), PERSON)
    menu = page.locator("details.menu")
    assert not menu.evaluate("el => el.open"), "the menu should start closed on a phone"
    open_menu(page)
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Home", "My circle", "Tracker", "Amends", "Talks", "Boundaries", "Settings", "Get help"):
        assert nav.get_by_role("link", name=name, exact=True).is_visible(), name
    assert overflow(page) is None
    assert not blocking(run_axe(page)), "the open phone menu should pass axe"
    (artifacts / "screens").mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "screens" / "jordan-menu-open-360.png"))


HIDDEN_IN_PRINT = [".site-header", "nav", ".quick-exit", ".skip-link", ".site-footer", ".help-strip", ".flashes",
                   ".no-print"]


def assert_prints_cleanly(page, name: str, artifacts, expect_text: str) -> None:
    """Under print media: no header, navigation, quick exit, help strip, buttons or links; the content shows."""
    page.emulate_media(media="print")
    try:
        shown = page.evaluate("""(selectors) => selectors.flatMap(sel => Array.from(document.querySelectorAll(sel))
            .filter(el => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0)
            .map(el => sel))""", HIDDEN_IN_PRINT)
        assert not shown, f"{name}: visible in print: {sorted(set(shown))}"
        buttons = page.evaluate("""() => Array.from(document.querySelectorAll('main button, main .button'))
            .filter(el => el.getClientRects().length > 0).map(el => el.textContent.trim())""")
        assert not buttons, f"{name}: buttons visible in print: {buttons}"
        # Links within Mend mean nothing on paper (outside links print their address).
        links = page.evaluate("""() => Array.from(document.querySelectorAll('a[href^="/"]'))
            .filter(el => el.getClientRects().length > 0).map(el => el.textContent.trim())""")
        assert not links, f"{name}: Mend links left on paper: {links}"
        main = page.locator("main")
        assert main.is_visible()
        assert expect_text in main.inner_text()
        page.screenshot(path=str(artifacts / "screens" / f"print-{name}.png"), full_page=True)
        page.pdf(path=str(artifacts / f"print-{name}.pdf"))
    finally:
        page.emulate_media(media="screen")


def test_plans_and_export_print_cleanly(demo, new_context, artifacts):
    """A conversation plan, the amends plan and the export's printable page print as content only."""
    (artifacts / "screens").mkdir(exist_ok=True)
    page = log_in_demo(new_context(), PERSON)
    page.goto(f"/talk/plans/{demo['jordan_plan']}")
    assert_prints_cleanly(page, "conversation-plan", artifacts, "A letter for Sam about the party")
    page.goto("/amends/print")
    assert_prints_cleanly(page, "amends-plan", artifacts, "Mum")
    page.goto("/settings/export")
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Show a printable page").click()
    page.wait_for_load_state()
    assert re.search(r"/settings/export$", page.url)
    assert_prints_cleanly(page, "export", artifacts, "Home by 10 pm")
