"""Small forms inside bigger pages (a step, a small win, a note, an event, a confirmation).

When one is refused, the same page comes back (422) with the message beside the form and
everything the person typed still in it — never lost on a redirect — and nothing is saved.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import row_counts
from tests.security.world import build_world

TYPED = "What I typed and want to keep " + "z" * 1200  # too long for every one of these forms


def _cases(w):
    cid, today = w.ab_id, date.today().isoformat()
    return [
        ("a", f"/amends/{w.entry_id}/steps", {"text": TYPED}, "200 characters", "amends_steps"),
        ("a", "/tracker/wins", {"win-text": TYPED}, "280 characters", "small_wins"),
        ("a", "/tracker/wins?next=/tracker/today", {"win-text": TYPED}, "280 characters", "small_wins"),
        ("a", f"/tracker/checkins/{w.checkin_id}/note", {"body": TYPED}, "characters", "checkin_addenda"),
        ("a", f"/boundaries/{w.boundary_id}/events",
         {"event-kind": "respected", "event-local_date": today, "event-note": TYPED}, "500 characters",
         "boundary_events"),
        ("b", f"/boundaries/shared/{cid}/{w.boundary_id}/events",
         {"event-kind": "respected", "event-local_date": today, "event-note": TYPED}, "500 characters",
         "boundary_events"),
        ("b", f"/tracker/shared/{cid}/checkins/{w.checkin_id}/confirm",
         {f"k{w.checkin_id}-verdict": "saw", f"k{w.checkin_id}-note": TYPED}, "500 characters", "confirmations"),
    ]


@pytest.mark.parametrize("index", range(7))
def test_a_refused_small_form_comes_back_with_what_was_typed(app, login, index):
    """The page is shown again with the message and the typed text; no row is added."""
    world = build_world(app, login)
    who, path, data, message, table = _cases(world)[index]
    before = row_counts()[table]
    response = world.clients[who].post(path, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422, path
    assert message in body, path
    assert TYPED in body, path
    assert row_counts()[table] == before


def test_an_accepted_small_form_still_goes_back_where_it_came_from(app, login):
    """The happy path is unchanged: saved, thanked, and back on the page it came from."""
    world = build_world(app, login)
    response = world.clients["a"].post(f"/amends/{world.entry_id}/steps", data={"text": "Call Sam on Sunday"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/amends/{world.entry_id}#steps")
