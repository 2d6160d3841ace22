"""SECURITY.md 26 and 18: every page that shows another person's record writes a line in their access log.

A person in recovery and a loved one share every area with each other and each has records in every area
they own, every record carrying a marker word of its own ("zephyr-boundaries-17-<tag>"). The walk fetches
every GET rule of the url map as each of them, built from the family's real ids. Which pages show the other
person's data is not a hand list: a page shows it when its HTML holds one of the other's markers. Each such
page must have written, in that request, an access-log line (owner = the other, viewer = me) for the area
the marker belongs to; a page that shows none of the other's data must write none (MARKERLESS names the
few that show an area only as numbers).

The access log counts a quick reload as the same visit, so every line is deleted before each page, and the
lines a page wrote are read back from the database after its response (never through the request's session).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from recovery.accounts import services as accounts
from recovery.accounts.models import LOVED_ONE, PERSON
from recovery.amends import services as amends
from recovery.boundaries import services as boundaries
from recovery.calendar import services as calendar_service
from recovery.circle import services as circle
from recovery.circle.models import AccessLogEntry
from recovery.circle.permissions import AREAS, areas_for_role
from recovery.conversations import library
from recovery.conversations import services as conversations
from recovery.db import db
from recovery.notifications import services as notification_services
from recovery.plan import services as hard_days
from recovery.plan.sections import BY_KEY as PLAN_SECTIONS
from recovery.tracker import checkins, journey
from recovery.tracker.commitments import ScheduleInput, create_commitment, today_for
from recovery.tracker.models import DAILY
from recovery.trust import services as trust
from tests import factories

# GET endpoints the walk can't build a URL for, each with the reason. Every other GET rule is walked.
UNBUILDABLE: dict[str, str] = {
    "static": "stylesheets, scripts and images shipped with Mend: files, not anyone's records",
    "supporters.edit_note": "a supporter's own note: neither member of this family is a supporter (404 to both, "
                            "tests/supporters/test_notes.py)",
}

# Tokens are bearer links: each page is fetched with the token its holder really has.
# endpoint -> (purpose, whose token: "mine" for my own link, "theirs" for a link the other member made)
TOKEN_ROUTES: dict[str, tuple[str, str]] = {
    "calendar.feed": ("calendar", "mine"),  # my own calendar link, kept in my calendar app
    "accounts.reset": ("reset", "mine"),  # a reset link is mailed to its account's owner
    "accounts.sign_in_link": ("sign-in", "mine"),  # a sign-in link is mailed to a new account's owner
    "circle.invitation": ("invitation", "theirs"),  # an invitation link is handed to someone else
    "supporters.join": ("invitation", "theirs"),  # a supporter's link too
    "notifications.unsubscribe": ("unsubscribe", "mine"),  # an unsubscribe link is mailed to its owner
}

# Pages that show another person's area only as numbers, with none of its words to mark:
# (endpoint, viewer's role, area) -> what they show. Their access-log line is right, not noise; an entry the
# walk no longer needs fails the test, so the list can't go stale.
MARKERLESS: dict[tuple[str, str, str], str] = {
    ("dashboards.home", LOVED_ONE, "tracker"): "the loved one's home shows the person's consistency score, as a "
                                               "percentage, and how many days wait for their word",
    ("dashboards.home", LOVED_ONE, "amends"): "the loved one's home asks whether they are open to an amends "
                                              "conversation only when an amends about them is open: that tells them "
                                              "something from the person's amends, with no words of it",
}

# Query strings a GET page reads to show a linked record: (query name, the id argument whose values it takes).
QUERY_VARIANTS: dict[str, list[tuple[str, str]]] = {
    "conversations.script": [("boundary", "boundary_id"), ("amends", "entry_id")],
    "tracker.new_commitment": [("amends", "entry_id")],
}

# The guides the family's plans were started from, for /talk/scripts/<script_id>.
PERSON_SCRIPT, PERSON_FROM_BOUNDARY = "asking-for-a-chance", "hearing-a-boundary"
LOVED_SCRIPT, LOVED_FROM_BOUNDARY = "asking-for-honesty", "checking-in-after-a-hard-week"


@dataclass(frozen=True)
class Member:
    """One member of the family, as plain values (no ORM object)."""

    key: str
    id: int
    email: str
    role: str


@dataclass
class Family:
    """A person in recovery and a loved one, connected, sharing everything, each with a marked record per area."""

    person: Member
    loved: Member
    connection_id: int
    checkin_day: str
    ids: dict[int, dict[str, list[int]]]  # owner id -> URL argument -> that owner's ids
    tokens: dict[int, dict[str, str]]  # owner id -> purpose -> their token
    markers: dict[str, tuple[int, str]]  # marker word -> (owner id, area)

    @property
    def members(self) -> list[Member]:
        return [self.person, self.loved]

    def other(self, viewer: Member) -> Member:
        return self.loved if viewer.id == self.person.id else self.person


class _Marks:
    """Hand out marker words, each unique and none a part of another, remembering whose area each is."""

    def __init__(self, tag: str):
        self.tag = tag
        self.numbers = itertools.count(1)
        self.found: dict[str, tuple[int, str]] = {}

    def __call__(self, owner, area: str, word: str) -> str:
        assert area in AREAS and owner.role in AREAS[area].roles
        marker = f"{word}-{area}-{next(self.numbers)}-{self.tag}"
        self.found[marker] = (owner.id, area)
        return marker


def _plan(owner, script_id: str, connection_id: int, title: str, words: str, shared: bool,
          boundary_id: int | None = None):
    """Start a plan from a guide (linked to a boundary when given) and fill in its first step."""
    plan = conversations.start_plan(owner, script_id, connection_id, None, boundary_id)
    first = library.get(script_id).steps[0].key
    conversations.save_plan(plan, owner, title, {**(plan.answers or {}), first: words}, connection_id, shared)
    return plan


def build_family() -> Family:
    """Make the family through the services, every record of every area carrying a marker."""
    tag = uuid.uuid4().hex[:8]
    person = factories.make_user(PERSON, name=f"Pat {tag}")
    loved = factories.make_user(LOVED_ONE, name=f"Lee {tag}")
    connection = factories.make_connection(
        person, loved, share={a.key for a in areas_for_role(PERSON)},
        loved_one_shares={a.key for a in areas_for_role(LOVED_ONE)})
    mark = _Marks(tag)

    # The person in recovery: tracker, milestones, amends, boundaries, talks.
    today = today_for(person)
    commitment = create_commitment(person, f"Walk {mark(person, 'tracker', 'zephyr')}",
                                   mark(person, "tracker", "quince"), ScheduleInput(DAILY),
                                   today - timedelta(days=3), today=today)
    checkin = checkins.record_checkin(commitment, today - timedelta(days=1), "kept",
                                      mark(person, "tracker", "larch"), today=today)
    journey.log_setback(person, today - timedelta(days=2), mark(person, "milestones", "basalt"),
                        mark(person, "milestones", "cobalt"), shared=True, today=today)
    journey.add_small_win(person, mark(person, "milestones", "marigold"), today=today)
    hard_days.save_lines(person, PLAN_SECTIONS["warning-signs"], f"I stop calling {mark(person, 'plan', 'aspen')}")
    hard_days.save_note(person, f"Call me {mark(person, 'plan', 'cedar')}")
    p_boundary = boundaries.create_boundary(person, "home", boundaries.Words(
        mark(person, "boundaries", "heron"), f"leave the room {mark(person, 'boundaries', 'juniper')}"))
    entry = amends.create_entry(person, amends.EntryInput(
        loved.display_name, connection.id, "", mark(person, "amends", "saffron"), mark(person, "amends", "tundra"),
        mark(person, "amends", "walnut"), "direct", "willing", "listed", "", None))

    # The loved one: boundaries, trust check-ins, talks.
    l_boundary = boundaries.create_boundary(loved, "home", boundaries.Words(
        mark(loved, "boundaries", "osprey"), f"go for a walk {mark(loved, 'boundaries', 'fennel')}"))
    trust.record_checkin(loved, person.id, 3, 4, 5, mark(loved, "trust", "lantern"))
    # The loved one's own self-care, on the tracker's engine (the person sees it through "self_care").
    loved_today = today_for(loved)
    self_care = create_commitment(loved, f"Walk {mark(loved, 'self_care', 'aspen')}", mark(loved, "self_care", "moss"),
                                  ScheduleInput(DAILY), loved_today - timedelta(days=3), today=loved_today)
    checkins.record_checkin(self_care, loved_today - timedelta(days=1), "kept", mark(loved, "self_care", "clover"),
                            today=loved_today)

    # Talks: one plan each shared with the other, and one each started from the other's boundary.
    plans = {
        person.id: [
            _plan(person, PERSON_SCRIPT, connection.id, f"Talk {mark(person, 'conversations', 'kestrel')}",
                  mark(person, "conversations", "meadow"), shared=True),
            _plan(person, PERSON_FROM_BOUNDARY, connection.id, f"Hear {mark(person, 'conversations', 'pebble')}",
                  mark(person, "conversations", "thistle"), shared=False, boundary_id=l_boundary.id),
        ],
        loved.id: [
            _plan(loved, LOVED_SCRIPT, connection.id, f"Ask {mark(loved, 'conversations', 'harbor')}",
                  mark(loved, "conversations", "willow"), shared=True),
            _plan(loved, LOVED_FROM_BOUNDARY, connection.id, f"Check {mark(loved, 'conversations', 'cinder')}",
                  mark(loved, "conversations", "bramble"), shared=False, boundary_id=p_boundary.id),
        ],
    }
    tokens = {
        person.id: {"calendar": calendar_service.create_feed(person, plain_titles=False),
                    "reset": accounts.create_reset_token(person),
                    "sign-in": accounts.create_sign_in_link(person),
                    "invitation": circle.create_invitation(person, "friend")[1],
                    "unsubscribe": notification_services.unsubscribe_token(person.id, "daily")},
        loved.id: {"reset": accounts.create_reset_token(loved),
                   "unsubscribe": notification_services.unsubscribe_token(loved.id, "weekly"),
                   "sign-in": accounts.create_sign_in_link(loved),
                   "invitation": circle.create_invitation(loved, "friend")[1]},
    }
    db.session.commit()
    return Family(
        person=Member("person", person.id, person.email, person.role),
        loved=Member("loved", loved.id, loved.email, loved.role),
        connection_id=connection.id,
        checkin_day=checkin.local_date.isoformat(),
        ids={
            person.id: {"commitment_id": [commitment.id], "entry_id": [entry.id], "boundary_id": [p_boundary.id],
                        "plan_id": [p.id for p in plans[person.id]]},
            loved.id: {"commitment_id": [self_care.id], "entry_id": [], "boundary_id": [l_boundary.id],
                       "plan_id": [p.id for p in plans[loved.id]]},
        },
        tokens=tokens,
        markers=dict(mark.found),
    )


def _both(argument: str) -> Callable[[Family, Member, str], list]:
    """My own ids and the other member's: a page for my record may show theirs, and theirs may be shared."""
    return lambda f, me, ep: [*f.ids[me.id][argument], *f.ids[f.other(me).id][argument]]


