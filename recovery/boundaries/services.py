"""Boundary rules: write, revise and retire (with history), share, acknowledge and log events."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from recovery.accounts.models import User
from recovery.boundaries.models import (
    ACK_KINDS,
    CATEGORIES,
    EVENT_KINDS,
    Boundary,
    BoundaryAck,
    BoundaryEvent,
    BoundaryVersion,
)
from recovery.circle import services as circle
from recovery.circle.models import ACTIVE, Connection
from recovery.circle.permissions import Access, SharedPage, sharing
from recovery.db import db, once, utcnow
from recovery.errors import NotFound, Refused
from recovery.timezones import local_today


@dataclass
class Words:
    """A boundary's words as typed in the form."""

    situation: str
    my_action: str
    need: str = ""
    request: str = ""

    def cleaned(self) -> Words:
        words = Words(*(v.strip() for v in (self.situation, self.my_action, self.need, self.request)))
        if not words.situation:
            raise Refused(_("Please describe the situation: “If…” or “When…”."), field="situation")
        if not words.my_action:
            raise Refused(_("Please say what you will do."), field="my_action")
        return words


# --- Showing the words -------------------------------------------------------------------------------
# Pages print a boundary as "If / when <situation>" and "I will <my_action>". People often type
# those words themselves ("If you drink at home", "I'll leave"), so the lead-in they typed is taken
# off for display, never from what is stored: their own words stay whole (and prefill guides whole).

# The same lead-ins typed in Spanish ("Si …", "Voy a …", "Porque …", "Le pido …") come off too, and "Yo …"
# speaks for itself; a Spanish lead-in must be followed by a space ("Si's friends" keeps its "Si").
_AFTER_LEAD = r"(?:\b|(?=[\s,:.…]))[\s,:.…]*"
_SITUATION_LEAD = re.compile(r"^\s*(?:whenever|(?:if|when)(?:\s*(?:/|,?\s*or|,?\s*and\s*/?\s*or)\s*(?:if|when))?"
                             r"|(?:siempre\s+que|cada\s+vez\s+que|(?:si|cuando)(?:\s*(?:/|,?\s*o)\s*(?:si|cuando))?)"
                             r"(?=\s))" + _AFTER_LEAD, re.IGNORECASE)
_ACTION_LEAD = re.compile(r"^\s*(?:I\s+will|I['’]ll|I\s+shall|I\s+am\s+going\s+to|I['’]m\s+going\s+to|I\s+would|"
                          r"I['’]d|(?:yo\s+)?voy\s+a(?=\s))" + _AFTER_LEAD, re.IGNORECASE)
_ACTION_WONT = re.compile(r"^\s*I\s+won['’]t\b\s*", re.IGNORECASE)
_NEED_LEAD = re.compile(r"^\s*(?:because|porque(?=\s))" + _AFTER_LEAD, re.IGNORECASE)
_REQUEST_LEAD = re.compile(r"^\s*(?:I['’]m\s+asking|I\s+am\s+asking|I\s+ask|(?:yo\s+)?(?:(?:le|te|les)\s+)?pido(?=\s))"
                           + _AFTER_LEAD, re.IGNORECASE)
_SPEAKS_FOR_ITSELF = re.compile(r"^(?:I|I['’]\w+|Yo)(?:\s|$)")  # what is left starts with "I": no lead-in before it


@dataclass(frozen=True)
class Shown:
    """A boundary's words as a page prints them: each part after its lead-in ("If / when", "I will" …),
    with the lead-in the person typed taken off. A lead-in is "" when the words can't follow it."""

    situation: str
    my_action: str
    need: str
    request: str
    situation_lead: str
    action_lead: str
    need_lead: str
    request_lead: str


def _strip(pattern: re.Pattern, text: str) -> str:
    """Take a typed lead-in off, unless nothing would be left."""
    text = (text or "").strip()
    return pattern.sub("", text, count=1).strip() or text


def _action(text: str) -> str:
    """"I'll leave" -> "leave"; "I won't pick up" -> "not pick up" (so it reads "I will not pick up")."""
    wont = _ACTION_WONT.match(text or "")
    if wont and text[wont.end():].strip():
        return "not " + text[wont.end():].strip()
    return _strip(_ACTION_LEAD, text)


