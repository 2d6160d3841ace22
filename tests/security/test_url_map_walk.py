"""SECURITY.md 10 and 9: walk every URL rule as other users, on A's ids, with GET and POST."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON, SUPPORTER
from recovery.circle.models import ShareGrant
from recovery.circle.permissions import AREAS
from recovery.db import db
from tests import factories
from tests.conftest import row_counts
from tests.security.world import (
    LOVED_ONE_AREAS,
    PERSON_AREAS,
    World,
    attack_body,
    build_world,
    routed,
    snapshot,
    url_for_rule,
    walked_rules,
)

# How to fill each URL argument from A's ids: (world, endpoint) -> values to try.
# A rule with an argument missing here fails the walk, so a new route forces an update.
FILLERS: dict[str, Callable[[World, str], list]] = {
    # A's tie with S for supporters' pages of a tie; A's connection with B everywhere else.
    "connection_id": lambda w, ep: [w.as_id] if ep.startswith("supporters.") else [w.ab_id],
    "note_id": lambda w, ep: [w.s_note_id],
    "invitation_id": lambda w, ep: [w.invitation_id],
    "session_id": lambda w, ep: [w.a_session_id],
    "area": lambda w, ep: list(AREAS),
    "action": lambda w, ep: (["pause", "resume", "archive", "restore"] if ep.startswith("tracker.")
                             else ["toggle", "delete"] if ep.startswith("amends.")
                             else ["retire", "restore"] if ep.startswith("boundaries.")
                             else ["pause", "resume", "end"]),
    "commitment_id": lambda w, ep: [w.commitment_id],
    "checkin_id": lambda w, ep: [w.checkin_id],
    "setback_id": lambda w, ep: [w.setback_id],
    "day": lambda w, ep: [w.checkin_day],
    "entry_id": lambda w, ep: [w.entry_id],
    "step_id": lambda w, ep: [w.step_id],
    "boundary_id": lambda w, ep: [w.boundary_id],
    "plan_id": lambda w, ep: [w.plan_id],
    "script_id": lambda w, ep: ["making-an-amends"],
    # A part of the plan for hard days, by its fixed name: a list, rows of people, the note.
    "section": lambda w, ep: ["warning-signs", "people-to-ask", "how-to-help"],
    # The person a loved one's trust check-ins are about: A, the person in recovery.
    "person_id": lambda w, ep: [w.a.id],
    # A's real token of the *other* purpose: holding a token for one purpose must open nothing else.
    "token": lambda w, ep: [tok for purpose, tok in w.tokens.items() if purpose != BEARER_TOKEN_ROUTES[ep][0]],
    "device_id": lambda w, ep: [_a_push_device(w)],
    # A meeting on the public help finder (not anyone's record): a group for people in recovery.
    "key": lambda w, ep: ["aa"],
    # A "Looking after me" worksheet: B's own (A, a person in recovery, keeps none), so C and D must get 404.
    "worksheet_id": lambda w, ep: [_b_worksheet(w)],
}


def _a_push_device(world: World) -> int:
    """A's web push device: the walks below give A one (`give_a_a_push_device`); elsewhere (test_csrf's own-data
    walk, which must not write) an id in range that names no device."""
    from recovery.notifications.models import PushSubscription

    found = db.session.scalar(sa.select(PushSubscription.id).where(PushSubscription.user_id == world.a.id))
    return found or 2**31 - 1


def give_a_a_push_device(world: World) -> None:
    """A browser that gets A's reminders by web push (the world has none of its own)."""
    from recovery.notifications.models import PushSubscription

    db.session.add(PushSubscription(user_id=world.a.id, endpoint="https://fcm.googleapis.com/fcm/send/a-device",
                                    endpoint_hash="a" * 64, p256dh="BA", auth="AA", label="Chrome on Android"))
    db.session.flush()


