""""My plan" is one tap away on every page of a person in recovery, and on no one else's.

The walk opens every page the browser tests map (tests/e2e/pages.py: every GET endpoint of the app, or a
reason to skip it), as each member of the demo circle, where Jordan's plan for hard days is shared with Sam.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from recovery.accounts.models import User
from recovery.db import db
from recovery.demo import DEFAULT_PASSWORD, DEMO_DOMAIN
from tests.e2e.pages import EXTRA, LOVED_ONE, PERSON, PUBLIC, SUPPORTER, pages
from tests.test_words import _demo_circle

MY_PLAN = re.compile(r'<div class="my-plan-slot"><a class="my-plan" href="/plan/"( aria-current="page")?>My plan</a>')


def test_my_plan_is_beside_quick_exit_on_every_page_of_a_person_in_recovery(app, login):
    ids = _demo_circle(app)  # Jordan's plan is shared with Sam there (recovery/plan/demo.py)
    clients = {PUBLIC: app.test_client()}
    for who in (PERSON, LOVED_ONE, SUPPORTER):
        user = db.session.scalar(sa.select(User).where(User.email == f"{who}@{DEMO_DOMAIN}"))
        clients[who] = login(app.test_client(), user, DEFAULT_PASSWORD)
    with app.test_request_context():
        from flask import url_for

        visits = [(who, url_for(endpoint, **args), 200) for endpoint, calls in pages(ids).items()
                  for who, args in calls]
    visits += EXTRA
    problems, seen = [], {PERSON: 0, LOVED_ONE: 0, PUBLIC: 0, SUPPORTER: 0}
    for who, path, status in visits:
        response = clients[who].get(path)
        if response.status_code != status:
            problems.append(f"{who} {path}: {response.status_code}, expected {status}")
            continue
        html = response.get_data(as_text=True)
        header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
        found = MY_PLAN.findall(header)
        if who == PERSON:
            if len(found) != 1:
                problems.append(f"{who} {path}: {len(found)} “My plan” links in the header")
            elif header.index('class="my-plan-slot"') > header.index('class="quick-exit"') or \
                    header.index('class="my-plan-slot"') < header.index("</details>"):
                problems.append(f"{who} {path}: “My plan” isn't beside Quick exit")
        elif "my-plan" in html:
            problems.append(f"{who} {path}: shows “My plan”")
        seen[who] += 1
    assert not problems, "\n".join(problems)
    # Every page of the person's: the map gives every GET endpoint a page or a reason to skip it (the
    # accessibility walk, tests/e2e/test_accessibility.py, fails on an endpoint in neither).
    person_endpoints = {endpoint for endpoint, calls in pages(ids).items() if any(w == PERSON for w, _ in calls)}
    assert {"plan.index", "plan.edit", "dashboards.home", "tracker.today", "accounts.settings"} <= person_endpoints
    assert seen[PERSON] > 50 and seen[LOVED_ONE] > 20 and seen[PUBLIC] > 10


def test_the_link_says_where_you_are_on_the_plan_page(app, as_user):
    from recovery.accounts.models import PERSON as PERSON_ROLE
    from tests import factories

    client = as_user(factories.make_user(PERSON_ROLE))
    assert MY_PLAN.search(client.get("/plan/").get_data(as_text=True)).group(1) == ' aria-current="page"'
    assert MY_PLAN.search(client.get("/home").get_data(as_text=True)).group(1) is None
