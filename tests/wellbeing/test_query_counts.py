"""Looking after me's pages cost the same number of queries with one check or two years of them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recovery.db import db
from recovery.wellbeing import services
from recovery.wellbeing.models import GOOD_DAYS, PROBLEM_SOLVING
from tests.queries import captured_statements
from tests.wellbeing.helpers import add_check

PAGES = ["/looking-after-me/", "/looking-after-me/wellbeing", "/looking-after-me/wellbeing/new",
         "/looking-after-me/you-didnt-cause-it", "/home"]
# Data statements of a reload: one for the session and its user, then the page's own reads (the hub: the last two
# checks and every worksheet; the checks page: every check; the form: the last check; the feelings page: none).
PINNED = {"/looking-after-me/": 3, "/looking-after-me/wellbeing": 2, "/looking-after-me/wellbeing/new": 2,
          "/looking-after-me/you-didnt-cause-it": 1}


def _counts(client) -> dict[str, int]:
    found = {}
    for path in PAGES:
        client.get(path)  # warm up: the session touch, templates
        with captured_statements() as statements:
            assert client.get(path).status_code == 200, path
        found[path] = len([s for s in statements
                           if s.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE")])
    return found


@pytest.mark.parametrize("weeks", [1, 104])
def test_the_pages_do_not_grow_with_history(app, make_user, as_user, weeks):
    sam = make_user("loved_one")
    today = services.today_for(sam)
    for week in range(weeks, 0, -1):
        add_check(sam, today - timedelta(days=7 * week), (3 + week % 5,))
    for n in range(1 if weeks == 1 else 12):
        services.create_worksheet(sam, GOOD_DAYS if n % 2 else PROBLEM_SOLVING, "", {"problem": "x", "words": "y"})
    db.session.commit()
    counts = _counts(as_user(sam))
    home = counts.pop("/home")
    assert counts == PINNED
    assert home == _home_without_history(app, make_user, as_user)


def _home_without_history(app, make_user, as_user) -> int:
    return _counts(as_user(make_user("loved_one")))["/home"]