def _token(f: Family, me: Member, endpoint: str) -> list[str]:
    assert endpoint in TOKEN_ROUTES, f"{endpoint}: a token route; say in TOKEN_ROUTES whose token opens it"
    purpose, whose = TOKEN_ROUTES[endpoint]
    holder = me if whose == "mine" else f.other(me)
    token = f.tokens[holder.id].get(purpose)
    return [token] if token else []


# URL argument -> (family, viewer, endpoint) -> the values to build the URL with.
FILLERS: dict[str, Callable[[Family, Member, str], list]] = {
    "connection_id": lambda f, me, ep: [f.connection_id],
    "area": lambda f, me, ep: list(AREAS),
    "commitment_id": _both("commitment_id"),
    "day": lambda f, me, ep: [f.checkin_day],
    "entry_id": _both("entry_id"),
    "boundary_id": _both("boundary_id"),
    "plan_id": _both("plan_id"),
    "script_id": lambda f, me, ep: [PERSON_SCRIPT, PERSON_FROM_BOUNDARY, LOVED_SCRIPT, LOVED_FROM_BOUNDARY],
    "section": lambda f, me, ep: list(PLAN_SECTIONS),  # the parts of the plan for hard days, by name
    "person_id": lambda f, me, ep: [f.person.id],
    "token": _token,
    "worksheet_id": lambda f, me, ep: [_loved_worksheet(f)],
    # A supporter's own notes: neither member writes any (a supporter's pages log visits as their own tests show:
    # tests/supporters/test_overview.py and test_prepare.py).
    "note_id": lambda f, me, ep: [],  # listed in UNBUILDABLE
}


