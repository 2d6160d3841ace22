"""Shared set-up for the security tests: a person with data, people around them, and row snapshots."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser

import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import RequestRedirect

from recovery.accounts import services as accounts
from recovery.accounts.models import LOVED_ONE, PERSON, UserSession
from recovery.calendar import services as calendar_service
from recovery.circle import services as circle
from recovery.circle.permissions import AREAS, areas_for_role
from recovery.db import db
from recovery.notifications import services as notification_services
from recovery.timezones import local_today
from tests import factories
from tests.conftest import PASSWORD

PERSON_AREAS = frozenset(a.key for a in areas_for_role(PERSON))
LOVED_ONE_AREAS = frozenset(a.key for a in areas_for_role(LOVED_ONE))


@dataclass
class Member:
    """What a test needs to know about a user, kept as plain values (no ORM object)."""

    id: int
    email: str
    name: str
    role: str


@dataclass
class World:
    """A (person in recovery) shares every area with B; D is connected to A with nothing shared; C is a stranger."""

    a: Member
    b: Member
    c: Member
    d: Member
    ab_id: int
    ad_id: int
    invitation_id: int
    invitation_label: str
    a_session_id: int
    commitment_id: int = 0
    checkin_id: int = 0
    setback_id: int = 0
    checkin_day: str = ""
    entry_id: int = 0
    step_id: int = 0
    boundary_id: int = 0
    plan_id: int = 0
    b_commitment_id: int = 0  # B's own self-care commitment (a loved one's), with a check-in
    b_checkin_id: int = 0
    s: Member | None = None  # Sky, a counsellor A chose (tracker and plan, for six months)
    as_id: int = 0  # A's tie with S
    s_note_id: int = 0  # S's own note about A, not shared: S's data, never A's
    tokens: dict[str, str] = field(default_factory=dict)  # purpose -> one of A's live tokens
    clients: dict[str, object] = field(default_factory=dict)


def member(user) -> Member:
    """Copy a user's identifying values out of the ORM object."""
    return Member(id=user.id, email=user.email, name=user.display_name, role=user.role)


def build_world(app, login, outsider_role: str = PERSON, b_shares: frozenset[str] = frozenset()) -> World:
    """Create A, B, C, D, the A–B and A–D connections, and A's invitation, reset token, calendar link, session."""
    tag = uuid.uuid4().hex[:8]
    a = factories.make_user(PERSON, name=f"Alice {tag}", email=f"alice-{tag}@example.org")
    b = factories.make_user(LOVED_ONE, name=f"Bea {tag}")
    c = factories.make_user(outsider_role, name=f"Cal {tag}")
    d = factories.make_user(LOVED_ONE, name=f"Dev {tag}")
    ab = factories.make_connection(a, b, share=set(PERSON_AREAS), loved_one_shares=set(b_shares))
    ad = factories.make_connection(a, d)
    label = f"private-label-{tag}"
    invitation, invite_token = circle.create_invitation(a, "friend", label)
    reset_token = accounts.create_reset_token(a)
    calendar_token = calendar_service.create_feed(a)
    commitment, checkin, setback = _tracker_data(a)
    _trust_data(b, a)
    b_commitment, b_checkin = _self_care_data(b)
    entry = _amends_data(a, ab, b)
    boundary = _boundary_data(a, b)
    plan = _plan_data(a, ab, entry)
    db.session.commit()
    world = World(
        a=member(a), b=member(b), c=member(c), d=member(d), ab_id=ab.id, ad_id=ad.id,
        invitation_id=invitation.id, invitation_label=label, a_session_id=0,
        tokens={"invitation": invite_token, "reset": reset_token, "calendar": calendar_token,
                "unsubscribe": notification_services.unsubscribe_token(a.id, "daily")},
        commitment_id=commitment.id, checkin_id=checkin.id, setback_id=setback.id,
        checkin_day=checkin.local_date.isoformat(), entry_id=entry.id, step_id=entry.steps[0].id,
        boundary_id=boundary.id, plan_id=plan.id, b_commitment_id=b_commitment.id, b_checkin_id=b_checkin.id,
    )
    supporter, tie, note = _supporter_data(a, tag)
    world.s, world.as_id, world.s_note_id = member(supporter), tie.id, note.id
    for key, m in (("a", world.a), ("b", world.b), ("c", world.c), ("d", world.d), ("s", world.s)):
        world.clients[key] = login(app.test_client(), m)
    world.a_session_id = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == world.a.id))
    assert world.a_session_id is not None
    return world


