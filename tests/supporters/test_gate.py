"""A supporter reaches only the pages meant for supporters (recovery/supporters/gate.py): a walk of the url_map.

Supporters have no tracker, amends, boundaries, talks or trust check-ins of their own; every endpoint the
gate does not name answers 404 to a supporter, for GET and POST alike, and changes nothing.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from recovery.accounts.models import PERSON, SUPPORTER
from recovery.db import db
from recovery.supporters import gate
from tests import factories
from tests.conftest import row_counts

SAMPLE = {"int": "1", "default": "x", "string": "x", "path": "x"}


def _url(rule: Rule) -> str:
    """The rule's path with every argument filled by a sample value of its kind."""
    def fill(match: re.Match) -> str:
        converter = match.group(1) or "default"
        return SAMPLE.get(converter.split("(")[0], "1")

    return re.sub(r"<(?:(\w+(?:\([^)]*\))?):)?\w+>", fill, rule.rule)


def _closed_rules(app) -> list[tuple[Rule, str]]:
    return [(rule, method) for rule in app.url_map.iter_rules()
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
            if not gate.allowed(rule.endpoint, method) and rule.endpoint != "dashboards.home"]


def test_every_other_page_is_404_to_a_supporter_and_changes_nothing(app, as_user):
    supporter = factories.make_user(SUPPORTER)
    client = as_user(supporter)
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/settings").get_data(as_text=True)).group(1)
    closed = _closed_rules(app)
    assert len(closed) > 60  # most of Mend is for the other two roles
    before = row_counts()
    problems = []
    for rule, method in closed:
        url = _url(rule)
        response = client.open(url, method=method, data={"csrf_token": token} if method != "GET" else None)
        if response.status_code != 404:
            problems.append(f"{method} {url} ({rule.endpoint}): {response.status_code}")
    assert not problems, "\n".join(problems)
    db.session.expire_all()
    assert row_counts() == before


def test_the_open_pages_are_few_and_read_only_where_they_show_someone_else(app):
    """The gate's list itself: shared views only for reading, nothing of the circle's own pages."""
    assert gate.allowed("circle.shared_area", "GET") and not gate.allowed("circle.shared_area", "POST")
    for endpoint in ("circle.index", "circle.invite", "tracker.today", "amends.index", "boundaries.index",
                     "trust.index", "conversations.index", "wellbeing.index", "plan.index", "tracker.confirm",
                     "boundaries.answer", "boundaries.shared_event", "notifications.reach_out"):
        assert not gate.allowed(endpoint, "GET") and not gate.allowed(endpoint, "POST"), endpoint


def test_home_leads_a_supporter_to_the_people_they_support(app, as_user):
    client = as_user(factories.make_user(SUPPORTER, name="Dr. Rivera"))
    response = client.get("/home")
    assert response.status_code == 302 and response.location.endswith("/supporting/")
    page = client.get("/supporting/").get_data(as_text=True)
    nav = page.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    for other_roles in ("My circle", "Tracker", "Amends", "Talks", "Boundaries", "Trust check-ins"):
        assert f">{other_roles}<" not in nav, other_roles
    assert ">Home<" in nav and ">My notes<" in nav and ">Settings<" in nav and ">Get help<" in nav


def test_a_supporter_the_host_has_not_approved_waits(app, as_user):
    app.config["SUPPORTERS_NEED_APPROVAL"] = True
    try:
        waiting = factories.make_user(SUPPORTER)
        waiting.approved_at = None
        db.session.commit()
        client = as_user(waiting)
        for path in ("/home", "/supporting/", "/supporting/notes"):
            response = client.get(path)
            assert response.status_code == 302 and response.location.endswith("/supporting/waiting"), path
        assert "approve" in client.get("/supporting/waiting").get_data(as_text=True)
        assert client.get("/settings").status_code == 200 and client.get("/help").status_code == 200
        # Once approved (the host's command), the pages open.
        from recovery.supporters import services

        services.approve(waiting.email)
        db.session.commit()
        assert client.get("/supporting/").status_code == 200
    finally:
        app.config["SUPPORTERS_NEED_APPROVAL"] = False


@pytest.mark.parametrize("role", [PERSON])
def test_the_gate_leaves_the_other_roles_alone(app, as_user, role):
    client = as_user(factories.make_user(role))
    assert client.get("/home").status_code == 200
    assert client.get("/tracker/today").status_code == 200