def _loved_worksheet(family: Family) -> int:
    """The loved one's own "Looking after me" worksheet (private, never shared), made the first time it is asked for."""
    from recovery.accounts.models import User
    from recovery.wellbeing import services as wellbeing
    from recovery.wellbeing.models import Worksheet

    found = db.session.scalar(sa.select(Worksheet.id).where(Worksheet.owner_id == family.loved.id))
    if found is None:
        found = wellbeing.create_worksheet(db.session.get(User, family.loved.id), "good_days", "",
                                           {"words": "Thanks for dinner."}).id
        db.session.commit()
    return found


def get_rules(app) -> list:
    """Every rule that answers GET, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods), key=lambda r: (r.rule, r.endpoint))


def paths_for(app, family: Family, me: Member, rule) -> list[str]:
    """Every URL of a rule the viewer can build from the family's ids (with the query strings it reads)."""
    unknown = set(rule.arguments) - FILLERS.keys()
    assert not unknown, f"{rule.rule} ({rule.endpoint}): add a filler for {sorted(unknown)} to FILLERS"
    names = sorted(rule.arguments)
    adapter = app.url_map.bind(app.config["SERVER_NAME"])
    paths = []
    for combo in itertools.product(*(FILLERS[n](family, me, rule.endpoint) for n in names)):
        path = adapter.build(rule.endpoint, dict(zip(names, combo, strict=True)), method="GET")
        paths.append(path)
        for query, argument in QUERY_VARIANTS.get(rule.endpoint, []):
            paths += [f"{path}?{query}={value}" for value in FILLERS[argument](family, me, rule.endpoint)]
    return paths


