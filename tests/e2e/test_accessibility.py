"""Issue 8: axe-core finds no serious or critical problem on any page, for either role or logged out.

The pages come from the app's own URL map (see pages.py): a GET route that is neither mapped
to demo URLs nor skipped with a reason fails test_every_get_endpoint_is_checked. axe runs with
its default rules (WCAG 2 A and AA, colour contrast included, plus best practices); the
list of pages checked is printed and written to tests/e2e/artifacts/axe-pages.txt.
"""

from __future__ import annotations

from collections import Counter

from tests.e2e.helpers import blocking, describe, expect, log_in_demo, run_axe
from tests.e2e.pages import LOVED_ONE, PERSON, PUBLIC, SKIP, SUPPORTER, get_endpoints, page_urls, pages, redact


def test_every_get_endpoint_is_checked(live_server, demo):
    """A GET route must be checked by axe or skipped with a reason, so a new page can't slip by."""
    endpoints = get_endpoints(live_server.app)
    mapped = set(pages(demo))
    missing = sorted(endpoints - mapped - set(SKIP))
    assert not missing, f"GET endpoints with no page in tests/e2e/pages.py and no reason in SKIP: {missing}"
    stale = sorted((mapped | set(SKIP)) - endpoints)
    assert not stale, f"listed in tests/e2e/pages.py but no longer GET endpoints: {stale}"
    assert not mapped & set(SKIP), "an endpoint is both checked and skipped"


def test_axe_finds_a_planted_problem(new_context):
    """The harness really runs axe: an image without alt text and faint text are both reported."""
    page = new_context().new_page()
    page.goto("/")
    page.evaluate("""() => {
        const img = document.createElement('img');
        img.src = '/static/img/mend.svg';
        const faint = document.createElement('p');
        faint.textContent = 'Hard to read';
        faint.style.color = '#cccccc';
        document.querySelector('main').append(img, faint);
    }""")
    found = {v["id"] for v in blocking(run_axe(page))}
    assert {"image-alt", "color-contrast"} <= found


def test_every_page_is_axe_clean(walk, artifacts):
    """Zero serious or critical axe violations on every page, for both roles and logged out."""
    problems, minor, listing = [], [], []
    for check in walk:
        where = f"{check.who} {redact(check.path)}"
        if check.status != check.expected:
            problems.append(f"{where}: HTTP {check.status}, expected {check.expected}")
        found = blocking(check.violations)
        problems += describe(found, where)
        minor += describe([v for v in check.violations if v not in found], where)
        listing.append(f"{check.who:<10} {redact(check.path)}  {f'{len(found)} problem(s)' if found else 'OK'}")
    counts = Counter(check.who for check in walk)
    summary = f"axe checked {len(walk)} pages: " + ", ".join(f"{n} as {who}" for who, n in counts.items())
    report = "\n".join([summary, *listing, "", "Moderate and minor findings (not failing):", *(minor or ["none"])])
    (artifacts / "axe-pages.txt").write_text(report + "\n")
    print("\n" + report)
    assert not problems, "axe found serious or critical problems:\n" + "\n".join(problems)


def test_error_states_and_messages_are_axe_clean(new_context):
    """Pages showing form errors, the boundary coach and flash messages pass axe too (error colours included)."""
    problems = []

    def check(page, where):
        problems.extend(describe(blocking(run_axe(page)), where))

    public = new_context().new_page()
    public.goto("/register")
    public.get_by_role("button", name="Create my account").click()
    # A click does not wait for the page it posts to; expect() waits for it (reading at once can see the old page).
    expect(public.locator(".has-error").nth(2)).to_be_visible()  # an empty sign-up marks several fields
    check(public, "register with errors")
    public.goto("/login")
    public.get_by_label("Email").fill("nobody@example.org")
    public.get_by_label("Password").fill("not the right password")
    public.get_by_role("button", name="Log in").click()
    expect(public.get_by_role("alert")).to_be_visible()
    check(public, "login refused")

    sam = log_in_demo(new_context(), "sam")
    sam.goto("/boundaries/new")
    sam.get_by_label("The situation: If… / When…").fill("If you drink again")
    sam.get_by_label("What I will do: I will…").fill("You must stop or I will make you regret it.")
    sam.get_by_role("button", name="Check my wording").click()  # advice only: nothing is saved
    expect(sam.locator(".coach li").first).to_be_visible()  # the coach flags words that threaten or control
    check(sam, "boundary coach")

    pat = log_in_demo(new_context(), "pat")
    pat.get_by_role("button", name="Log out", exact=True).click()
    expect(pat.locator(".flashes")).to_be_visible()
    check(pat, "flash after logging out")
    assert not problems, "axe found serious or critical problems:\n" + "\n".join(problems)


def test_dark_mode_is_really_dark(new_context):
    """With the system set to dark, Mend's page turns dark (so the dark axe walk below checks something)."""
    page = new_context(color_scheme="dark").new_page()
    page.goto("/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(n) for n in background[background.index("(") + 1:-1].split(",")[:3])
    assert red + green + blue < 3 * 60, background


def test_every_page_is_axe_clean_in_dark_mode(browser, live_server, demo, artifacts):
    """Issue 16: zero serious or critical axe violations on every page with prefers-color-scheme: dark."""
    from tests.e2e.conftest import open_context

    contexts = {who: open_context(browser, live_server, color_scheme="dark")
                for who in (PUBLIC, PERSON, LOVED_ONE, SUPPORTER)}
    tabs = {PUBLIC: contexts[PUBLIC].new_page(),
            PERSON: log_in_demo(contexts[PERSON], PERSON),
            LOVED_ONE: log_in_demo(contexts[LOVED_ONE], LOVED_ONE),
            SUPPORTER: log_in_demo(contexts[SUPPORTER], SUPPORTER)}
    problems, listing = [], []
    try:
        for who, path, expected in page_urls(live_server, demo):
            page = tabs[who]
            response = page.goto(path)
            where = f"{who} {redact(path)} (dark)"
            if response.status != expected:
                problems.append(f"{where}: HTTP {response.status}, expected {expected}")
            found = blocking(run_axe(page))
            problems += describe(found, where)
            listing.append(f"{who:<10} {redact(path)}  {f'{len(found)} problem(s)' if found else 'OK'}")
    finally:
        for context in contexts.values():
            context.close()
    (artifacts / "axe-pages-dark.txt").write_text("\n".join(listing) + "\n")
    assert len(listing) > 60
    assert not problems, "axe found serious or critical problems in dark mode:\n" + "\n".join(problems)