def shown(words) -> Shown:
    """Prepare a boundary's words (a BoundaryVersion or Words) for a page, so no lead-in is ever printed twice:
    "If you drink at home" / "I'll leave" reads "If / when you drink at home" / "I will leave"."""
    situation = _strip(_SITUATION_LEAD, words.situation)
    action = _action(words.my_action)
    need = _strip(_NEED_LEAD, words.need)
    request = _strip(_REQUEST_LEAD, words.request)
    return Shown(situation, action, need, request,
                 situation_lead="" if _SITUATION_LEAD.fullmatch(situation) else _("If / when"),
                 action_lead="" if _SPEAKS_FOR_ITSELF.match(action) else _("I will"),
                 need_lead="" if _NEED_LEAD.fullmatch(need) else _("Because"),
                 request_lead="" if _SPEAKS_FOR_ITSELF.match(request) else _("I'm asking"))


def one_line(words) -> str:
    """A boundary's situation and action as one line, for a list or a history: "If / when …, I will …"."""
    s = shown(words)
    action = f"{s.action_lead} {s.my_action}".strip()
    situation = f"{s.situation_lead} {s.situation.rstrip(' ,.;:')}".strip()
    return f"{situation} — {action}"


def create_boundary(owner: User, category: str, words: Words) -> Boundary:
    """Write a new boundary (version 1). Nothing is shared until the owner shares the area."""
    if category not in CATEGORIES:
        raise Refused(_("Please choose a category."), field="category")
    words = words.cleaned()
    boundary = Boundary(owner_id=owner.id, category=category, version=1)
    boundary.versions = [BoundaryVersion(number=1, **words.__dict__)]
    db.session.add(boundary)
    db.session.flush()
    return boundary


def revise(boundary: Boundary, category: str, words: Words) -> bool:
    """Save new words as a new version; return False when nothing changed. Others are asked to acknowledge again."""
    if category not in CATEGORIES:
        raise Refused(_("Please choose a category."), field="category")
    if boundary.status != "active":
        raise Refused(_("This boundary is retired. Restore it first to change it."))
    words = words.cleaned()
    current = boundary.current
    boundary.category = category
    if (current.situation, current.my_action, current.need, current.request) == (
            words.situation, words.my_action, words.need, words.request):
        return False
    boundary.version += 1
    boundary.versions.append(BoundaryVersion(number=boundary.version, **words.__dict__))
    db.session.flush()
    return True


def retire(boundary: Boundary) -> None:
    """Retire a boundary; its history stays."""
    if boundary.status == "retired":
        raise Refused(_("This boundary is already retired."))
    boundary.status = "retired"
    boundary.retired_at = utcnow()


def restore(boundary: Boundary) -> None:
    """Bring back a retired boundary."""
    if boundary.status == "active":
        raise Refused(_("This boundary is already active."))
    boundary.status = "active"
    boundary.retired_at = None


def own_boundaries(owner: User) -> list[Boundary]:
    """Return the owner's boundaries with their versions, newest first."""
    return list(db.session.scalars(
        sa.select(Boundary).where(Boundary.owner_id == owner.id)
        .options(selectinload(Boundary.versions)).order_by(Boundary.created_at.desc(), Boundary.id.desc())))


def load_own(owner: User, boundary_id: int) -> Boundary:
    """Return one of the owner's boundaries, or raise NotFound."""
    boundary = db.session.scalar(sa.select(Boundary).where(Boundary.id == boundary_id, Boundary.owner_id == owner.id)
                                 .options(selectinload(Boundary.versions)))
    if boundary is None:
        raise NotFound(boundary_id)
    return boundary


# --- Shared with someone ---------------------------------------------------------------------------


def shared_boundaries(access: Access) -> list[Boundary]:
    """Return the active boundaries the other member shares, with the door's pass to them."""
    connection = access.require("boundaries")
    return shared_boundaries_by_connection([connection], access.viewer)[connection.id]


def shared_boundaries_by_connection(connections: list[Connection], viewer: User) -> dict[int, list[Boundary]]:
    """Return, by connection, the active boundaries its other member shares, newest first (the caller checked
    the grants). One query (and one for the words) however many connections."""
    owners = {(c.person_id if viewer.id == c.loved_one_id else c.loved_one_id): c.id for c in connections}
    result: dict[int, list[Boundary]] = {c.id: [] for c in connections}
    if not owners:
        return result
    for boundary in db.session.scalars(
            sa.select(Boundary).where(Boundary.owner_id.in_(owners), Boundary.status == "active")
            .options(selectinload(Boundary.versions)).order_by(Boundary.created_at.desc(), Boundary.id.desc())):
        result[owners[boundary.owner_id]].append(boundary)
    return result