def _supporter_data(a, tag: str):
    """S, a counsellor A chose (tracker and plan), who keeps a private note about A's session."""
    from recovery.accounts.models import SUPPORTER
    from recovery.supporters.models import SupporterNote
    from recovery.timezones import local_today as today_in

    supporter = factories.make_user(SUPPORTER, name=f"Sky {tag}")
    tie = factories.make_support(a, supporter, share={"tracker", "plan"})
    note = SupporterNote(author_id=supporter.id, about_id=a.id, on_date=today_in(supporter.timezone),
                         text="supporter-note-secret", shared=False)
    db.session.add(note)
    db.session.commit()
    return supporter, tie, note


def _tracker_data(a):
    """Give A a shared commitment with a kept day yesterday, a setback and a small win."""
    from datetime import timedelta

    from recovery.tracker import checkins, journey
    from recovery.tracker.commitments import ScheduleInput, create_commitment, today_for
    from recovery.tracker.models import DAILY

    today = today_for(a)
    commitment = create_commitment(a, "Walk the dog", "for us", ScheduleInput(DAILY), today - timedelta(days=3),
                                   today=today)
    checkin = checkins.record_checkin(commitment, today - timedelta(days=1), "kept", "checkin-secret-note", today=today)
    setback = journey.log_setback(a, today - timedelta(days=2), "it happened", "call someone", today=today)
    journey.add_small_win(a, "asked for help", today=today)
    return commitment, checkin, setback


def _self_care_data(b):
    """B, a loved one, keeps a self-care commitment of their own, with a check-in yesterday."""
    from datetime import timedelta

    from recovery.tracker import checkins
    from recovery.tracker.commitments import ScheduleInput, create_commitment, today_for
    from recovery.tracker.models import DAILY

    today = today_for(b)
    commitment = create_commitment(b, "Walk with a friend", "", ScheduleInput(DAILY), today - timedelta(days=3),
                                   today=today)
    return commitment, checkins.record_checkin(commitment, today - timedelta(days=1), "kept", "", today=today)


def _trust_data(loved_one, person):
    """B records a trust check-in about A, with a note no one else may read."""
    from recovery.trust.models import TrustCheckIn

    db.session.add(TrustCheckIn(owner_id=loved_one.id, person_id=person.id,
                                local_date=local_today(loved_one.timezone), predictability=3, dependability=4,
                                faith=5, note=f"private-trust-note-{loved_one.id}"))


def _plan_data(a, ab, entry):
    """A plans the amends talk with B and shares it with B (the conversations area is shared too)."""
    from recovery.conversations import services as conversations

    plan = conversations.start_plan(a, "making-an-amends", ab.id, entry.id)
    conversations.save_plan(plan, a, "plan-secret-title", {"opening": "plan-secret-words"}, ab.id, True)
    return plan


def _boundary_data(a, b):
    """A writes a boundary (shared with B); B answers it and notes an event."""
    from recovery.boundaries import services as boundaries

    boundary = boundaries.create_boundary(a, "home", boundaries.Words("boundary-secret-situation",
                                                                      "I will leave the room."))
    boundaries.acknowledge(boundary, b, "talk")
    boundaries.log_event(boundary, b, "respected", local_today(b.timezone), "boundary-secret-note")
    return boundary


