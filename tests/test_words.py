"""Words (issue 13, item 15): every page, as each member of the demo circle sees it, speaks plainly.

The walk reuses the browser tests' map of pages (tests/e2e/pages.py), so a new page is covered as
soon as it is mapped there (and the last test fails until it is). Each page's visible text (tags
stripped, spaces squeezed) must not show a boundary with a doubled prefix ("If / when If …",
"I will I will …"), a raw status key (`not_yet`), a label repeated as its own value ("Willing:
Willing") or a word from the code ("grant", "held", "reflected", "Version 1", "area").
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import url_for

from recovery.accounts.models import LOVED_ONE, User
from recovery.boundaries import services as boundaries
from recovery.boundaries.services import Words
from recovery.circle import services as circle
from recovery.db import db
from recovery.demo import DEFAULT_PASSWORD, DEMO_DOMAIN, create_demo
from tests.e2e.helpers import demo_ids
from tests.e2e.pages import LOVED_ONE as LOVED_ONE_VISITOR
from tests.e2e.pages import PERSON as PERSON_VISITOR
from tests.e2e.pages import PUBLIC, SKIP, get_endpoints, pages
from tests.e2e.pages import SUPPORTER as SUPPORTER_VISITOR

# --- What must never show --------------------------------------------------------------------------

DOUBLED_PREFIX = re.compile(
    r"\bif\s*(?:/|or)?\s*when,?\s+(?:if|when|whenever)\b"  # If / when If …, If/when When …
    r"|\bif,?\s+if\b|\bwhen,?\s+when\b"
    r"|\bi will,?\s+i(?:\b|['’])"  # I will I will …, I will I'll …, I will I won't …
    r"|\bi['’]m asking,?\s+(?:i['’]m|i am) asking\b|\bbecause,?\s+because\b",  # the need and the request
    re.IGNORECASE)
RAW_KEY = re.compile(r"\b[A-Za-z]+_[A-Za-z_]+\b")  # not_yet, maybe_later, loved_one, reflection_how …
REPEATED_LABEL = re.compile(r"(?<![\w’'])([A-Z][\w’' ]{1,40}): \1\b")  # Willing: Willing
DEVELOPER_WORDS = re.compile(
    r"\bareas?\b"  # say what is shared, or the part of Mend by name
    r"|\bgrant(?:s|ed to)?\b"  # "shared with"
    r"|\bheld\b|\breflected\b"  # a plan's stored status keys
    r"|\bversion\s+\d+"  # a boundary's revision number: say when it changed
    r"|\bconsistency tracker\b|\bhonest[- ]conversation scripts?\b"  # the Tracker; Talks
    r"|\bslip(?:s|ped)?\b",  # the word is "setback"
    re.IGNORECASE)

# A boundary typed the way people type: with the "If" and "I will" the page already prints.
TYPED_SITUATION = "If you drink at home"
TYPED_ACTION = "I will leave for the night, and I'll call you in the morning."


class _Text(HTMLParser):
    """The text a reader meets: everything outside <script>, <style> and <template>."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in ("p", "li", "div", "br", "td", "th", "h1", "h2", "h3", "h4", "option", "label", "summary",
                     "dt", "dd", "blockquote", "section", "tr", "title", "legend"):
            self.parts.append(" | ")  # a block ends a phrase: "Status | Willing" is not "Status Willing"

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("p", "li", "div", "td", "th", "h1", "h2", "h3", "h4", "option", "label", "summary", "dt",
                     "dd", "blockquote", "section", "tr", "title", "legend"):
            self.parts.append(" | ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """A page's visible words with tags stripped and white space squeezed to single spaces."""
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts))


def problems(text: str) -> list[str]:
    """Name everything on a page that breaks the rules above."""
    found = [f"doubled boundary prefix: …{_around(text, m)}…" for m in DOUBLED_PREFIX.finditer(text)]
    found += [f"raw key {m.group(0)!r}: …{_around(text, m)}…" for m in RAW_KEY.finditer(text)]
    found += [f"label repeated as its value: …{_around(text, m)}…" for m in REPEATED_LABEL.finditer(text)]
    found += [f"developer word {m.group(0)!r}: …{_around(text, m)}…" for m in DEVELOPER_WORDS.finditer(text)]
    return found


def _around(text: str, match: re.Match, width: int = 50) -> str:
    return text[max(0, match.start() - width):match.end() + width]


