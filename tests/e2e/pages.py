"""The pages the browser tests open: every GET endpoint of the app, mapped onto the demo circle.

Each GET endpoint in the app's URL map is either given concrete URLs in PAGES (Jordan is the
person in recovery, Sam his partner, a loved one) or listed in SKIP with a reason; the
accessibility test fails on an endpoint that is in neither, so a new page has to be added here.
"""

from __future__ import annotations

import re

PUBLIC, PERSON, LOVED_ONE, SUPPORTER = "logged out", "jordan", "sam", "rivera"
VISITORS = (PUBLIC, PERSON, LOVED_ONE, SUPPORTER)

# The sections of Jordan's plan for hard days, each edited on a page of its own (recovery/plan/sections.py).
PLAN_SECTIONS = ("warning-signs", "triggers", "on-my-own", "people-and-places", "people-to-ask", "professionals",
                 "safer", "reasons", "how-to-help")

# GET endpoints that are not pages a person reads.
SKIP: dict[str, str] = {
    "static": "CSS, JavaScript and images, not pages",
    "calendar.feed": "an .ics file for calendar apps, not a page",
    "pwa.manifest": "the web app manifest (JSON), not a page",
    "pwa.service_worker": "the service worker script, not a page",
    "supporters.waiting": "for a supporter a host hasn't approved yet; the demo's is approved "
                          "(tests/supporters/test_gate.py opens it)",
}

# Pages that are not endpoints of their own: (who, path, expected status).
EXTRA: list[tuple[str, str, int]] = [
    (PUBLIC, "/no-such-page", 404),
    (PERSON, "/no-such-page", 404),
    (PUBLIC, "/reset/not-a-real-token", 404),
    (PUBLIC, "/start/not-a-real-token", 404),
    (PUBLIC, "/circle/join/not-a-real-token", 404),
    (PUBLIC, "/supporters/join/not-a-real-token", 404),
]