def _amends_data(a, ab, b):
    """A lists B and someone outside Mend for amends; B says "not yet"."""
    from recovery.amends import services as amends

    def data(name, connection_id):
        return amends.EntryInput(name, connection_id, "", "amends-secret-what", "amends-secret-impact", "", "direct",
                                 "willing", "listed", "", None)

    about_b = amends.create_entry(a, data("Bea", ab.id))
    amends.create_entry(a, data("Old boss", None))
    amends.set_openness(b, a.id, "not_yet", "openness-secret-condition")
    return about_b


def _rows(table, where) -> list[tuple]:
    key = list(table.primary_key.columns)
    return [tuple(r) for r in db.session.execute(sa.select(table).where(where).order_by(*key))]


def snapshot(user_id: int) -> dict[str, list[tuple]]:
    """Every row that belongs to a user or to their connections, section by section."""
    t = db.metadata.tables
    conns, grants = t["connections"], t["share_grants"]
    mine = sa.or_(conns.c.person_id == user_id, conns.c.loved_one_id == user_id)
    conn_ids = sa.select(conns.c.id).where(mine).scalar_subquery()
    snap = {
        "user": _rows(t["users"], t["users"].c.id == user_id),
        "connections": _rows(conns, mine),
        "grants_owned": _rows(grants, grants.c.owner_id == user_id),
        "grants_of_others": _rows(grants, sa.and_(grants.c.connection_id.in_(conn_ids), grants.c.owner_id != user_id)),
        "invitations": _rows(t["invitations"], t["invitations"].c.inviter_id == user_id),
        "sessions": _rows(t["user_sessions"], t["user_sessions"].c.user_id == user_id),
        "resets": _rows(t["password_resets"], t["password_resets"].c.user_id == user_id),
        "audit": _rows(t["audit_events"], t["audit_events"].c.user_id == user_id),
        "access_log": _rows(t["access_log"], t["access_log"].c.owner_id == user_id),
    }
    commitments = t["commitments"]
    my_commitments = sa.select(commitments.c.id).where(commitments.c.owner_id == user_id).scalar_subquery()
    my_checkins = sa.select(t["checkins"].c.id).where(t["checkins"].c.commitment_id.in_(my_commitments))
    snap.update({
        "commitments": _rows(commitments, commitments.c.owner_id == user_id),
        "schedules": _rows(t["commitment_schedules"], t["commitment_schedules"].c.commitment_id.in_(my_commitments)),
        "checkins": _rows(t["checkins"], t["checkins"].c.commitment_id.in_(my_commitments)),
        "addenda": _rows(t["checkin_addenda"], t["checkin_addenda"].c.checkin_id.in_(my_checkins.scalar_subquery())),
        "confirmations": _rows(t["confirmations"],
                               t["confirmations"].c.checkin_id.in_(my_checkins.scalar_subquery())),
        "setbacks": _rows(t["setbacks"], t["setbacks"].c.owner_id == user_id),
        "small_wins": _rows(t["small_wins"], t["small_wins"].c.owner_id == user_id),
        "boundaries": _rows(t["boundaries"], t["boundaries"].c.owner_id == user_id),
        "boundary_versions": _rows(t["boundary_versions"], t["boundary_versions"].c.boundary_id.in_(
            sa.select(t["boundaries"].c.id).where(t["boundaries"].c.owner_id == user_id).scalar_subquery())),
        "boundary_acks": _rows(t["boundary_acks"], t["boundary_acks"].c.boundary_id.in_(
            sa.select(t["boundaries"].c.id).where(t["boundaries"].c.owner_id == user_id).scalar_subquery())),
        "boundary_events": _rows(t["boundary_events"], t["boundary_events"].c.boundary_id.in_(
            sa.select(t["boundaries"].c.id).where(t["boundaries"].c.owner_id == user_id).scalar_subquery())),
        "amends": _rows(t["amends_entries"], t["amends_entries"].c.owner_id == user_id),
        "amends_steps": _rows(t["amends_steps"], t["amends_steps"].c.entry_id.in_(
            sa.select(t["amends_entries"].c.id).where(t["amends_entries"].c.owner_id == user_id).scalar_subquery())),
        "openness": _rows(t["amends_openness"], sa.or_(t["amends_openness"].c.owner_id == user_id,
                                                       t["amends_openness"].c.person_id == user_id)),
        "plans": _rows(t["conversation_plans"], t["conversation_plans"].c.owner_id == user_id),
        "trust": _rows(t["trust_checkins"], sa.or_(t["trust_checkins"].c.owner_id == user_id,
                                                   t["trust_checkins"].c.person_id == user_id)),
    })
    db.session.commit()
    return snap