# --- The demo circle, each member, every page -----------------------------------------------------------


def _demo_circle(app) -> dict:
    """Build the demo circle, add a boundary typed with its prefixes, and look up the pages' ids."""
    people, _ = create_demo(DEFAULT_PASSWORD)
    jordan = next(p for p in people if p.email.startswith("jordan@"))
    sam = next(p for p in people if p.email.startswith("sam@"))
    typed = boundaries.create_boundary(sam, "home", Words(TYPED_SITUATION, TYPED_ACTION, "I need to sleep."))
    boundaries.revise(typed, "home", Words("When you have been drinking", "I'll go to my sister's.",
                                           "I need to sleep."))
    boundaries.acknowledge(typed, jordan, "acknowledged")
    mine = boundaries.create_boundary(jordan, "time", Words("If / when I'm asked to a bar", "I will say no.",))
    boundaries.revise(mine, "time", Words("if or when I'm asked to a bar", "I'll say no, and I will suggest coffee."))
    db.session.commit()
    # The e2e helper expects a live server; here its "database" is a fresh app context on the test app.
    ids = demo_ids(SimpleNamespace(db=app.app_context))
    ids["typed_boundary"], ids["typed_person_boundary"] = typed.id, mine.id
    return ids


def _visits(app, ids: dict) -> list[tuple[str, str]]:
    """(who, path) for every mapped page, plus each member's own view of the typed boundaries."""
    with app.test_request_context():
        visits = [(who, url_for(endpoint, **args)) for endpoint, calls in pages(ids).items() for who, args in calls]
        visits += [
            (LOVED_ONE_VISITOR, url_for("boundaries.boundary", boundary_id=ids["typed_boundary"])),
            (PERSON_VISITOR, url_for("boundaries.shared_boundary", connection_id=ids["with_sam"],
                                     boundary_id=ids["typed_boundary"])),
            (PERSON_VISITOR, url_for("boundaries.boundary", boundary_id=ids["typed_person_boundary"])),
            (LOVED_ONE_VISITOR, url_for("boundaries.shared_boundary", connection_id=ids["with_sam"],
                                        boundary_id=ids["typed_person_boundary"])),
            (PERSON_VISITOR, url_for("conversations.script", script_id="hearing-a-boundary",
                                     boundary=ids["typed_boundary"])),
        ]
    return visits


def _others(ids: dict) -> dict[str, tuple[str, dict]]:
    """Every other member of the demo circle (Pat, and anyone the demo adds): name -> (the visitor whose pages
    they see, the ids with their own connection in place of Jordan and Sam's)."""
    others = {}
    for user in db.session.scalars(sa.select(User).where(User.email.like(f"%@{DEMO_DOMAIN}"))):
        name = user.email.split("@")[0]
        if name in ("jordan", "sam", "rivera"):
            continue
        connection = next(iter(circle.connections_of(user)), None)
        their_ids = {**ids, "with_sam": connection.id} if connection is not None else ids
        others[name] = (LOVED_ONE_VISITOR if user.role == LOVED_ONE else PERSON_VISITOR, their_ids)
    return others


def _walk(app, login_as, ids: dict) -> dict[str, str]:
    """Open every page as its visitor; return "who path" -> the page's visible text."""
    clients = {PUBLIC: app.test_client(), PERSON_VISITOR: login_as("jordan"), LOVED_ONE_VISITOR: login_as("sam"),
               SUPPORTER_VISITOR: login_as("rivera")}
    seen = {}
    for who, path in _visits(app, ids):
        response = clients[who].get(path)
        assert response.status_code == 200, f"{who} {path}: {response.status_code}"
        seen[f"{who} {path}"] = visible_text(response.get_data(as_text=True))
    # Everyone else opens the same pages as their role; pages about Jordan's or Sam's own things are 404 to them.
    for name, (role, their_ids) in _others(ids).items():
        client = login_as(name)
        for who, path in _visits(app, their_ids):
            if who == role:
                response = client.get(path)
                if response.status_code == 200:
                    seen[f"{name} {path}"] = visible_text(response.get_data(as_text=True))
    assert any(page.startswith("pat ") for page in seen)
    return seen