def _b_worksheet(world: World) -> int:
    """B's worksheet: the walk below gives B one (`give_b_a_worksheet`); elsewhere (test_csrf's own-data walk,
    which must not write) an id in range that names no worksheet."""
    from recovery.wellbeing.models import Worksheet

    found = db.session.scalar(sa.select(Worksheet.id).where(Worksheet.owner_id == world.b.id))
    return found or 2**31 - 1


def give_b_a_worksheet(world: World) -> None:
    """A private "Looking after me" worksheet of B's, with words no one else may read."""
    from recovery.accounts.models import User
    from recovery.wellbeing import services as wellbeing

    wellbeing.create_worksheet(db.session.get(User, world.b.id), "good_days", "worksheet-secret-title",
                               {"words": "worksheet-secret-words"})


# Arguments that name one of A's records: anyone else must get 404 and change nothing.
ID_ARGUMENTS = {"connection_id", "invitation_id", "session_id", "commitment_id", "checkin_id", "setback_id",
                "entry_id", "step_id", "boundary_id", "plan_id", "device_id", "note_id"}

# Routes without ids: public, or acting only on the signed-in user's own rows.
OWN_DATA_OR_PUBLIC: dict[str, str] = {
    "pages.index": "public welcome page; a signed-in user is sent home",
    "pages.help": "public help page",
    "pages.overdose": "public help page: overdose and naloxone",
    "pages.safe_at_home": "public help page: not safe at home",
    "pages.relapse": "public help page: setbacks and relapse",
    "pages.treatment": "public help page: finding treatment",
    "pages.young_people": "public help page for young people",
    "pages.privacy": "public privacy page",
    "findhelp.index": "public help finder: groups, treatment and crisis lines per country",
    "accounts.register": "public sign-up; a signed-in user is sent home",
    "accounts.login": "public log-in; a signed-in user is sent on",
    "accounts.logout": "ends the current browser's own session",
    "accounts.settings": "the current user's own name and time zone",
    "accounts.change_password": "the current user's own password",
    "accounts.change_email": "the current user's own email",
    "accounts.sessions": "lists the current user's own sessions",
    "accounts.revoke_other_sessions": "ends the current user's own other sessions",
    "accounts.activity": "the current user's own audit events",
    "accounts.export": "the current user's own data, after their password",
    "accounts.delete_account": "deletes the current user's own account, after their password and DELETE",
    "accounts.reset_request": "public; the link is mailed to the address's owner and never shown "
                              "(the walk posts the walker's own email)",
    "circle.index": "the current user's own circle",
    "circle.invite": "makes an invitation owned by the current user",
    "circle.access_log": "who viewed the current user's own areas",
    "dashboards.home": "the current user's own dashboard",
    "trust.index": "the current loved one's own trust check-ins, about the people they support",
    "tracker.overview": "the current user's own commitments (the person's tracker, a loved one's self-care)",
    "amends.index": "the current person's own amends list",
    "boundaries.index": "the current user's own boundaries, and those shared with them",
    "conversations.index": "the guides for the current user's role and their own plans",
    "conversations.now": "short phrases for the current user's role",
    "boundaries.new": "writes a boundary owned by the current user",
    "amends.printable": "the current person's own amends plan, for printing",
    "amends.new": "adds an entry owned by the current person",
    "tracker.today": "the current user's own check-ins for today (the person's, or a loved one's self-care)",
    "tracker.new_commitment": "makes a commitment owned by the current user (a loved one's: self-care)",
    "tracker.journey": "the current person's own milestones, setbacks and wins",
    "tracker.set_start": "the current person's own recovery start date",
    "tracker.new_setback": "logs a setback owned by the current person",
    "tracker.add_win": "notes a small win owned by the current person",
    "calendar.settings": "the current user's own calendar link (a new link is shown only to them)",
    "calendar.titles": "the current user's own calendar link's title choice",
    "calendar.revoke": "turns off the current user's own calendar link",
    "push.subscribe": "adds a browser to the current user's own web push devices (another's endpoint: 409)",
    "push.unsubscribe": "stops web push to a browser among the current user's own devices (else 404)",
    "push.test": "sends a test push to the current user's own devices",
    "notifications.settings": "the current user's own reminder settings",
    "notifications.not_now": "puts away the reminders offer on the current user's own home",
    "notifications.index": "the current user's own \"What's new\" list",
    "notifications.mark_read": "marks the current user's own notifications as seen",
    "notifications.unsubscribed": "public: says emails were stopped (names no one)",
    "notifications.reach_out": "the current person's own \"Reach out\" to the loved ones they chose",
    "pwa.manifest": "public: the web app manifest, the same for everyone",
    "pwa.service_worker": "public: the service worker script, the same for everyone",
    "pwa.offline": "public: the offline page, the same for everyone (no name, no form)",
    "plan.index": "the current person's own plan for hard days (others read it only through circle.shared_area)",
    "plan.read_through": "the current person marks their own plan as read through",
    "wellbeing.index": "the current loved one's own \"Looking after me\" page (private; a person gets 404)",
    "wellbeing.checks": "the current loved one's own wellbeing checks (never shared)",
    "wellbeing.new_check": "adds a wellbeing check owned by the current loved one",
    "wellbeing.not_your_fault": "a page for loved ones about their own feelings and support (no one's records)",
    "wellbeing.new_good_days": "adds a worksheet owned by the current loved one",
    "wellbeing.new_stepping_back": "adds a worksheet owned by the current loved one, after its safety questions",
    "wellbeing.new_problem_solving": "adds a worksheet owned by the current loved one",
    "supporters.home": "the current supporter's own overview of the people who chose them (others get 404)",
    "supporters.waiting": "tells the current supporter they wait for the host's approval (names no one)",
    "supporters.notes": "the current supporter's own notes (others get 404)",
    "supporters.new_note": "adds a note owned by the current supporter, about someone who chose them",
    "supporters.mine": "the current user's own supporters and the consents they gave",
    "supporters.invite": "makes a supporter's link owned by the current user, with the consent they offer",
    "supporters.invite_person": "makes a link owned by the current supporter, for someone they support",
}