def pages(ids: dict) -> dict[str, list[tuple[str, dict]]]:
    """endpoint -> [(who opens it, URL arguments)], for the demo circle."""
    both = [(PERSON, {}), (LOVED_ONE, {})]
    everyone = [(PUBLIC, {}), *both]
    person_entry = [(PERSON, {"entry_id": ids["entry"]})]
    person_commitment = [(PERSON, {"commitment_id": ids["commitment"]})]
    # Sam's own self-care (recovery/tracker/demo_self_care.py), shared with Jordan: mapped once the demo has it
    # and helpers.demo_ids looks it up ("sam_self_care", and "sam_self_care_day" for one of its check-ins).
    sam_self_care = ids.get("sam_self_care")
    sam_commitment = [(LOVED_ONE, {"commitment_id": sam_self_care})] if sam_self_care else []
    sam_day = [(LOVED_ONE, {"commitment_id": sam_self_care, "day": ids["sam_self_care_day"]})] if sam_self_care else []
    jordan_sees_sams = ([(PERSON, {"connection_id": ids["with_sam"], "commitment_id": sam_self_care})]
                        if sam_self_care else [])
    own_boundary = [(PERSON, {"boundary_id": ids["jordan_boundary"]}),
                    (LOVED_ONE, {"boundary_id": ids["sam_boundary"]})]
    own_plan = [(PERSON, {"plan_id": ids["jordan_plan"]}), (LOVED_ONE, {"plan_id": ids["sam_plan"]})]
    with_sam = ids["with_sam"]
    sam_worksheets = [(LOVED_ONE, {"worksheet_id": ids[key]}) for key in WORKSHEET_IDS if key in ids]
    # Dr. Rivera, the counsellor Jordan and Sam chose (tracker, milestones and plan; boundaries and trust).
    tie_j, tie_s = ids["rivera_with_jordan"], ids["rivera_with_sam"]
    rivera = [(SUPPORTER, {})]
    rivera_reads = ([(SUPPORTER, {"connection_id": tie_j, "area": a}) for a in ("tracker", "milestones", "plan")]
                    + [(SUPPORTER, {"connection_id": tie_s, "area": a}) for a in ("boundaries", "trust")])
    return {
        "supporters.home": rivera,
        "supporters.notes": rivera,
        "supporters.new_note": rivera,
        "supporters.edit_note": [(SUPPORTER, {"note_id": ids["rivera_note"]})],
        "supporters.invite_person": rivera,
        "supporters.prepare": [(SUPPORTER, {"connection_id": tie_j}), (SUPPORTER, {"connection_id": tie_s})],
        "supporters.mine": both,
        "supporters.invite": both,
        "supporters.consent": [(PERSON, {"connection_id": tie_j}), (LOVED_ONE, {"connection_id": tie_s}),
                               (SUPPORTER, {"connection_id": tie_j})],
        "supporters.change_consent": [(PERSON, {"connection_id": tie_j}), (LOVED_ONE, {"connection_id": tie_s})],
        "supporters.end": [(PERSON, {"connection_id": tie_j}), (SUPPORTER, {"connection_id": tie_s})],
        "supporters.shared_notes": [(PERSON, {"connection_id": tie_j})],
        "supporters.join": [(PUBLIC, {"token": ids["support_token"]}), (SUPPORTER, {"token": ids["support_token"]})],
        "pages.index": [(PUBLIC, {})],
        "pwa.offline": [(PUBLIC, {})],
        "pages.help": everyone,
        "pages.privacy": everyone,
        "pages.overdose": everyone,
        "pages.safe_at_home": everyone,
        "pages.relapse": everyone,
        "pages.treatment": everyone,
        "pages.young_people": everyone,
        "findhelp.index": [*everyone, (PUBLIC, {"country": "AU"}), (LOVED_ONE, {"country": "ZZ"})],
        "accounts.login": [(PUBLIC, {})],
        "accounts.register": [(PUBLIC, {}), (PUBLIC, {"role": "loved_one"})],
        "accounts.reset_request": [(PUBLIC, {})],
        "accounts.reset": [(PUBLIC, {"token": ids["reset_token"]})],
        # The link mailed after sign-up; page_urls makes a live one (opening it leaves it unused).
        "accounts.sign_in_link": [(PUBLIC, {"token": ids.get("sign_in_token", "made-by-page-urls")})],
        "accounts.settings": both,
        "accounts.change_password": both,
        "accounts.change_email": both,
        "accounts.sessions": both,
        "accounts.activity": both,
        "accounts.export": both,
        "accounts.delete_account": both,
        "calendar.settings": [(PERSON, {})],
        "notifications.settings": both,
        "notifications.index": both,
        "notifications.reach_out": [(PERSON, {})],
        "notifications.unsubscribe": [(PUBLIC, {"token": ids["unsubscribe_token"]})],
        "notifications.unsubscribed": [(PUBLIC, {})],
        "dashboards.home": both,
        "circle.index": both,
        "circle.invite": both,
        "circle.access_log": both,
        "circle.invitation": [(PUBLIC, {"token": ids["invitation_token"]}),
                              (LOVED_ONE, {"token": ids["invitation_token"]})],
        "circle.confirm_end": [(PERSON, {"connection_id": with_sam}), (LOVED_ONE, {"connection_id": with_sam})],
        "circle.shared_area": [(PERSON, {"connection_id": with_sam, "area": a}) for a in ("boundaries", "trust")]
        + [(LOVED_ONE, {"connection_id": with_sam, "area": a})
           for a in ("tracker", "milestones", "boundaries", "amends", "conversations", "plan")]
        + ([(PERSON, {"connection_id": with_sam, "area": "self_care"})] if sam_self_care else []) + rivera_reads,
        "plan.index": [(PERSON, {})],
        "plan.edit": [(PERSON, {"section": key}) for key in PLAN_SECTIONS],
        "tracker.overview": both,  # Jordan's tracker; Sam's self-care
        "tracker.today": both,
        "tracker.journey": [(PERSON, {})],
        "tracker.new_commitment": both,
        "tracker.new_setback": [(PERSON, {})],
        "tracker.commitment": person_commitment + sam_commitment,
        "tracker.edit_commitment": person_commitment + sam_commitment,
        "tracker.day": [(PERSON, {"commitment_id": ids["commitment"], "day": ids["day"]})] + sam_day,
        "tracker.shared_commitment": [(LOVED_ONE, {"connection_id": with_sam, "commitment_id": ids["commitment"]}),
                                      (SUPPORTER, {"connection_id": tie_j, "commitment_id": ids["commitment"]})]
        + jordan_sees_sams,
        "trust.index": [(LOVED_ONE, {})],
        "trust.history": [(LOVED_ONE, {"person_id": ids["jordan"]})],
        "trust.new": [(LOVED_ONE, {"person_id": ids["jordan"]})],
        # Looking after me: Sam's own private pages, and Sam's worksheets from the demo (worksheet_ids below).
        "wellbeing.index": [(LOVED_ONE, {})],
        "wellbeing.checks": [(LOVED_ONE, {})],
        "wellbeing.new_check": [(LOVED_ONE, {})],
        "wellbeing.not_your_fault": [(LOVED_ONE, {})],
        "wellbeing.new_good_days": [(LOVED_ONE, {})],
        "wellbeing.new_stepping_back": [(LOVED_ONE, {})],
        "wellbeing.new_problem_solving": [(LOVED_ONE, {})],
        "wellbeing.worksheet": sam_worksheets,
        "wellbeing.edit_worksheet": sam_worksheets,
        "wellbeing.delete_worksheet": sam_worksheets,
        "amends.index": [(PERSON, {})],
        "amends.new": [(PERSON, {})],
        "amends.printable": [(PERSON, {})],
        "amends.entry": person_entry,
        "amends.edit": person_entry,
        "amends.safety": person_entry,
        "amends.reflection": person_entry,
        "amends.delete": person_entry,
        "amends.openness": [(LOVED_ONE, {"person_id": ids["jordan"]})],
        "boundaries.index": both,
        "boundaries.new": both,
        "boundaries.boundary": own_boundary,
        "boundaries.revise": own_boundary,
        "boundaries.shared_boundary": [(PERSON, {"connection_id": with_sam, "boundary_id": ids["sam_boundary"]}),
                                       (LOVED_ONE, {"connection_id": with_sam, "boundary_id": ids["jordan_boundary"]}),
                                       (SUPPORTER, {"connection_id": tie_s, "boundary_id": ids["sam_boundary"]})],
        "conversations.index": both,
        "conversations.now": both,
        "conversations.script": [(PERSON, {"script_id": "making-an-amends"}),
                                 (PERSON, {"script_id": "making-an-amends", "amends": ids["entry"]}),
                                 (LOVED_ONE, {"script_id": "stating-a-boundary"})],
        "conversations.plan": [*own_plan, (PERSON, {"plan_id": ids["jordan_held_plan"]})],
        "conversations.edit": own_plan,
        "conversations.reflection": [(PERSON, {"plan_id": ids["jordan_held_plan"]}),
                                     (LOVED_ONE, {"plan_id": ids["sam_plan"]})],
        "conversations.delete": own_plan,
        "conversations.shared_plan": [(LOVED_ONE, {"connection_id": with_sam, "plan_id": ids["jordan_plan"]})],
    }


