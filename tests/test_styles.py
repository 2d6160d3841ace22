"""Each feature's stylesheet is linked by the pages that use it, and only by them (issue 15).

amends.css, boundaries.css and conversations.css hold one feature's look each. A page links one
when it is that feature's page (its template lives in templates/<feature>/) or when it shows a piece
of that feature (home shows a loved one's answer about amends; a talk plan shows the boundary it
was started from). The walk opens every mapped page as each member of the demo circle.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import template_rendered

from recovery.accounts.models import User
from recovery.db import db
from recovery.demo import DEFAULT_PASSWORD, DEMO_DOMAIN
from recovery.pages.head import TRACKER_SHEET_FOLDERS
from tests.e2e.pages import LOVED_ONE, PERSON, PUBLIC, SUPPORTER
from tests.test_words import _demo_circle, _visits

CSS = Path(__file__).resolve().parents[1] / "static" / "css"
FEATURES = ("amends", "boundaries", "conversations")
LINK = re.compile(r'<link rel="stylesheet" href="/static/css/([\w-]+)\.css')


def rules(css: str) -> list[frozenset[str]]:
    """The classes each selector needs, one set per selector (rules inside @media included)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    needs = []
    for head in re.findall(r"([^{}]+)\{[^{}]*\}", css):
        for selector in head.split(","):
            classes = frozenset(re.findall(r"\.([A-Za-z_][\w-]*)", selector))
            if classes:
                needs.append(classes)
    return needs


class _Classes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.seen.update(dict(attrs).get("class", "").split())


def classes_in(html: str) -> set[str]:
    parser = _Classes()
    parser.feed(html)
    return parser.seen


def test_rules_reads_selectors_inside_media_blocks():
    """The reader finds every selector's classes, in and out of @media, and skips comments."""
    assert rules("/* .gone {} */ .a .b, .c:hover { x: 1 } @media print { .d > p { y: 2 } } :root { z: 3 }") == [
        frozenset({"a", "b"}), frozenset({"c"}), frozenset({"d"})]


@pytest.fixture
def walked(app, login):
    """Open every mapped page as each visitor: "who path" -> (templates drawn, stylesheets linked, classes)."""
    ids = _demo_circle(app)
    clients = {PUBLIC: app.test_client()}
    for who in (PERSON, LOVED_ONE, SUPPORTER):
        user = db.session.scalar(sa.select(User).where(User.email == f"{who}@{DEMO_DOMAIN}"))
        clients[who] = login(app.test_client(), user, DEFAULT_PASSWORD)
    drawn: list[str] = []

    def record(sender, template, context, **extra):
        drawn.append(template.name)

    seen = {}
    template_rendered.connect(record, app)
    try:
        for who, path in _visits(app, ids):
            drawn.clear()
            page = clients[who].get(path)
            assert page.status_code == 200, f"{who} {path}: {page.status_code}"
            html = page.get_data(as_text=True)
            seen[f"{who} {path}"] = (drawn[0], set(LINK.findall(html)), classes_in(html))
    finally:
        template_rendered.disconnect(record, app)
    return seen


def test_each_feature_stylesheet_is_linked_where_it_is_used_and_nowhere_else(walked):
    """A page using a feature's rule links its stylesheet; a page links one only if it is that feature's or uses it."""
    assert len(walked) > 60
    needs = {feature: rules((CSS / f"{feature}.css").read_text(encoding="utf-8")) for feature in FEATURES}
    failures = []
    for page, (template, linked, classes) in walked.items():
        assert {"mend", "print"} <= linked, page
        for feature in FEATURES:
            uses = any(need <= classes for need in needs[feature])
            own = template.startswith(f"{feature}/")
            if uses and feature not in linked:
                failures.append(f"{page} ({template}) uses {feature}.css without linking it")
            if feature in linked and not (own or uses):
                failures.append(f"{page} ({template}) links {feature}.css without using it")
    assert not failures, "\n".join(failures)
    # Home shows a loved one's answer about amends, with its look.
    assert any(template == "dashboards/person.html" and "amends" in linked for template, linked, _ in walked.values())


def test_the_shared_stylesheets_hold_nothing_of_one_feature():
    """mend.css, tracker.css and print.css define no class that only amends, boundaries or talk pages use."""
    shared = set().union(*(set().union(*rules((CSS / f"{name}.css").read_text(encoding="utf-8")))
                           for name in ("mend", "tracker", "print")))
    for feature, only_there in {"amends": {"amends-list", "status-counts", "steps-list", "kinds"},
                                "boundaries": {"boundary-list", "boundary-words", "coach", "timeline"},
                                "conversations": {"guide-list", "now-cards", "plan-read", "plan-words"}}.items():
        assert not only_there & shared, feature
        assert only_there <= set().union(*rules((CSS / f"{feature}.css").read_text(encoding="utf-8"))), feature


def test_a_plan_started_from_their_boundary_links_the_boundary_look(app, make_user, make_connection, login):
    """The plan page and its form show the boundary it was started from, drawn with boundaries.css."""
    from recovery.boundaries import services as boundaries
    from recovery.boundaries.services import Words
    from recovery.conversations import services as conversations

    person, loved = make_user("person"), make_user("loved_one")
    make_connection(person, loved, loved_one_shares={"boundaries"})
    theirs = boundaries.create_boundary(loved, "home", Words("If you drink at home", "I will leave.", "I need rest."))
    plan = conversations.start_plan(person, "hearing-a-boundary", boundary_id=theirs.id)
    unlinked = conversations.start_plan(person, "hearing-a-boundary")
    db.session.commit()
    client = login(app.test_client(), person)
    for path in (f"/talk/plans/{plan.id}", f"/talk/plans/{plan.id}/edit"):
        html = client.get(path).get_data(as_text=True)
        assert "boundary-words" in classes_in(html) and LINK.findall(html).count("boundaries") == 1, path
    for path in (f"/talk/plans/{unlinked.id}", f"/talk/plans/{unlinked.id}/edit"):
        assert "boundaries" not in LINK.findall(client.get(path).get_data(as_text=True)), path


def test_tracker_css_is_linked_only_where_its_look_is_used(walked):
    """Issue 16: tracker.css (check-ins, heat map, score) is linked by the pages using one of its own rules, only.

    A rule counts as the tracker's own when it names a class mend.css never styles. The tracker's pages
    and the two homes may link it (as a feature's pages link its sheet); the welcome page, log in and
    the help pages never do.
    """
    shared = set(rules((CSS / "mend.css").read_text(encoding="utf-8")))
    known = set().union(*shared)
    # The tracker's own rules: those naming a class mend.css never styles (.heat-day, .checkin-buttons…).
    theirs = [need for need in rules((CSS / "tracker.css").read_text(encoding="utf-8")) if need - known]
    failures = []
    for page, (template, linked, classes) in walked.items():
        uses = sorted(min(need - known) for need in theirs if need <= classes)
        if uses and "tracker" not in linked:
            failures.append(f"{page} ({template}) uses tracker.css ({', '.join(uses[:3])}) without linking it")
        own = template.startswith(TRACKER_SHEET_FOLDERS)  # the tracker's pages and the two homes
        if "tracker" in linked and not (own or uses):
            failures.append(f"{page} ({template}) links tracker.css without using it")
    assert not failures, "\n".join(failures)
    for path in ("/", "/help"):
        assert "tracker" not in walked[f"{PUBLIC} {path}"][1], path
    assert any("tracker" in linked for _, linked, _ in walked.values())