# Routes whose token is the authority (a link sent to someone): (purpose, why).
BEARER_TOKEN_ROUTES: dict[str, tuple[str, str]] = {
    "circle.invitation": ("invitation", "the invitation link is meant to be handed to the invitee"),
    "accounts.reset": ("reset", "the reset link is mailed to the account's owner"),
    "accounts.sign_in_link": ("sign-in", "the sign-in link is mailed to a new account's owner; opening it "
                                         "changes nothing"),
    "accounts.use_sign_in_link": ("sign-in", "the sign-in link's button logs in the new account it was mailed to"),
    "notifications.unsubscribe": ("unsubscribe", "the unsubscribe link is mailed to the account's owner; "
                                                 "it only turns emails off"),
    "calendar.feed": ("calendar", "the calendar link is the owner's own, kept in their calendar app"),
    "supporters.join": ("invitation", "a supporter's link is meant to be handed to the supporter or the person "
                                      "they support"),
}

# For B, the member A shares everything with: routes on A's ids that must never change A's rows
# when B uses them, and routes where B acts on the shared connection by design.
A_ONLY_FOR_MEMBER: dict[str, str] = {
    "circle.cancel_invitation": "only the inviter may cancel an invitation",
    "accounts.revoke_session": "only the owner of a session may end it",
    "circle.update_sharing": "each member sets only their own sharing; A's grants never change",
    "tracker.commitment": "only the owner sees their own commitment page (B's self-care: its own walk below)",
    "tracker.edit_commitment": "only the owner changes their commitment",
    "tracker.change_status": "only the owner pauses or archives their commitment",
    "tracker.checkin": "only the owner checks in",
    "tracker.day": "only the owner opens their own day",
    "tracker.add_note": "only the owner adds notes to their check-ins",
    "tracker.share_setback": "only the person shares their setback",
    "amends.entry": "only the person sees their amends entry page (B sees it only through the shared area)",
    "amends.edit": "only the person changes their amends entry",
    "amends.safety": "only the person answers the safety questions",
    "amends.add_step": "only the person adds steps",
    "amends.change_step": "only the person ticks or removes steps",
    "amends.reflection": "only the person writes the reflection",
    "amends.delete": "only the person removes an entry",
    "boundaries.boundary": "only the owner sees their boundary page (B reads it through the shared pages)",
    "boundaries.revise": "only the owner revises a boundary",
    "boundaries.change_status": "only the owner retires or restores a boundary",
    "boundaries.own_event": "the owner's own event form (B logs events through the shared page)",
    "conversations.edit": "only the owner fills in a plan",
    "conversations.plan": "only the owner sees the plan page (B reads it through the shared page)",
    "conversations.status": "only the owner moves a plan along",
    "conversations.reflection": "only the owner reflects",
    "conversations.delete": "only the owner deletes a plan",
    "push.stop": "only the owner stops web push on one of their devices",
    "notifications.circle_alert": "only the person chooses who hears if they go quiet",
    # Supporters (recovery/supporters): a tie's pages are for its two sides only; a note for its author only.
    "supporters.consent": "only A and the supporter A chose read the record of A's consent",
    "supporters.change_consent": "only A changes or renews the consent A gave",
    "supporters.end": "only A or the supporter ends the consent",
    "supporters.prepare": "only the supporter A chose prepares a session from what A shares with them",
    "supporters.shared_notes": "only A reads the notes A's supporter shared with A",
    "supporters.edit_note": "only the note's author (A's supporter) changes it",
    "supporters.delete_note": "only the note's author deletes it",
}
MEMBER_SHARED: dict[str, str] = {
    "circle.change_connection": "either member may pause, resume or end their own connection",
    "circle.confirm_end": "either member may ask to end their own connection",
    "circle.shared_area": "B may view the areas A shares with B",
    "tracker.shared_commitment": "B may view a commitment A shares with B (and A one of B's self-care, if shared)",
    "tracker.confirm": "B may confirm a check-in A shares with B (B's own confirmation row)",
    "boundaries.shared_boundary": "B may read a boundary A shares with B",
    "boundaries.answer": "B may answer a boundary A shares with B (B's own answer row)",
    "boundaries.shared_event": "B may note an event on a boundary A shares with B",
    "conversations.shared_plan": "B may read a plan A chose to share with B",
}

