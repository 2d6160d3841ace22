"""SECURITY.md 13 and 14: Hypothesis drives every form with arbitrary text, sizes and choices.

Never a 500; a refused form saves nothing; user text is always escaped in the next page.
Runs 25 examples per form by default and 200 in CI (HYPOTHESIS_PROFILE=ci).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import row_counts
from tests.security.logcapture import SENTINEL, logged_text, sentinel_in
from tests.security.world import World, build_world

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


@dataclass(frozen=True)
class Choice:
    """A field with fixed choices: the fuzzer posts a valid one most of the time, and sometimes anything."""

    valid: tuple[str, ...]

    def strategy(self):
        return st.one_of(st.sampled_from(self.valid), st.text(max_size=12))


def choice(*valid: str) -> Choice:
    return Choice(valid)


def strategies(fields: dict) -> dict:
    """The Hypothesis strategy for every field of a form."""
    return {name: kind.strategy() if isinstance(kind, Choice) else kind for name, kind in fields.items()}


def _forms(w):
    """Every form: (who posts, path, field strategies)."""
    c, cid = w.commitment_id, w.ab_id
    commitment = {"title": TEXT, "why": TEXT, "kind": choice("daily", "weekly", "once"), "times_per_week": TEXT,
                  "once_on": DATE, "start_date": DATE, "end_date": DATE, "connection_id": choice("", str(cid))}
    amends = {"person_name": TEXT, "what_happened": TEXT, "impact": TEXT, "my_part": TEXT,
              "kind": choice("direct", "living"), "stage": choice("ready", "not_possible"),
              "not_possible_reason": TEXT, "planned_on": DATE,
              "connection_id": choice("", str(cid))}
    boundary = {"category": choice("home", "money"), "situation": TEXT, "my_action": TEXT, "need": TEXT,
                "request": TEXT, "action": choice("save", "check")}
    event = {"event-kind": choice("respected", "crossed"), "event-local_date": DATE, "event-note": TEXT}
    consent = {"areas": choice("tracker", "plan", "trust", "self_care"), "purpose": TEXT, "ends_on": DATE}
    note = {"about": choice("0", str(w.a.id)), "on_date": DATE, "text": TEXT, "shared": choice("y", "")}
    return [
        ("anon", "/register", {"display_name": TEXT, "email": TEXT, "password": TEXT, "password_again": TEXT,
                               "role": choice("person", "loved_one"), "timezone": choice("UTC", "Europe/Paris"),
                               "country": choice("US", "GB", "ZZ")}),
        ("anon", "/login", {"email": TEXT, "password": TEXT}),
        ("anon", "/reset", {"email": TEXT}),
        ("anon", f"/reset/{w.tokens['reset']}", {"password": TEXT, "password_again": TEXT}),
        ("a", "/settings", {"display_name": TEXT, "timezone": choice("UTC", "Asia/Tokyo"),
                            "country": choice("AU", "NZ", "ZZ")}),
        ("a", "/settings/password", {"current_password": TEXT, "new_password": TEXT, "new_password_again": TEXT}),
        ("a", "/settings/email", {"email": TEXT, "password": TEXT}),
        ("a", "/settings/export", {"password": TEXT, "format": choice("json", "print")}),
        ("a", "/settings/delete", {"password": TEXT, "confirm": TEXT}),
        ("a", "/circle/invite", {"relationship": choice("partner", "friend"), "invitee_label": TEXT}),
        ("a", f"/circle/{cid}/sharing", {f"c{cid}-areas": choice("tracker", "amends", "trust")}),
        ("a", "/tracker/commitments/new", commitment),
        ("a", f"/tracker/commitments/{c}/edit", commitment),
        ("a", f"/tracker/commitments/{c}/checkin", {f"c{c}-day": DATE, f"c{c}-status": choice("kept", "missed"),
                                                    f"c{c}-note": TEXT}),
        ("a", f"/tracker/checkins/{w.checkin_id}/note", {"body": TEXT}),
        # B's own self-care (a loved one's commitments): the same forms, without the amends link.
        ("b", "/tracker/commitments/new", commitment),
        ("b", f"/tracker/commitments/{w.b_commitment_id}/edit", commitment),
        ("b", f"/tracker/commitments/{w.b_commitment_id}/checkin", {
            f"c{w.b_commitment_id}-day": DATE, f"c{w.b_commitment_id}-status": choice("kept", "partly"),
            f"c{w.b_commitment_id}-note": TEXT}),
        ("b", f"/tracker/checkins/{w.b_checkin_id}/note", {"body": TEXT}),
        ("b", f"/circle/{cid}/sharing", {f"c{cid}-areas": choice("self_care", "trust", "tracker")}),
        ("b", f"/tracker/shared/{cid}/checkins/{w.checkin_id}/confirm", {"verdict": choice("saw", "not_seen"),
                                                                          "note": TEXT}),
        ("a", "/tracker/setbacks/new", {"local_date": DATE, "what_happened": TEXT, "next_step": TEXT}),
        ("a", "/tracker/wins", {"win-text": TEXT}),
        ("a", "/tracker/journey/start", {"start-recovery_start": DATE}),
        ("a", "/amends/new", amends),
        ("a", f"/amends/{w.entry_id}/edit", amends),
        ("a", f"/amends/{w.entry_id}/safety", {"safety_harm_them": choice("yes", "no", "unsure")}),
        ("a", f"/amends/{w.entry_id}/steps", {"text": TEXT}),
        ("a", f"/amends/{w.entry_id}/reflection", {"reflection_how": TEXT, "reflection_next": TEXT}),
        ("b", f"/amends/openness/{w.a.id}", {"status": choice("yes", "not_yet"), "conditions": TEXT}),
        ("a", "/boundaries/new", boundary),
        ("a", f"/boundaries/{w.boundary_id}/revise", boundary),
        ("a", f"/boundaries/{w.boundary_id}/events", event),
        ("b", f"/boundaries/shared/{cid}/{w.boundary_id}/events", event),
        ("b", f"/boundaries/shared/{cid}/{w.boundary_id}/answer", {"kind": choice("acknowledged", "talk")}),
        ("b", f"/trust/{w.a.id}/new", {"predictability": choice("1", "7"), "dependability": choice("4", "0"),
                                       "faith": choice("5", "8"), "note": TEXT}),
        ("a", "/talk/scripts/asking-for-a-chance", {"connection_id": choice("", str(cid))}),
        ("a", f"/talk/plans/{w.plan_id}/edit", {"title": TEXT, "answer_opening": TEXT,
                                                "connection_id": choice("", str(cid)), "shared": choice("y", "")}),
        ("a", f"/talk/plans/{w.plan_id}/status", {"status": choice("ready", "held"), "held_on": DATE}),
        ("a", f"/talk/plans/{w.plan_id}/reflection", {"reflection_how": TEXT}),
        ("a", "/settings/reminders", {"by_email": choice("y", ""), "daily_on": choice("y", ""),
                                      "daily_time": choice("07:30", "23:00"), "weekly_on": choice("y", ""),
                                      "weekly_day": choice("0", "6"), "circle_on": choice("y", ""),
                                      "quiet_start": choice("", "22:00"), "quiet_end": choice("", "06:30"),
                                      "full_wording": choice("y", ""), "calendar_alarm": choice("y", "")}),
        ("a", f"/settings/reminders/circle/{cid}", {"quiet_days": choice("", "2", "14"), "reach_out": choice("y", "")}),
        # The plan for hard days: a list, pairs, people from the circle or typed, services, the note.
        ("a", "/plan/warning-signs", {"items": TEXT, "action": choice("save", "next")}),
        ("a", "/plan/triggers", {"rows-0-trigger": TEXT, "rows-0-response": TEXT, "rows-1-trigger": TEXT,
                                 "rows-1-response": TEXT, "action": choice("save", "more")}),
        ("a", "/plan/people-to-ask", {"rows-0-who": choice("", str(cid)), "rows-0-name": TEXT, "rows-0-phone": TEXT,
                                      "rows-1-who": choice("", str(cid)), "rows-1-name": TEXT,
                                      "rows-1-phone": choice("", "555 0100", "+44 20 7946 0000"),
                                      "action": choice("save", "more")}),
        ("a", "/plan/professionals", {"rows-0-name": TEXT, "rows-0-phone": TEXT}),
        ("a", "/plan/how-to-help", {"note": TEXT}),
        # Looking after me (B, a loved one): the weekly check, the worksheets, stepping back's two pages.
        ("b", "/looking-after-me/wellbeing/new", {**{k: choice("5", "10", "0", "11") for k in WELLBEING_PARTS},
                                                  "note": TEXT}),
        ("b", "/looking-after-me/good-days/new", {"title": TEXT, "signs": TEXT, "words": TEXT, "happened": TEXT}),
        ("b", "/looking-after-me/problem-solving/new", {"title": TEXT, "problem": TEXT, "steps": TEXT}),
        ("b", "/looking-after-me/stepping-back/new", {"stage": choice("worksheet", "safety"),
                                                      **{k: choice("no", "yes", "unsure") for k in SAFETY_KEYS},
                                                      "title": TEXT, "usual": TEXT, "say": TEXT}),
        ("b", f"/looking-after-me/worksheets/{_b_worksheet(w)}/edit", {"title": TEXT, "words": TEXT, "when": TEXT}),
        # Supporters: A's consent offered, changed and given from a supporter's link; S's link and notes.
        ("a", "/supporters/invite", {"kind": choice("sponsor", "coach"), "label": TEXT, **consent}),
        ("a", f"/supporters/{w.as_id}/consent/change", consent),
        ("d", f"/supporters/join/{_support_link(w)}", consent),
        ("s", "/supporting/invite", {"purpose": TEXT, "label": TEXT}),
        ("s", "/supporting/notes/new", note),
        ("s", f"/supporting/notes/{w.s_note_id}/edit", note),
    ]


WELLBEING_PARTS = ("sleep", "daily", "friends", "health", "me_time", "money", "feelings", "relationship")
SAFETY_KEYS = ("danger", "overdose", "self_harm", "violence", "driving", "child")


def _support_link(w) -> str:
    """A link S (A's counsellor) made for someone they support, made for a real world; a stand-in otherwise."""
    if not isinstance(w, World):
        return "TOKEN"
    from recovery.accounts.models import User
    from recovery.db import db
    from recovery.supporters import services as supporters

    return supporters.invite_person(db.session.get(User, w.s.id), "To prepare for our sessions.")[1]


def _b_worksheet(w) -> int:
    """B's own "Looking after me" worksheet, made for a real world (it has none); a stand-in id for the lists below."""
    if not isinstance(w, World):
        return 8
    from recovery.accounts.models import User
    from recovery.db import db
    from recovery.wellbeing import services as wellbeing

    return wellbeing.create_worksheet(db.session.get(User, w.b.id), "good_days", "", {"words": "Thanks."}).id


FORM_IDS = [path for _, path, _ in _forms(type("W", (), {
    "commitment_id": "C", "ab_id": "X", "checkin_id": "K", "entry_id": "E", "boundary_id": "B", "plan_id": "P",
    "b_commitment_id": "BC", "b_checkin_id": "BK", "as_id": "S", "s_note_id": "N",
    "tokens": {"reset": "TOKEN"}, "a": type("A", (), {"id": "A"})})())]


@pytest.mark.parametrize("index", range(len(FORM_IDS)), ids=FORM_IDS)
def test_every_form_survives_arbitrary_input(app, login, index):
    """SECURITY.md 13/14: arbitrary input never gives a 500, refused input saves nothing, text is escaped."""
    world = build_world(app, login)
    who, path, fields = _forms(world)[index]
    client = app.test_client() if who == "anon" else world.clients[who]

    @given(st.fixed_dictionaries(strategies(fields)))
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


# POST rules with nothing to type: a button, sometimes with a fixed hidden value. The url_map walk
# (test_url_map_walk.py) and each feature's own tests drive them.
BUTTONS_ONLY = {
    "accounts.logout", "accounts.revoke_session", "accounts.revoke_other_sessions", "accounts.use_sign_in_link",
    "calendar.settings", "calendar.revoke", "calendar.titles",
    "circle.invitation", "circle.cancel_invitation", "circle.change_connection",
    "tracker.change_status", "tracker.share_setback",
    "amends.delete", "amends.change_step",
    "boundaries.change_status",
    "conversations.delete",
    "findhelp.add_meeting",
    "push.stop", "push.test",
    "notifications.not_now", "notifications.mark_read", "notifications.reach_out", "notifications.unsubscribe",
    "plan.read_through",
    "wellbeing.delete_worksheet",
    "supporters.end", "supporters.delete_note",
}
# POST routes that take JSON from a page's script, not a form: fuzzed with arbitrary JSON where they live.
JSON_POSTS = {
    "push.subscribe": "tests/notifications/test_push.py::test_arbitrary_json_never_gives_a_500_nor_saves_a_device",
    "push.unsubscribe": "tests/notifications/test_push.py::test_arbitrary_json_never_gives_a_500_nor_saves_a_device",
}


def test_every_form_is_fuzzed(app):
    """SECURITY.md 13: a new POST route fails this test until it is fuzzed above or named as a button."""
    world = type("W", (), {"commitment_id": 1, "ab_id": 2, "checkin_id": 3, "entry_id": 4, "boundary_id": 5,
                           "plan_id": 6, "tokens": {"reset": "token"}, "a": type("A", (), {"id": 7}),
                           "b_commitment_id": 8, "b_checkin_id": 9, "as_id": 10, "s_note_id": 11})()
    adapter = app.url_map.bind("mend.test")
    fuzzed = {adapter.match(path, method="POST")[0] for _, path, _ in _forms(world)}
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert posts - fuzzed - BUTTONS_ONLY - JSON_POSTS.keys() == set(), "fuzz these forms, or name them in BUTTONS_ONLY"
    assert fuzzed & BUTTONS_ONLY == set()


def _typed(kind, today: str) -> str:
    """What a careful user would type: the sentinel in every text, a real date, the first valid choice."""
    if isinstance(kind, Choice):
        return kind.valid[0]
    if kind is DATE:
        return today
    return f"{SENTINEL} words"


def test_a_sentinel_typed_into_every_form_never_reaches_the_logs(app, login, all_logs):
    """SECURITY.md 17: the sentinel typed into every text and password field of every form is never logged."""
    world = build_world(app, login)
    today = date.today().isoformat()
    answered = 0
    for who, path, fields in _forms(world):
        client = app.test_client() if who == "anon" else world.clients[who]
        response = client.post(path, data={name: _typed(kind, today) for name, kind in fields.items()})
        assert response.status_code < 500, path
        answered += 1
    assert answered == len(FORM_IDS)
    assert all_logs.records, "the capture saw nothing, so it proves nothing"
    assert not sentinel_in(logged_text(all_logs))