@pytest.fixture
def walked(app, login):
    ids = _demo_circle(app)

    def login_as(name: str):
        user = db.session.scalar(sa.select(User).where(User.email == f"{name}@{DEMO_DOMAIN}"))
        return login(app.test_client(), user, DEFAULT_PASSWORD)

    return _walk(app, login_as, ids)


def test_every_page_in_both_roles_speaks_plainly(walked):
    """No doubled boundary prefix, raw status key, "X: X" label or developer word on any page."""
    assert len(walked) > 60
    failures = [f"{page}: {problem}" for page, text in walked.items() for problem in problems(text)]
    assert not failures, "\n".join(failures)


def test_a_boundary_typed_with_its_prefixes_reads_once(walked):
    """The words typed with "If" and "I will" are shown, once, to their owner and to the person they're shared with."""
    owner = next(text for page, text in walked.items() if page.startswith(f"{LOVED_ONE_VISITOR} /boundaries/")
                 and "you drink at home" in text)
    reader = next(text for page, text in walked.items() if page.startswith(f"{PERSON_VISITOR} /boundaries/shared/")
                  and "have been drinking" in text)
    assert "First written" in owner and "If / when you drink at home — I will leave for the night" in owner
    assert re.search(r"If / when you have been drinking[ |]+I will go to my sister's\.", reader)
    for text in (owner, reader):
        assert not DOUBLED_PREFIX.search(text)


def test_the_checks_catch_what_they_are_for():
    """Each rule fires on the words it is meant to catch, and not on plain sentences."""
    assert DOUBLED_PREFIX.search("If / when If you drink at home")
    assert DOUBLED_PREFIX.search("If/when when you call")
    assert DOUBLED_PREFIX.search("I will I will leave")
    assert DOUBLED_PREFIX.search("I will I’ll leave")
    assert not DOUBLED_PREFIX.search("If / when you drink at home | I will leave")
    assert RAW_KEY.search("Open to it: not_yet")
    assert REPEATED_LABEL.search("Willing: Willing")
    assert not REPEATED_LABEL.search("Status: Willing")
    for word in ("Shared area", "grant", "Held", "Reflected on", "Version 1", "consistency tracker", "slip"):
        assert DEVELOPER_WORDS.search(word), word
    for fine in ("Talks", "Tracker", "setback", "taken for granted", "a slippery floor"):
        assert not DEVELOPER_WORDS.search(fine), fine
    assert visible_text("<p>A</p><script>x_y</script><p>B</p>") == " | A | | B | "


@pytest.mark.parametrize(("typed", "reads"), [
    (("If you drink at home", "I will leave"), "If / when you drink at home — I will leave"),
    (("When you call late", "I'll let it ring"), "If / when you call late — I will let it ring"),
    (("if or when I'm asked to a bar", "I won't go"), "If / when I'm asked to a bar — I will not go"),
    (("If/when… you shout", "I'm going to walk out"), "If / when you shout — I will walk out"),
    (("Whenever money goes missing", "I am going to check the statements"),
     "If / when money goes missing — I will check the statements"),
    (("you come home late", "go to bed"), "If / when you come home late — I will go to bed"),
    (("Iffy weather", "I can leave early"), "If / when Iffy weather — I can leave early"),
    (("If", "I will"), "If — I will"),  # nothing after the lead-in: the typed words stand alone
])
def test_a_typed_lead_in_is_shown_once(typed, reads):
    """The "If / when" and "I will" a person typed are taken off for display; their stored words are untouched."""
    words = Words(*typed)
    assert boundaries.one_line(words) == reads
    assert words.situation == typed[0] and words.my_action == typed[1]


def test_need_and_request_lead_ins_are_shown_once():
    shown = boundaries.shown(Words("If you yell", "I will leave", "Because I need calm", "I'm asking you to stop"))
    assert (shown.need_lead, shown.need, shown.request_lead, shown.request) == (
        "Because", "I need calm", "I'm asking", "you to stop")
    shown = boundaries.shown(Words("If you yell", "I will leave", "I need calm", "I ask that you text first"))
    assert (shown.need, shown.request) == ("I need calm", "that you text first")


def test_every_page_is_in_the_walk(app):
    """A new GET page must be mapped in tests/e2e/pages.py (or skipped there with a reason)."""
    missing = get_endpoints(app) - set(pages(defaultdict(int))) - set(SKIP)
    assert not missing, f"map these pages in tests/e2e/pages.py: {sorted(missing)}"