@dataclass
class Visit:
    """One page as one member fetched it: what of the other's it showed, and the access-log lines it wrote."""

    viewer: Member
    owner: Member  # the other member
    endpoint: str
    path: str
    status: int
    shown: dict[str, tuple[int, str]] = field(default_factory=dict)  # the other's markers in the page
    written: set[tuple[int, int, str]] = field(default_factory=set)  # (owner id, viewer id, area)

    @property
    def areas_shown(self) -> set[str]:
        return {area for _, area in self.shown.values()}

    @property
    def markerless(self) -> set[str]:
        """The areas this page may log though it shows them only as numbers (MARKERLESS)."""
        return {area for (endpoint, role, area) in MARKERLESS if (endpoint, role) == (self.endpoint, self.viewer.role)}

    def describe(self) -> str:
        shown = ", ".join(sorted(self.areas_shown)) or "none"
        logged = ", ".join(sorted({area for _, _, area in self.written})) or "none"
        return f"as the {self.viewer.role} {self.endpoint} {self.path}: shows {shown}; logs {logged}"


def problems_of(visit: Visit) -> list[str]:
    """Say what is wrong with one page's access logging, naming the endpoint and the area."""
    where = f"{visit.endpoint} (GET {visit.path} as the {visit.viewer.role}, answered {visit.status})"
    problems = []
    logged = {area for owner, viewer, area in visit.written if (owner, viewer) == (visit.owner.id, visit.viewer.id)}
    for area in sorted(visit.areas_shown - logged):
        markers = sorted(m for m, (_, a) in visit.shown.items() if a == area)
        problems.append(f"{where}: shows the other member's {area} ({', '.join(markers)}) "
                        f"but wrote no access-log line for area {area!r}")
    if visit.status >= 500:
        problems.append(f"{where}: failed, so the walk can't tell what it shows")
    for area in sorted(logged - visit.areas_shown - visit.markerless):
        problems.append(f"{where}: wrote an access-log line for area {area!r} but shows none of its records")
    for owner, viewer, area in sorted(visit.written):
        if (owner, viewer) != (visit.owner.id, visit.viewer.id):
            problems.append(f"{where}: wrote an access-log line for owner {owner}, viewer {viewer}, area {area!r}")
    return problems


def _clear_access_log() -> None:
    db.session.execute(sa.delete(AccessLogEntry))
    db.session.commit()


def _written_lines() -> set[tuple[int, int, str]]:
    """The access-log lines in the database now, read after the response (not through the request's session)."""
    db.session.commit()
    return {tuple(row) for row in db.session.execute(
        sa.select(AccessLogEntry.owner_id, AccessLogEntry.viewer_id, AccessLogEntry.area))}


def walk(app, family: Family, clients: dict[str, object]) -> list[Visit]:
    """Fetch every GET page as each member, each with an empty access log before it."""
    visits = []
    for me in family.members:
        other = family.other(me)
        theirs = {m: v for m, v in family.markers.items() if v[0] == other.id}
        for rule in get_rules(app):
            if rule.endpoint in UNBUILDABLE:
                continue
            for path in paths_for(app, family, me, rule):
                _clear_access_log()
                response = clients[me.key].get(path)
                body = response.get_data(as_text=True)
                visits.append(Visit(me, other, rule.endpoint, path, response.status_code,
                                    shown={m: v for m, v in theirs.items() if m in body},
                                    written=_written_lines()))
    return visits