def load_shared(access: Access, boundary_id: int) -> Boundary:
    """Return one active boundary of the other member, with the door's pass to them, or raise NotFound."""
    access.require("boundaries")
    owner_id = access.owner.id
    boundary = db.session.scalar(
        sa.select(Boundary).where(Boundary.id == boundary_id, Boundary.owner_id == owner_id,
                                  Boundary.status == "active").options(selectinload(Boundary.versions)))
    if boundary is None:
        raise NotFound(boundary_id)
    return boundary


def acknowledge(boundary: Boundary, viewer: User, kind: str) -> BoundaryAck:
    """Record "I understand and will respect this" or "I'd like to talk about this" for the current version."""
    if kind not in ACK_KINDS:
        raise Refused(_("Please choose one of the two answers."), field="kind")
    if viewer.id == boundary.owner_id:
        raise NotFound(boundary.id)
    ack = db.session.scalar(sa.select(BoundaryAck).where(BoundaryAck.boundary_id == boundary.id,
                                                         BoundaryAck.viewer_id == viewer.id))
    if ack is None:
        ack = BoundaryAck(boundary_id=boundary.id, viewer_id=viewer.id, version=boundary.version, kind=kind)
        db.session.add(ack)
    ack.version = boundary.version
    ack.kind = kind
    ack.created_at = utcnow()
    db.session.flush()
    return ack


def ack_state(boundary: Boundary, ack: BoundaryAck | None) -> str:
    """Say where a viewer stands: "new" (never answered), "updated" (answered an older version), or their answer."""
    if ack is None:
        return "new"
    if ack.version < boundary.version:
        return "updated"
    return ack.kind


def acks_for(boundaries: list[Boundary], viewer_id: int | None = None) -> dict[int, list[BoundaryAck]]:
    """Load the answers to some boundaries in one query, by boundary (optionally one viewer's only)."""
    result: dict[int, list[BoundaryAck]] = {b.id: [] for b in boundaries}
    if not boundaries:
        return result
    stmt = sa.select(BoundaryAck).where(BoundaryAck.boundary_id.in_(result)).options(
        selectinload(BoundaryAck.viewer))
    if viewer_id is not None:
        stmt = stmt.where(BoundaryAck.viewer_id == viewer_id)
    for ack in db.session.scalars(stmt):
        result[ack.boundary_id].append(ack)
    return result


# --- Events ----------------------------------------------------------------------------------------------


def log_event(boundary: Boundary, author: User, kind: str, day: date, note: str = "",
              today: date | None = None) -> BoundaryEvent:
    """Record that a boundary was respected, crossed or talked about (the caller checked who may)."""
    today = today or local_today(author.timezone)
    if kind not in EVENT_KINDS:
        raise Refused(_("Please choose respected, crossed or talked about."), field="kind")
    if day > today:
        raise Refused(_("Please choose today or a day before."), field="local_date")
    if day < today - timedelta(days=366):
        raise Refused(_("Please choose a day in the last year."), field="local_date")
    event = BoundaryEvent(boundary_id=boundary.id, author_id=author.id, kind=kind, local_date=day,
                          note=(note or "").strip())
    db.session.add(event)
    db.session.flush()
    return event


def events_of(boundary: Boundary, limit: int = 50) -> list[BoundaryEvent]:
    """Return a boundary's events, newest first, with their authors."""
    return list(db.session.scalars(
        sa.select(BoundaryEvent).where(BoundaryEvent.boundary_id == boundary.id)
        .options(selectinload(BoundaryEvent.author))
        .order_by(BoundaryEvent.local_date.desc(), BoundaryEvent.id.desc()).limit(limit)))


def counts(boundary: Boundary, today: date) -> dict[int, Counter]:
    """Count events by kind over the last 30 and 90 days."""
    rows = db.session.execute(
        sa.select(BoundaryEvent.kind, BoundaryEvent.local_date)
        .where(BoundaryEvent.boundary_id == boundary.id, BoundaryEvent.local_date > today - timedelta(days=90)))
    result = {30: Counter(), 90: Counter()}
    for kind, day in rows:
        result[90][kind] += 1
        if day > today - timedelta(days=30):
            result[30][kind] += 1
    return result