# Routes named by a public library item (not anyone's record): (the role the item is for, why).
# A walker of that role reads it and may start their own plan from it; A's rows never change.
LIBRARY_ROUTES: dict[str, tuple[str, str]] = {
    "conversations.script": ("person", "making-an-amends is a guide in the shared library, for people in recovery"),
    "plan.edit": ("person", "a part of the plan for hard days, named the same for everyone: each person in recovery "
                            "reads and saves only their own plan (others read it through circle.shared_area)"),
    "findhelp.add_meeting": ("person", "aa is a group on the public help finder, for people in recovery; the "
                                       "walker adds it to their own tracker"),
}

# Answers that differ from the 404 SECURITY.md 10 asks for; pin each with a test when one is added.
KNOWN_DEVIATIONS: dict[tuple[str, str], int] = {}

# Routes on A's person_id where any loved one connected to A works only on their own rows about A:
# D (A's loved one, no grants) gets D's own empty page, and D's post answers no question so it is
# refused; B's rows never show (tests/trust/test_isolation.py). Strangers (C) still get 404.
CONNECTED_LOVED_ONE_OWN: dict[str, dict[str, int]] = {
    "trust.history": {"GET": 200},
    "trust.new": {"GET": 200, "POST": 422},
    "amends.openness": {"GET": 200, "POST": 422},
}


def fill(world: World, rule) -> list[dict]:
    """Every combination of argument values for a rule; unknown argument names fail the walk."""
    unknown = set(rule.arguments) - FILLERS.keys()
    assert not unknown, f"{rule.rule}: add a filler for {sorted(unknown)} to FILLERS"
    names = sorted(rule.arguments)
    choices = [FILLERS[n](world, rule.endpoint) for n in names]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*choices)]