def dump_database(skip_columns: dict[str, set[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table, minus the named columns (to prove a request wrote nothing)."""
    skip_columns = skip_columns or {}
    out = {}
    for table in db.metadata.sorted_tables:
        cols = [c for c in table.columns if c.name not in skip_columns.get(table.name, set())]
        key = list(table.primary_key.columns)
        out[table.name] = [tuple(r) for r in db.session.execute(sa.select(*cols).order_by(*key))]
    db.session.commit()
    return out


def routed(app, path: str, method: str) -> bool:
    """Tell whether some rule answers this path with this method (otherwise the answer must be 405)."""
    adapter = app.url_map.bind(app.config["SERVER_NAME"] or "localhost")
    try:
        adapter.match(path, method=method)
    except MethodNotAllowed:
        return False
    except RequestRedirect:
        return True
    return True


def walked_rules(app):
    """Every URL rule but the static files, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)


class _InputCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.inputs.append(dict(attrs))


def csrf_token_from(html: str, name: str = "csrf_token") -> str:
    """Return the value of the first CSRF hidden input named `name` in a page."""
    parser = _InputCollector()
    parser.feed(html)
    for attrs in parser.inputs:
        if attrs.get("name") == name and attrs.get("value"):
            return attrs["value"]
    raise AssertionError(f"no {name} input in the page")


def url_for_rule(app, rule, values: dict) -> str:
    """Build the path of one rule with the given values."""
    adapter = app.url_map.bind(app.config["SERVER_NAME"])
    method = next(m for m in sorted(rule.methods) if m not in ("HEAD", "OPTIONS"))
    return adapter.build(rule.endpoint, values, method=method)


def attack_body(world: World, walker: Member) -> dict:
    """A POST body that fills every form field Mend has, as the walker (their own email and password)."""
    return {
        "answer": "accept",
        f"c{world.ab_id}-areas": list(AREAS),
        f"c{world.ad_id}-areas": list(AREAS),
        "areas": list(AREAS),
        "relationship": "partner",
        "invitee_label": "walk",
        "display_name": "Walker",
        "timezone": "UTC",
        "role": walker.role,
        "email": walker.email,
        "password": PASSWORD,
        "password_again": PASSWORD,
        "current_password": PASSWORD,
        "new_password": PASSWORD,
        "new_password_again": PASSWORD,
        # The tracker's forms.
        "title": "walked", "why": "walk", "kind": "daily", "start_date": "2020-01-01",
        f"c{world.commitment_id}-day": world.checkin_day, f"c{world.commitment_id}-status": "missed",
        f"c{world.commitment_id}-note": "walk", "body": "walk", f"k{world.checkin_id}-verdict": "not_seen",
        "local_date": world.checkin_day, "what_happened": "walk", "next_step": "walk", "shared": "y",
        "win-text": "walk", "start-recovery_start": "2020-01-01",
        # The amends forms.
        "person_name": "walk", "impact": "walk", "my_part": "walk",
        "stage": "ready", "safety_harm_them": "yes", "text": "walk", "reflection_how": "walk",
        # The boundary forms.
        "situation": "walk", "my_action": "walk", "category": "home", "action": "save",
        "event-kind": "crossed", "event-local_date": world.checkin_day, "event-note": "walk",
        # The conversation forms.
        "answer_opening": "walk", "status": "ready", "held_on": world.checkin_day, "reflection_response": "walk",
    }