def test_unbuildable_list_names_only_real_get_endpoints(app):
    """The endpoints the walk leaves out exist and answer GET, so the list can't go stale."""
    get_endpoints = {r.endpoint for r in get_rules(app)}
    stale = sorted(set(UNBUILDABLE) - get_endpoints)
    assert not stale, f"UNBUILDABLE names endpoints that are no longer GET rules: {stale}"
    stale_tokens = sorted(set(TOKEN_ROUTES) - get_endpoints)
    assert not stale_tokens, f"TOKEN_ROUTES names endpoints that are no longer GET rules: {stale_tokens}"
    stale_queries = sorted(set(QUERY_VARIANTS) - get_endpoints)
    assert not stale_queries, f"QUERY_VARIANTS names endpoints that are no longer GET rules: {stale_queries}"
    stale_numbers = sorted(key for key in MARKERLESS if key[0] not in get_endpoints or key[2] not in AREAS)
    assert not stale_numbers, f"MARKERLESS names endpoints or areas that no longer exist: {stale_numbers}"


def test_the_check_names_endpoint_and_area():
    """A page that shows a record without its log line, or logs what it doesn't show, fails by name."""
    me, them = Member("loved", 2, "l@example.org", LOVED_ONE), Member("person", 1, "p@example.org", PERSON)
    silent = Visit(me, them, "things.show", "/things/1", 200, shown={"zephyr-tracker-1-x": (1, "tracker")})
    assert problems_of(silent) == [
        "things.show (GET /things/1 as the loved_one, answered 200): shows the other member's tracker "
        "(zephyr-tracker-1-x) but wrote no access-log line for area 'tracker'"]
    wrong_area = Visit(me, them, "things.show", "/things/1", 200, shown={"zephyr-tracker-1-x": (1, "tracker")},
                       written={(1, 2, "amends")})
    assert [p.split(": ", 1)[1] for p in problems_of(wrong_area)] == [
        "shows the other member's tracker (zephyr-tracker-1-x) but wrote no access-log line for area 'tracker'",
        "wrote an access-log line for area 'amends' but shows none of its records"]
    logged = Visit(me, them, "things.show", "/things/1", 200, shown={"zephyr-tracker-1-x": (1, "tracker")},
                   written={(1, 2, "tracker")})
    assert problems_of(logged) == []
    someone_else = Visit(me, them, "things.show", "/things/1", 200, written={(3, 2, "tracker")})
    assert [p.split(": ", 1)[1] for p in problems_of(someone_else)] == [
        "wrote an access-log line for owner 3, viewer 2, area 'tracker'"]
    crashed = Visit(me, them, "things.show", "/things/1", 500)
    assert [p.split(": ", 1)[1] for p in problems_of(crashed)] == ["failed, so the walk can't tell what it shows"]


def test_every_page_that_shows_the_other_members_data_logs_the_visit(app, login):
    """SECURITY.md 26: walk every GET page as each member; a page showing a record of the other logs its area."""
    family = build_family()
    clients = {m.key: login(app.test_client(), m) for m in family.members}
    visits = walk(app, family, clients)

    problems = [p for v in visits for p in problems_of(v)]
    classified = [v.describe() for v in visits if v.shown or v.written]
    assert not problems, "\n".join([*problems, "", "Pages that show or log the other member's areas:", *classified])

    # The walk reached every GET rule but the few it can't build, as one member or the other.
    walked = {v.endpoint for v in visits}
    missed = sorted({r.endpoint for r in get_rules(app)} - set(UNBUILDABLE) - walked)
    assert not missed, f"no URL was built for {missed}: add fillers, or list them in UNBUILDABLE with a reason"

    # Not a walk of empty pages: every area each member shares showed up somewhere to the other, logged.
    seen = {(owner, area) for v in visits for owner, area in v.shown.values()}
    never = set(family.markers.values()) - seen
    assert not never, f"never shown to the other member (owner id, area): {sorted(never)}"

    # Every page excused for logging numbers still logs them without a marker (else the entry is stale).
    used = {(v.endpoint, v.viewer.role, area) for v in visits
            for owner, viewer, area in v.written if area not in v.areas_shown}
    stale = sorted(set(MARKERLESS) - used)
    assert not stale, f"MARKERLESS entries the walk no longer needs: {stale}"

    # The reverse, on pages that name the other member or their areas but show none of their records:
    # each answered, showed nothing of the other, and wrote no access-log line.
    quiet = {(v.endpoint, v.viewer.role) for v in visits if v.status == 200 and not v.shown and not v.written}
    named = {
        ("circle.index", PERSON), ("circle.index", LOVED_ONE),  # which areas each shares, by name
        ("dashboards.home", PERSON),  # a card for the loved one, naming what they share
        ("circle.access_log", PERSON), ("circle.access_log", LOVED_ONE),  # who viewed my areas
        ("conversations.index", PERSON),  # my plans, one started from the loved one's boundary
        ("trust.index", LOVED_ONE),  # my own check-ins about the person
    }
    assert named <= quiet, f"pages that showed or logged the other's data: {sorted(named - quiet)}"