def test_every_rule_is_classified_and_fillable(app):
    """SECURITY.md 10: every rule is either own-data/public or takes arguments the walk knows how to fill."""
    problems = []
    endpoints = set()
    for rule in walked_rules(app):
        endpoints.add(rule.endpoint)
        unknown = set(rule.arguments) - FILLERS.keys()
        if unknown:
            problems.append(f"{rule.rule}: no filler for {sorted(unknown)}")
        if not rule.arguments and rule.endpoint not in OWN_DATA_OR_PUBLIC:
            problems.append(f"{rule.rule}: takes no id; list it in OWN_DATA_OR_PUBLIC with a reason")
        if rule.arguments and rule.endpoint in OWN_DATA_OR_PUBLIC:
            problems.append(f"{rule.rule}: takes arguments, so it cannot be own-data/public")
        if "token" in rule.arguments and rule.endpoint not in BEARER_TOKEN_ROUTES:
            problems.append(f"{rule.rule}: a token route; add it to BEARER_TOKEN_ROUTES")
        if set(rule.arguments) & ID_ARGUMENTS and rule.endpoint not in A_ONLY_FOR_MEMBER | MEMBER_SHARED:
            problems.append(f"{rule.rule}: say whether B may use it (A_ONLY_FOR_MEMBER or MEMBER_SHARED)")
    listed = set(OWN_DATA_OR_PUBLIC) | set(BEARER_TOKEN_ROUTES) | set(A_ONLY_FOR_MEMBER) | set(MEMBER_SHARED)
    problems += [f"{ep}: listed but no longer a rule" for ep in sorted(listed - endpoints)]
    assert not problems, "\n".join(problems)


def test_fill_fails_for_an_unknown_argument(app):
    """SECURITY.md 10: a rule with an argument the walk can't fill makes the walk fail, not skip."""
    from werkzeug.routing import Map, Rule

    rule = Rule("/things/<int:thing_id>", endpoint="things.show")
    Map([rule])
    with pytest.raises(AssertionError, match="thing_id"):
        fill(World.__new__(World), rule)


def _check(problems: list, where: str, ok: bool, detail: str) -> None:
    if not ok:
        problems.append(f"{where}: {detail}")


def _leaks(world: World, viewer_key: str, body: str, path: str) -> list[str]:
    """A's private values that must never reach this viewer (a token the viewer put in the URL aside)."""
    secrets = [world.a.email, world.invitation_label, *(t for t in world.tokens.values() if t not in path),
               f"private-trust-note-{world.b.id}", "it happened", "checkin-secret-note", "amends-secret-what",
               "amends-secret-impact", "Old boss", "openness-secret-condition", "boundary-secret-situation",
               "boundary-secret-note", "plan-secret-title", "plan-secret-words", "worksheet-secret-title",
               "worksheet-secret-words", "supporter-note-secret"]
    if viewer_key == "c":  # a stranger must not even learn A's name
        secrets.append(world.a.name)
    return [s for s in secrets if s in body]


OUTSIDER_ROLES = {"c_person": PERSON, "c_loved_one": LOVED_ONE, "d_connected_without_grant": PERSON,
                  "c_supporter": SUPPORTER, "c_supporter_whose_consent_ended": SUPPORTER}


