"""Issue 16: public pages describe themselves to search engines; pages behind a login stay out of them."""

from __future__ import annotations

import re

import pytest

from recovery.accounts.models import LOVED_ONE, PERSON

PUBLIC_PAGES = ["/", "/login", "/register", "/reset", "/help", "/help/overdose", "/help/safe-at-home",
                "/help/relapse", "/help/treatment", "/help/young-people", "/privacy"]
LOGGED_IN_PAGES = ["/home", "/circle/", "/tracker/today", "/amends/", "/boundaries/", "/talk/", "/settings",
                   "/circle/1/tracker", "/reset/some-token", "/circle/join/some-token", "/calendar/x.ics"]


def robots_allows(robots: str, path: str) -> bool:
    """Read robots.txt as search engines do: the longest matching rule wins, Allow on a tie; `$` ends a rule."""
    best = (-1, True)
    for kind, rule in re.findall(r"^(Allow|Disallow):\s*(\S*)", robots, flags=re.M | re.I):
        pattern = re.escape(rule.rstrip("$")).replace(r"\*", ".*") + ("$" if rule.endswith("$") else "")
        if rule and re.match(pattern, path):
            best = max(best, (len(rule), kind.lower() == "allow"))
    return best[1]


def description(body: str) -> str | None:
    found = re.search(r'<meta name="description" content="([^"]*)">', body)
    return found.group(1) if found else None


def test_robots_txt_is_served_at_the_root_and_lets_only_public_pages_in(client):
    answer = client.get("/robots.txt")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    robots = answer.get_data(as_text=True)
    assert re.search(r"^User-agent: \*$", robots, flags=re.M)
    for path in PUBLIC_PAGES:
        if path != "/reset":
            assert robots_allows(robots, path), path
    for path in LOGGED_IN_PAGES:
        assert not robots_allows(robots, path), path


def test_the_robots_reader_follows_the_longest_rule():
    """The reader above is not a rubber stamp: it blocks, allows, and anchors `$`."""
    robots = "User-agent: *\nAllow: /$\nAllow: /help\nDisallow: /\n"
    assert robots_allows(robots, "/") and robots_allows(robots, "/help/relapse")
    assert not robots_allows(robots, "/home") and not robots_allows(robots, "/x/help")
    assert robots_allows("User-agent: *\n", "/anything")


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/help", "/help/overdose", "/privacy"])
def test_public_pages_have_a_short_description_and_may_be_indexed(client, path):
    body = client.get(path).get_data(as_text=True)
    words = description(body)
    assert words and 50 <= len(words) <= 160, (path, words)
    assert 'name="robots"' not in body


def test_each_public_page_describes_itself_in_its_own_words(client):
    found = [description(client.get(path).get_data(as_text=True)) for path in PUBLIC_PAGES]
    assert all(found) and len(set(found)) == len(found)


@pytest.mark.parametrize("role", [PERSON, LOVED_ONE])
def test_pages_behind_a_login_ask_not_to_be_indexed(as_user, make_user, role):
    client = as_user(make_user(role=role))
    for path in ("/home", "/help", "/circle/", "/settings"):
        body = client.get(path).get_data(as_text=True)
        assert '<meta name="robots" content="noindex, nofollow">' in body, path
    assert description(client.get("/home").get_data(as_text=True)) is None
