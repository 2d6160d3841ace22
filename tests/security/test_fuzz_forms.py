"""SECURITY.md 13 and 14: Hypothesis drives every form with arbitrary text, sizes and choices.

Never a 500; a refused form saves nothing; user text is always escaped in the next page.
Runs 25 examples per form by default and 200 in CI (HYPOTHESIS_PROFILE=ci).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import row_counts
from tests.security.world import build_world

settings.register_profile("ci", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("dev", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

MARK = "<b>fz"  # any unescaped "<b>" from user text in a page would be an XSS hole
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=6000),
    st.builds(lambda s: MARK + s, st.text(max_size=30)),
    st.sampled_from(["", " ", "\x00", "\u202e", "' OR 1=1 --", "<script>alert(1)</script>", "ā" * 3000]),
)
DATE = st.one_of(st.dates().map(lambda d: d.isoformat()), st.text(max_size=15))


def choice(*valid):
    """A valid choice most of the time, and sometimes anything at all."""
    return st.one_of(st.sampled_from(valid), st.text(max_size=12))


def _forms(w):
    """Every form: (who posts, path, field strategies)."""
    c, cid = w.commitment_id, w.ab_id
    return [
        ("anon", "/register", {"display_name": TEXT, "email": TEXT, "password": TEXT, "password_again": TEXT,
                               "role": choice("person", "loved_one"), "timezone": choice("UTC", "Europe/Paris")}),
        ("anon", "/login", {"email": TEXT, "password": TEXT}),
        ("anon", "/reset", {"email": TEXT}),
        ("a", "/settings", {"display_name": TEXT, "timezone": choice("UTC", "Asia/Tokyo")}),
        ("a", "/settings/password", {"current_password": TEXT, "new_password": TEXT, "new_password_again": TEXT}),
        ("a", "/settings/email", {"email": TEXT, "password": TEXT}),
        ("a", "/settings/export", {"password": TEXT, "format": choice("json", "print")}),
        ("a", "/settings/delete", {"password": TEXT, "confirm": TEXT}),
        ("a", "/circle/invite", {"relationship": choice("partner", "friend"), "invitee_label": TEXT}),
        ("a", f"/circle/{cid}/sharing", {f"c{cid}-areas": choice("tracker", "amends", "trust")}),
        ("a", "/tracker/commitments/new", {"title": TEXT, "why": TEXT, "kind": choice("daily", "weekly", "once"),
                                           "times_per_week": TEXT, "once_on": DATE, "start_date": DATE,
                                           "end_date": DATE, "connection_id": choice("", str(cid))}),
        ("a", f"/tracker/commitments/{c}/checkin", {f"c{c}-day": DATE, f"c{c}-status": choice("kept", "missed"),
                                                    f"c{c}-note": TEXT}),
        ("a", f"/tracker/checkins/{w.checkin_id}/note", {"body": TEXT}),
        ("a", "/tracker/setbacks/new", {"local_date": DATE, "what_happened": TEXT, "next_step": TEXT}),
        ("a", "/tracker/wins", {"win-text": TEXT}),
        ("a", "/tracker/journey/start", {"start-recovery_start": DATE}),
        ("a", "/amends/new", {"person_name": TEXT, "what_happened": TEXT, "impact": TEXT, "my_part": TEXT,
                              "kind": choice("direct", "living"), "willingness": choice("ready", "not_yet"),
                              "status": choice("listed", "not_possible"), "not_possible_reason": TEXT,
                              "planned_on": DATE, "connection_id": choice("", str(cid))}),
        ("a", f"/amends/{w.entry_id}/safety", {"safety_harm_them": choice("yes", "no", "unsure")}),
        ("a", f"/amends/{w.entry_id}/steps", {"text": TEXT}),
        ("a", f"/amends/{w.entry_id}/reflection", {"reflection_how": TEXT, "reflection_next": TEXT}),
        ("b", f"/amends/openness/{w.a.id}", {"status": choice("yes", "not_yet"), "conditions": TEXT}),
        ("a", "/boundaries/new", {"category": choice("home", "money"), "situation": TEXT, "my_action": TEXT,
                                  "need": TEXT, "request": TEXT, "action": choice("save", "check")}),
        ("a", f"/boundaries/{w.boundary_id}/events", {"event-kind": choice("respected", "crossed"),
                                                      "event-local_date": DATE, "event-note": TEXT}),
        ("b", f"/boundaries/shared/{cid}/{w.boundary_id}/answer", {"kind": choice("acknowledged", "talk")}),
        ("b", f"/trust/{w.a.id}/new", {"predictability": choice("1", "7"), "dependability": choice("4", "0"),
                                       "faith": choice("5", "8"), "note": TEXT}),
        ("a", f"/talk/plans/{w.plan_id}/edit", {"title": TEXT, "answer_opening": TEXT,
                                                "connection_id": choice("", str(cid)), "shared": choice("y", "")}),
        ("a", f"/talk/plans/{w.plan_id}/status", {"status": choice("ready", "held"), "held_on": DATE}),
        ("a", f"/talk/plans/{w.plan_id}/reflection", {"reflection_how": TEXT}),
    ]


FORM_IDS = [path for _, path, _ in _forms(type("W", (), {
    "commitment_id": "C", "ab_id": "X", "checkin_id": "K", "entry_id": "E", "boundary_id": "B", "plan_id": "P",
    "a": type("A", (), {"id": "A"})})())]


@pytest.mark.parametrize("index", range(len(FORM_IDS)), ids=FORM_IDS)
def test_every_form_survives_arbitrary_input(app, login, index):
    """SECURITY.md 13/14: arbitrary input never gives a 500, refused input saves nothing, text is escaped."""
    world = build_world(app, login)
    who, path, fields = _forms(world)[index]
    client = app.test_client() if who == "anon" else world.clients[who]

    @given(st.fixed_dictionaries(fields))
    def run(data):
        before = row_counts()
        response = client.post(path, data=data)
        body = response.get_data(as_text=True)
        assert response.status_code < 500, (path, response.status_code)
        if 400 <= response.status_code < 500:
            after = row_counts()
            for table in ("login_throttles", "audit_events", "user_sessions", "password_resets"):
                before.pop(table), after.pop(table)
            assert after == before, f"{path} saved something while refusing the form"
        assert "<b>fz" not in body, f"{path} echoed user text without escaping"

    run()