@pytest.mark.parametrize("outsider", list(OUTSIDER_ROLES))
def test_walk_every_rule_as_another_user(app, login, outsider):
    """SECURITY.md 10 and 34: as a stranger (any role), an ungranted member of A's circle, or a supporter A chose
    whose consent has ended (so nothing is shared any more), A's ids give 404."""
    world = build_world(app, login, outsider_role=OUTSIDER_ROLES[outsider])
    give_a_a_push_device(world)
    give_b_a_worksheet(world)
    key = "d" if outsider.startswith("d") else "c"
    walker = world.d if key == "d" else world.c
    client = world.clients[key]
    leak_key = key
    if outsider == "c_supporter_whose_consent_ended":
        from recovery.accounts.models import User
        from recovery.supporters import services as supporters

        a_user, c_user = db.session.get(User, world.a.id), db.session.get(User, world.c.id)
        tie = factories.make_support(a_user, c_user, share=set(PERSON_AREAS))
        supporters.end_tie(a_user, tie)
        db.session.commit()
        leak_key = "s"  # A chose them once: they know A's name, and nothing more
    body = attack_body(world, walker)
    a_before = snapshot(world.a.id)
    problems: list[str] = []

    rules = walked_rules(app)
    id_rules = [r for r in rules if r.arguments]
    own_rules = [r for r in rules if not r.arguments]
    walked = 0

    # Routes on A's ids and A's tokens: 404 (405 for an unrouted method), nothing changed.
    for rule in id_rules:
        for values in fill(world, rule):
            path = url_for_rule(app, rule, values)
            for method in ("GET", "POST"):
                where = f"{outsider} {method} {path} ({rule.endpoint})"
                counts = row_counts()
                before = snapshot(world.a.id)
                resp = client.open(path, method=method, data=body if method == "POST" else None)
                walked += 1
                if not routed(app, path, method):
                    expected = 405
                elif key == "d" and rule.endpoint in CONNECTED_LOVED_ONE_OWN:
                    expected = CONNECTED_LOVED_ONE_OWN[rule.endpoint][method]
                elif rule.endpoint in LIBRARY_ROUTES and walker.role == LIBRARY_ROUTES[rule.endpoint][0]:
                    expected = {"GET": 200, "POST": 302}[method]  # the walker's own plan, from a public guide
                else:
                    expected = KNOWN_DEVIATIONS.get((rule.endpoint, method), 404)
                _check(problems, where, resp.status_code == expected,
                       f"answered {resp.status_code}, expected {expected}")
                if rule.endpoint not in LIBRARY_ROUTES:
                    _check(problems, where, row_counts() == counts, "row counts changed")
                _check(problems, where, snapshot(world.a.id) == before, "A's rows changed")
                leaked = _leaks(world, leak_key, resp.get_data().decode("utf-8", "replace"), path)  # icons: bytes
                _check(problems, where, not leaked, f"showed A's private values {leaked}")

    # Own-data and public routes: never a 500, 405 for an unrouted method, A's rows untouched.
    for rule in own_rules:
        path = url_for_rule(app, rule, {})
        for method in ("GET", "POST"):
            where = f"{outsider} {method} {path} ({rule.endpoint})"
            before = snapshot(world.a.id)
            # A fresh login for each POST: some of these end the walker's own sessions by design.
            walker_client = client if method == "GET" else login(app.test_client(), walker)
            resp = walker_client.open(path, method=method, data=body if method == "POST" else None)
            walked += 1
            _check(problems, where, resp.status_code < 500, f"answered {resp.status_code}")
            if not routed(app, path, method):
                _check(problems, where, resp.status_code == 405, f"answered {resp.status_code}, expected 405")
            _check(problems, where, snapshot(world.a.id) == before, "A's rows changed")
            leaked = _leaks(world, leak_key, resp.get_data().decode("utf-8", "replace"), path)  # icons: bytes
            _check(problems, where, not leaked, f"showed A's private values {leaked}")

    assert not problems, "\n".join(problems)
    assert walked > 2 * len(rules)
    assert snapshot(world.a.id) == a_before