def redact(path: str) -> str:
    """Keep one-time tokens out of the printed list."""
    return re.sub(r"/(reset|join|start|unsubscribe)/[A-Za-z0-9_.-]{20,}", r"/\1/<token>", path)


def get_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


# Sam's demo worksheets, one of each kind (recovery/wellbeing/demo.py), by the id names pages() reads.
WORKSHEET_IDS = {"sam_good_days": "good_days", "sam_stepping_back": "stepping_back",
                 "sam_problem_solving": "problem_solving"}


def worksheet_ids(live_server) -> dict[str, int]:
    """The ids of Sam's demo worksheets ("Looking after me"), for the pages that show one; none if the demo has none."""
    import sqlalchemy as sa

    from recovery.accounts.models import User
    from recovery.db import db
    from recovery.demo import DEMO_DOMAIN
    from recovery.wellbeing.models import Worksheet

    with live_server.db():
        sam = db.session.scalar(sa.select(User.id).where(User.email == f"sam@{DEMO_DOMAIN}"))
        found = {kind: sheet_id for sheet_id, kind in db.session.execute(
            sa.select(Worksheet.id, Worksheet.kind).where(Worksheet.owner_id == sam).order_by(Worksheet.id.desc()))}
        db.session.remove()
    return {name: found[kind] for name, kind in WORKSHEET_IDS.items() if kind in found}


def sign_in_token(live_server) -> str:
    """A live sign-in link for Pat, as sign-up mails one (only its hash is stored, so it is made here)."""
    import sqlalchemy as sa

    from recovery.accounts import services as accounts
    from recovery.accounts.models import User
    from recovery.db import db
    from recovery.demo import DEMO_DOMAIN

    with live_server.db():
        pat = db.session.scalar(sa.select(User).where(User.email == f"pat@{DEMO_DOMAIN}"))
        token = accounts.create_sign_in_link(pat)
        db.session.commit()
        db.session.remove()
    return token


def page_urls(live_server, ids: dict) -> list[tuple[str, str, int]]:
    """(who, path, expected status) for every mapped page, then the extras."""
    from flask import url_for

    ids = {**worksheet_ids(live_server), **ids, "sign_in_token": sign_in_token(live_server)}
    urls = []
    with live_server.app.test_request_context():
        for endpoint, visits in pages(ids).items():
            for who, args in visits:
                urls.append((who, url_for(endpoint, **args), 200))
    return urls + EXTRA


