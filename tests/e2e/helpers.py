"""What the browser tests share: logging in, finding ids in the demo data, running axe."""

from __future__ import annotations

import re
from pathlib import Path

from recovery.demo import DEFAULT_PASSWORD, DEMO_DOMAIN

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips every browser test (or fails them when a browser is required)
    expect = None

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DEMO_PASSWORD = DEFAULT_PASSWORD
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
AXE_JS = HERE / "vendor" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def demo_email(name: str) -> str:
    """The demo circle's address for jordan, sam, pat, casey, rivera (the counsellor) or morgan (recovery/demo.py)."""
    return f"{name}@{DEMO_DOMAIN}"


def log_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form, by its labels, and wait for the home page (a supporter's is /supporting/)."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(home|supporting/)$"))


def log_in_demo(context, name: str):
    """A page in `context`, logged in as a demo person (jordan, sam or pat)."""
    page = context.new_page()
    log_in(page, demo_email(name))
    return page


def open_menu(page) -> None:
    """Show the main menu's links: a <details> that is open on wide screens (by JavaScript, or by CSS
    without it) and opened with its "Menu" toggle on phones."""
    # "load", not "domcontentloaded": the style sheets are in too. Without them (and without JavaScript) a wide
    # screen's menu still looks closed, and its toggle, which the style sheet hides there, would be clicked.
    page.wait_for_load_state("load")
    menu = page.locator("details.menu")
    if not menu.get_by_role("link", name="Home", exact=True).is_visible():
        menu.locator("summary").click()


def go_by_menu(page, name: str) -> None:
    """Follow a main-menu link by its name, as a person would."""
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def expect_flash(page, text: str) -> None:
    """The page shows a flash message containing `text`."""
    expect(page.locator(".flashes")).to_contain_text(text)


_axe_source: str | None = None


def run_axe(page) -> list[dict]:
    """Run axe-core with its default rules (WCAG 2 A/AA, colour contrast, best practice); return violations.

    The app's CSP (script-src 'self') would block an inline <script> with axe in it, so the
    file is evaluated through the DevTools protocol, which a page's CSP does not govern.
    """
    global _axe_source
    page.wait_for_load_state("load")  # the whole page, styles included (contrast depends on them)
    if _axe_source is None:
        _axe_source = AXE_JS.read_text(encoding="utf-8")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {_axe_source}\n; return true; }}")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                                      summary: n.failureSummary}))}));
    }""")
    return result


def blocking(violations: list[dict]) -> list[dict]:
    """Only the serious and critical ones."""
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict], where: str) -> list[str]:
    lines = []
    for v in violations:
        for n in v["nodes"][:5]:
            lines.append(f"{where}: [{v['impact']}] {v['id']} ({v['help']}) at {n['target']}")
        if len(v["nodes"]) > 5:
            lines.append(f"{where}: … and {len(v['nodes']) - 5} more {v['id']}")
    return lines


def overflow(page) -> str | None:
    """Say how far the page scrolls sideways, naming the first elements past the edge; None if it doesn't.

    It looks once the page has loaded (its style sheets and deferred scripts are in): a heading can be seen
    while the rest is still being laid out, and a width read then once named no element at all.
    """
    page.wait_for_load_state("load")
    scroll, client = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if scroll <= client:
        return None
    culprits = page.evaluate("""(limit) => Array.from(document.querySelectorAll('body *'))
        .filter(el => el.getBoundingClientRect().right > limit + 0.5)
        .slice(0, 4).map(el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
            ? '.' + el.className.trim().replace(/\\s+/g, '.') : '') + ' ' + Math.round(el.getBoundingClientRect().right)
            + 'px')""", client)
    return f"scrollWidth {scroll} > clientWidth {client}: {', '.join(culprits)}"


def demo_ids(live_server, language: str = "") -> dict:
    """Look up the demo circle's ids (Jordan the person, Sam and Pat the loved ones) and make two tokens.

    The tokens are a fresh invitation from Jordan and a password-reset link for Pat, so the
    pages behind those links can be opened; only their hashes are stored, so they are made here.
    `language`: the one the demo was made in (`create_demo(language=…)`), whose titles it looks for.
    """
    import sqlalchemy as sa

    from recovery.accounts import services as accounts
    from recovery.accounts.models import User
    from recovery.amends.models import AmendsEntry
    from recovery.boundaries.models import Boundary
    from recovery.circle import services as circle
    from recovery.circle.models import Connection
    from recovery.conversations.models import ConversationPlan
    from recovery.db import db
    from recovery.i18n import speaking
    from recovery.notifications.services import unsubscribe_token
    from recovery.tracker.models import CheckIn, Commitment
    from recovery.wellbeing.models import Worksheet

    with live_server.db(), speaking(language):
        from flask_babel import gettext

        def user(name):
            return db.session.scalar(sa.select(User).where(User.email == demo_email(name)))

        jordan, sam, pat = user("jordan"), user("sam"), user("pat")

        def connection(loved):
            return db.session.scalar(sa.select(Connection.id).where(Connection.person_id == jordan.id,
                                                                    Connection.loved_one_id == loved.id))

        def one(model, *where):
            return db.session.scalar(sa.select(model.id).where(*where).order_by(model.id).limit(1))

        home = one(Commitment, Commitment.owner_id == jordan.id, Commitment.title == gettext("Home by 10 pm"))
        last_day = db.session.scalar(sa.select(sa.func.max(CheckIn.local_date)).where(CheckIn.commitment_id == home))
        _, invitation_token = circle.create_invitation(jordan, "friend", "Taylor")
        reset_token = accounts.create_reset_token(pat)
        ids = {
            "jordan": jordan.id, "sam": sam.id, "pat": pat.id,
            "with_sam": connection(sam), "with_pat": connection(pat),
            "commitment": home, "day": last_day.isoformat(),
            "entry": one(AmendsEntry, AmendsEntry.owner_id == jordan.id, AmendsEntry.person_name == "Sam"),
            "jordan_boundary": one(Boundary, Boundary.owner_id == jordan.id),
            "sam_boundary": one(Boundary, Boundary.owner_id == sam.id),
            "jordan_plan": one(ConversationPlan, ConversationPlan.owner_id == jordan.id,
                               ConversationPlan.shared.is_(True)),
            "jordan_held_plan": one(ConversationPlan, ConversationPlan.owner_id == jordan.id,
                                    ConversationPlan.status == "held"),
            "sam_plan": one(ConversationPlan, ConversationPlan.owner_id == sam.id),
            "invitation_token": invitation_token, "reset_token": reset_token,
            # A sign-in link as sign-up mails one, and the unsubscribe link of Jordan's reminder emails.
            "sign_in_token": accounts.create_sign_in_link(pat),
            "unsubscribe_token": unsubscribe_token(jordan.id, "daily"),
            # Sam's self-care commitment (recovery/tracker/demo_self_care.py) and its latest check-in day.
            "sam_self_care": (sam_care := one(Commitment, Commitment.owner_id == sam.id)),
            "sam_self_care_day": db.session.scalar(sa.select(sa.func.max(CheckIn.local_date))
                                                   .where(CheckIn.commitment_id == sam_care)).isoformat(),
            # Sam's three worksheets (recovery/wellbeing/demo.py makes one of each kind).
            **{f"sam_{kind}": one(Worksheet, Worksheet.owner_id == sam.id, Worksheet.kind == kind)
               for kind in ("good_days", "stepping_back", "problem_solving")},
        }
        # Dr. Rivera, the demo's counsellor (recovery/supporters/demo.py): the ties with Jordan and Sam, a note,
        # and a fresh link from Pat asking a supporter to join (what Dr. Rivera sees on opening it).
        from recovery.supporters import services as supporters
        from recovery.supporters.models import SupporterNote

        rivera = user("rivera")
        if rivera is not None:
            def tie(owner):
                return db.session.scalar(sa.select(Connection.id).where(
                    Connection.supporter_id == rivera.id,
                    sa.or_(Connection.person_id == owner.id, Connection.loved_one_id == owner.id)))

            offer = supporters.clean_offer(pat, {"trust"}, gettext("For our family sessions."),
                                           supporters.default_end(pat))
            ids.update(rivera_with_jordan=tie(jordan), rivera_with_sam=tie(sam),
                       rivera_note=one(SupporterNote, SupporterNote.author_id == rivera.id),
                       support_token=supporters.invite_supporter(pat, "counsellor", offer, "Dr. Rivera")[1])
        db.session.commit()
        db.session.remove()
    return ids