def test_walk_a_only_routes_as_the_member_with_grants(app, login):
    """SECURITY.md 10: B, who sees all A shares, can't cancel A's invitation, end A's session or change A's sharing."""
    world = build_world(app, login)
    give_a_a_push_device(world)
    client = world.clients["b"]
    problems: list[str] = []
    own_choice = {**attack_body(world, world.b), f"c{world.ab_id}-areas": sorted(LOVED_ONE_AREAS)}
    walked = 0
    for rule in walked_rules(app):
        if rule.endpoint not in A_ONLY_FOR_MEMBER:
            continue
        for values in fill(world, rule):
            path = url_for_rule(app, rule, values)
            bodies = [attack_body(world, world.b)]
            if rule.endpoint == "circle.update_sharing":
                bodies.append(own_choice)  # a valid choice of B's own areas: saved for B only
            for method, data in [("GET", None)] + [("POST", b) for b in bodies]:
                where = f"B {method} {path} ({rule.endpoint})"
                counts = row_counts()
                before = snapshot(world.a.id)
                resp = client.open(path, method=method, data=data)
                walked += 1
                after = snapshot(world.a.id)
                _check(problems, where, resp.status_code < 500, f"answered {resp.status_code}")
                mine = {k: v for k, v in after.items() if k != "grants_of_others"}
                _check(problems, where, mine == {k: v for k, v in before.items() if k != "grants_of_others"},
                       "A's rows changed")
                if rule.endpoint != "circle.update_sharing":
                    expected = 404 if routed(app, path, method) else 405
                    _check(problems, where, resp.status_code == expected,
                           f"answered {resp.status_code}, expected {expected}")
                    _check(problems, where, row_counts() == counts, "row counts changed")
    assert walked >= 6
    # B's own valid choice was saved: the walk really reached the sharing code as a member.
    b_grants = db.session.scalars(sa.select(ShareGrant.area).where(ShareGrant.owner_id == world.b.id))
    assert set(b_grants) == set(LOVED_ONE_AREAS)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("outsider", ["c_person", "c_loved_one"])
def test_walk_a_loved_ones_self_care_ids_as_everyone_else(app, login, outsider):
    """SECURITY.md 10: B (a loved one) keeps self-care on the tracker's routes; with B's commitment and check-in
    ids every rule answers 404 (405 unrouted) to A (connected, B shares nothing), D and a stranger, and changes
    nothing."""
    world = build_world(app, login, outsider_role=LOVED_ONE if outsider == "c_loved_one" else PERSON)
    b_ids = {"commitment_id": [world.b_commitment_id], "checkin_id": [world.b_checkin_id]}
    rules = [r for r in walked_rules(app) if set(r.arguments) & b_ids.keys()]
    assert {"tracker.commitment", "tracker.checkin", "tracker.add_note", "tracker.shared_commitment"} <= {
        r.endpoint for r in rules}
    b_before = snapshot(world.b.id)
    problems: list[str] = []
    for key in ("a", "c", "d"):
        walker = {"a": world.a, "c": world.c, "d": world.d}[key]
        client, body = world.clients[key], attack_body(world, walker)
        for rule in rules:
            for values in fill(world, rule):
                values = {**values, **{k: v[0] for k, v in b_ids.items() if k in values}}
                path = url_for_rule(app, rule, values)
                for method in ("GET", "POST"):
                    counts = row_counts()
                    resp = client.open(path, method=method, data=body if method == "POST" else None)
                    expected = 404 if routed(app, path, method) else 405
                    where = f"{key} {method} {path} ({rule.endpoint})"
                    _check(problems, where, resp.status_code == expected,
                           f"answered {resp.status_code}, expected {expected}")
                    _check(problems, where, row_counts() == counts, "row counts changed")
                    _check(problems, where, "Walk with a friend" not in resp.get_data(as_text=True),
                           "showed B's self-care")
    assert not problems, "\n".join(problems)
    assert snapshot(world.b.id) == b_before


def test_join_post_with_a_non_invitation_token_is_404(app, login):
    """SECURITY.md 10: posting to an invitation URL whose token is not an invitation answers 404, like GET."""
    world = build_world(app, login, outsider_role=LOVED_ONE)
    client = world.clients["c"]
    path = f"/circle/join/{world.tokens['reset']}"
    assert client.get(path).status_code == 404
    counts = row_counts()
    resp = client.post(path, data={"answer": "accept"})
    assert row_counts() == counts
    assert resp.status_code == 404