def main_pages(ids: dict) -> list[tuple[str, str, str]]:
    """(who, short name, path) of the pages people spend their time on."""
    c, w = ids["with_sam"], ids["commitment"]
    return [
        (PUBLIC, "welcome", "/"),
        (PUBLIC, "login", "/login"),
        (PUBLIC, "register", "/register"),
        (PUBLIC, "help", "/help"),
        (PUBLIC, "invitation", f"/circle/join/{ids['invitation_token']}"),
        (PERSON, "home", "/home"),
        (PERSON, "circle", "/circle/"),
        (PERSON, "today", "/tracker/today"),
        (PERSON, "tracker", "/tracker/"),
        (PERSON, "commitment", f"/tracker/commitments/{w}"),
        (PERSON, "commitment-new", "/tracker/commitments/new"),
        (PERSON, "day", f"/tracker/commitments/{w}/days/{ids['day']}"),
        (PERSON, "journey", "/tracker/journey"),
        (PERSON, "amends", "/amends/"),
        (PERSON, "amends-entry", f"/amends/{ids['entry']}"),
        (PERSON, "amends-new", "/amends/new"),
        (PERSON, "amends-print", "/amends/print"),
        (PERSON, "boundaries", "/boundaries/"),
        (PERSON, "boundary", f"/boundaries/{ids['jordan_boundary']}"),
        (PERSON, "boundary-new", "/boundaries/new"),
        (PERSON, "shared-boundaries", f"/circle/{c}/boundaries"),
        (PERSON, "shared-boundary", f"/boundaries/shared/{c}/{ids['sam_boundary']}"),
        (PERSON, "shared-trust", f"/circle/{c}/trust"),
        (PERSON, "talks", "/talk/"),
        (PERSON, "talk-now", "/talk/now"),
        (PERSON, "script", "/talk/scripts/making-an-amends"),
        (PERSON, "plan", f"/talk/plans/{ids['jordan_plan']}"),
        (PERSON, "plan-edit", f"/talk/plans/{ids['jordan_plan']}/edit"),
        (PERSON, "settings", "/settings"),
        (PERSON, "export", "/settings/export"),
        (PERSON, "calendar", "/settings/calendar"),
        (PERSON, "reminders", "/settings/reminders"),
        (PERSON, "whats-new", "/whats-new"),
        (PERSON, "reach-out", "/reach-out"),
        (PERSON, "access-log", "/circle/access-log"),
        (PERSON, "hard-days-plan", "/plan/"),
        (PERSON, "hard-days-plan-edit", "/plan/people-to-ask"),
        (LOVED_ONE, "home", "/home"),
        (LOVED_ONE, "reminders", "/settings/reminders"),
        (LOVED_ONE, "whats-new", "/whats-new"),
        (LOVED_ONE, "circle", "/circle/"),
        (LOVED_ONE, "shared-tracker", f"/circle/{c}/tracker"),
        (LOVED_ONE, "shared-commitment", f"/tracker/shared/{c}/commitments/{w}"),
        (LOVED_ONE, "shared-milestones", f"/circle/{c}/milestones"),
        (LOVED_ONE, "shared-amends", f"/circle/{c}/amends"),
        (LOVED_ONE, "shared-boundaries", f"/circle/{c}/boundaries"),
        (LOVED_ONE, "shared-boundary", f"/boundaries/shared/{c}/{ids['jordan_boundary']}"),
        (LOVED_ONE, "shared-plan", f"/talk/shared/{c}/{ids['jordan_plan']}"),
        (LOVED_ONE, "shared-hard-days-plan", f"/circle/{c}/plan"),
        (LOVED_ONE, "self-care", "/tracker/"),
        (LOVED_ONE, "self-care-today", "/tracker/today"),
        (LOVED_ONE, "self-care-new", "/tracker/commitments/new"),
        (LOVED_ONE, "trust", "/trust/"),
        (LOVED_ONE, "trust-history", f"/trust/{ids['jordan']}"),
        (LOVED_ONE, "openness", f"/amends/openness/{ids['jordan']}"),
        (LOVED_ONE, "boundaries", "/boundaries/"),
        (LOVED_ONE, "boundary", f"/boundaries/{ids['sam_boundary']}"),
        (LOVED_ONE, "talks", "/talk/"),
        (LOVED_ONE, "plan", f"/talk/plans/{ids['sam_plan']}"),
        (LOVED_ONE, "settings", "/settings"),
        (LOVED_ONE, "looking-after-me", "/looking-after-me/"),
        (LOVED_ONE, "wellbeing", "/looking-after-me/wellbeing"),
        (LOVED_ONE, "wellbeing-new", "/looking-after-me/wellbeing/new"),
    ]