# --- Overview ---------------------------------------------------------------------------------------------


@dataclass
class SharedGroup:
    """One connection's boundaries shared with the viewer, with the viewer's answers."""

    connection: Connection
    owner: User
    boundaries: list[Boundary]
    states: dict[int, str]

    @property
    def waiting(self) -> int:
        return sum(1 for s in self.states.values() if s in ("new", "updated"))


@dataclass
class Overview:
    """The boundaries page for either role."""

    mine: list[Boundary]
    acks: dict[int, list[BoundaryAck]]
    shared_with_me: list[SharedGroup]
    recent: list[BoundaryEvent]


def overview(user: User) -> Overview:
    """Load my boundaries with others' answers, boundaries shared with me (waiting ones first) and recent events.

    The boundaries of others it shows are noted for their access logs (`permissions.record_visits`).
    """
    mine = own_boundaries(user)
    groups = []
    door = SharedPage(user, circle.connections_of(user))
    sharing_boundaries = door.sharing("boundaries")
    by_connection = shared_boundaries_by_connection(sharing_boundaries, user)
    # The viewer's own answers to all of them, in one query.
    my_acks = {a.boundary_id: a for acks in acks_for([b for items in by_connection.values() for b in items],
                                                     user.id).values() for a in acks}
    for connection in sharing_boundaries:
        items = by_connection[connection.id]
        if items:
            door.show(connection, "boundaries")
        states = {b.id: ack_state(b, my_acks.get(b.id)) for b in items}
        items.sort(key=lambda b: (states[b.id] not in ("new", "updated"), -b.id))
        groups.append(SharedGroup(connection, connection.other(user.id), items, states))
    groups.sort(key=lambda g: -g.waiting)
    ids = [b.id for b in mine]
    recent = list(db.session.scalars(
        sa.select(BoundaryEvent).where(BoundaryEvent.boundary_id.in_(ids))
        .options(selectinload(BoundaryEvent.author))
        .order_by(BoundaryEvent.local_date.desc(), BoundaryEvent.id.desc()).limit(10))) if ids else []
    return Overview(mine=mine, acks=acks_for(mine), shared_with_me=groups, recent=recent)


def heard_since(owner: User, since: datetime) -> list[tuple[str, str, datetime]]:
    """Who answered one of the owner's active boundaries (as it reads now) with "I understand and will respect
    this" since an instant, newest first: (their name, the boundary's situation, "If / when …", when). One query."""
    rows = db.session.execute(_heard_since(), {"owner_id": owner.id, "since": since})
    return [(name, f"{s.situation_lead} {s.situation.rstrip(' ,.;:')}".strip(), at)
            for name, s, at in ((name, shown(words), at) for name, words, at in rows)]


@once
def _heard_since():
    return (sa.select(User.display_name, BoundaryVersion, BoundaryAck.created_at)
            .select_from(BoundaryAck)
            .join(Boundary, Boundary.id == BoundaryAck.boundary_id)
            .join(BoundaryVersion, sa.and_(BoundaryVersion.boundary_id == Boundary.id,
                                           BoundaryVersion.number == Boundary.version))
            .join(User, User.id == BoundaryAck.viewer_id)
            .where(Boundary.owner_id == sa.bindparam("owner_id"), Boundary.status == "active",
                   BoundaryAck.kind == "acknowledged", BoundaryAck.version == Boundary.version,
                   BoundaryAck.created_at >= sa.bindparam("since"))
            .order_by(BoundaryAck.created_at.desc(), BoundaryAck.id.desc()))


def path_counts() -> dict[str, sa.ScalarSelect]:
    """What the dashboard path counts here, for the user named `user_id`: their boundaries."""
    return {"boundaries": sa.select(sa.func.count()).select_from(Boundary)
            .where(Boundary.owner_id == sa.bindparam("user_id")).scalar_subquery()}


def readers(owner: User) -> list[str]:
    """Name the people who can read the owner's boundaries right now."""
    connections = circle.connections_of(owner)
    shares = sharing(owner, connections)
    return [c.other(owner.id).display_name for c in connections
            if c.status == ACTIVE and "boundaries" in shares[c.id].mine]
