"""Settings tabs and the time zone menu as Chromium draws and runs them (the pages come from the test client).

Each page is fetched through the test client and handed to a headless Chromium together with the real
static files, so the CSS and mend.js under test are the ones in the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"
ORIGIN = "http://mend.test"


# The browser is the e2e suite's one Chromium (tests/e2e/conftest.py: `browser`), which also decides skipping.


def show(browser, client, path: str, width: int, timezone: str = "UTC"):
    """Open a page of the app in Chromium at a window width; its static files come from the repository."""
    body = client.get(path).get_data()  # here: the route handler below runs outside the app context
    context = browser.new_context(viewport={"width": width, "height": 800}, timezone_id=timezone)
    page = context.new_page()

    def answer(route):
        url = route.request.url
        if url.startswith(f"{ORIGIN}/static/"):
            file = STATIC / url.split("/static/", 1)[1].split("?")[0]
            types = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
            route.fulfill(status=200, body=file.read_bytes(), content_type=types.get(file.suffix, "text/plain"))
        elif url == f"{ORIGIN}{path}":
            route.fulfill(status=200, body=body, content_type="text/html; charset=utf-8")
        else:
            route.fulfill(status=404, body=b"")

    page.route(re.compile(".*"), answer)
    page.goto(f"{ORIGIN}{path}")
    return page


TAB_ROWS = """() => {
  const nav = document.querySelector("nav.tabs");
  const tops = new Set([...nav.querySelectorAll("a")].map(a => Math.round(a.getBoundingClientRect().top)));
  return {rows: tops.size, scrolls: nav.scrollWidth > nav.clientWidth, count: nav.querySelectorAll("a").length,
          pageScrolls: document.documentElement.scrollWidth > window.innerWidth};
}"""


@pytest.mark.parametrize("path", ["/settings", "/settings/sessions", "/settings/delete"])
def test_settings_tabs_fit_one_row_on_a_desktop(browser, client, make_user, login, path):
    """At 1280 px every tab of a person's settings (the longest list) sits on one row, nothing to scroll."""
    login(client, make_user())
    page = show(browser, client, path, 1280)
    found = page.evaluate(TAB_ROWS)
    assert found["count"] == 10
    assert found == {"rows": 1, "scrolls": False, "count": 10, "pageScrolls": False}


def test_settings_tabs_scroll_sideways_on_a_phone(browser, client, make_user, login):
    """At 360 px the tabs stay on one row that scrolls sideways, and the page itself does not."""
    login(client, make_user())
    page = show(browser, client, "/settings", 360)
    assert page.evaluate(TAB_ROWS) == {"rows": 1, "scrolls": True, "count": 10, "pageScrolls": False}


ZONE_MENU = """() => {
  const menu = document.querySelector("select[name=timezone]");
  const group = menu.querySelector("optgroup");
  return {zone: menu.value, country: document.querySelector("select[name=country]").value,
          first: group ? group.label : null, count: menu.options.length,
          unique: new Set([...menu.options].map(o => o.value)).size};
}"""


def test_sign_up_preselects_the_browsers_zone_and_lists_its_country_first(browser, client):
    """The browser's own zone is chosen, its country suggested, and that country's zones come first."""
    page = show(browser, client, "/register", 1280, timezone="Australia/Perth")
    before = page.evaluate(ZONE_MENU)
    assert before["zone"] == "Australia/Perth" and before["country"] == "AU"
    assert before["first"] == "Common in Australia" and before["unique"] == before["count"]
    page.select_option("select[name=country]", "CA")
    after = page.evaluate(ZONE_MENU)
    assert after["first"] == "Common in Canada"
    assert after["zone"] == "Australia/Perth"  # changing the country keeps the zone chosen
    assert after["count"] == before["count"] == after["unique"]
    page.select_option("select[name=country]", "ZZ")
    assert page.evaluate(ZONE_MENU)["first"] is None


def test_settings_reorder_the_zones_when_the_country_changes(browser, client, make_user, login):
    """In settings the menu follows the country menu too, keeping the zone in use."""
    login(client, make_user(timezone="Europe/Dublin"))
    page = show(browser, client, "/settings", 1280)
    assert page.evaluate(ZONE_MENU)["first"] == "Common in the United States"  # the server's country
    page.select_option("select[name=country]", "IE")
    found = page.evaluate(ZONE_MENU)
    assert found["first"] == "Common in Ireland" and found["zone"] == "Europe/Dublin"
