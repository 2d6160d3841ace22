"""Conversation plan rules: start from a script (prefilled from amends or a boundary), fill in,
move from draft to ready to held to reflected, and share with the linked person only by choice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import format_number
from flask_babel import gettext as _

from recovery.accounts.models import User
from recovery.amends import services as amends
from recovery.amends.contact import CONTACT_SCRIPTS, ContactAdvice, advise
from recovery.amends.models import AmendsEntry
from recovery.boundaries.models import Boundary
from recovery.circle import services as circle
from recovery.circle.models import ENDED, PAUSED, Connection
from recovery.circle.permissions import Access, can_view, view_if_shared
from recovery.conversations import library
from recovery.conversations.library import Script
from recovery.conversations.models import STATUSES, ConversationPlan
from recovery.db import db, utcnow
from recovery.errors import NotFound, Refused
from recovery.timezones import local_today

MAX_ANSWER = 2000


def script_for(user: User, script_id: str) -> Script:
    """Return a script written for the user's role, or raise NotFound."""
    script = library.get(script_id)
    if script is None or script.role != user.role:
        raise NotFound(script_id)
    return script


def _own_connection(user: User, connection_id: int | None) -> Connection | None:
    if connection_id is None:
        return None
    connection = db.session.get(Connection, connection_id)
    if connection is None or user.id not in (connection.person_id, connection.loved_one_id) \
            or connection.status == ENDED:
        raise Refused(_("Please choose someone from your circle."), field="connection_id")
    return connection


def linkable_amends(user: User, amends_id: int | None) -> AmendsEntry | None:
    """Return one of the user's own amends entries, or None; another person's id is refused."""
    if amends_id is None:
        return None
    entry = db.session.scalar(sa.select(AmendsEntry).where(AmendsEntry.id == amends_id,
                                                           AmendsEntry.owner_id == user.id))
    if entry is None:
        raise NotFound(amends_id)
    return entry


def linkable_boundary(user: User, boundary_id: int | None) -> Boundary | None:
    """Return the user's own boundary, or one shared with them now; anything else is refused."""
    if boundary_id is None:
        return None
    boundary = db.session.get(Boundary, boundary_id) if isinstance(boundary_id, int) else None
    if boundary is None or boundary.status != "active":
        raise NotFound(boundary_id)
    if not can_view(user, boundary.owner_id, "boundaries"):
        raise NotFound(boundary_id)
    return boundary


@dataclass(frozen=True)
class LinkedBoundary:
    """Someone else's boundary a plan was started from, as the plan's owner may see it now."""

    boundary: Boundary | None  # None when it isn't shared with them now: then nothing of it is shown
    owner: User | None = None


def linked_boundary(plan: ConversationPlan, viewer: User) -> LinkedBoundary | None:
    """Return the other person's boundary behind this plan while they share it (logging the visit), or say it isn't.

    A plan keeps only the link: their words are read through the door each time, never copied in.
    None when the plan has no link to another person's boundary.
    """
    if plan.boundary_id is None or plan.owner_id != viewer.id:
        return None
    boundary = db.session.get(Boundary, plan.boundary_id)
    if boundary is None or boundary.owner_id == viewer.id:
        return None
    if boundary.status != "active" or view_if_shared(viewer, boundary.owner_id, "boundaries") is None:
        return LinkedBoundary(boundary=None)
    return LinkedBoundary(boundary=boundary, owner=db.session.get(User, boundary.owner_id))


def prefill(script: Script, entry: AmendsEntry | None, boundary: Boundary | None,
            connection: Connection | None, user: User) -> dict[str, str]:
    """Fill each step's answer from the linked amends entry, boundary or connection, where the script says.

    Only the user's own words are copied in: another person's boundary stays theirs, linked, not copied.
    """
    sources: dict[str, str] = {}
    if entry is not None:
        sources.update({"amends.person_name": entry.person_name, "amends.what_happened": entry.what_happened,
                        "amends.impact": entry.impact, "amends.my_part": entry.my_part})
    if boundary is not None and boundary.owner_id == user.id:
        words = boundary.current
        sources.update({"boundary.situation": words.situation, "boundary.my_action": words.my_action,
                        "boundary.need": words.need, "boundary.request": words.request})
    if connection is not None:
        sources["connection.name"] = connection.other(user.id).display_name
    return {s.key: sources[s.prefill] for s in script.steps if s.prefill and sources.get(s.prefill)}


def start_plan(user: User, script_id: str, connection_id: int | None = None, amends_id: int | None = None,
               boundary_id: int | None = None) -> ConversationPlan:
    """Start a draft plan from a script, prefilled from what it's linked to."""
    script = script_for(user, script_id)
    connection = _own_connection(user, connection_id)
    entry = linkable_amends(user, amends_id)
    boundary = linkable_boundary(user, boundary_id)
    if connection is None and entry is not None and entry.connection_id is not None:
        connection = db.session.get(Connection, entry.connection_id)
        if connection is not None and connection.status == ENDED:
            connection = None
    if script.id in CONTACT_SCRIPTS:
        if entry is not None and amends.contact_for(entry).closed:
            raise Refused(amends.contact_for(entry).message, field="connection_id")
        answer = amends.contact_answer(user.id, connection.id) if connection is not None and user.is_person \
            else None
        if answer == "no":
            raise Refused(_("%(name)s has asked you not to contact them about amends, so Mend won't help plan "
                            "this conversation with them.", name=connection.loved_one.display_name),
                          field="connection_id")
        if answer == "paused":
            raise Refused(_("Your connection with %(name)s is paused, so Mend won't help plan an amends "
                            "conversation with them for now.", name=connection.loved_one.display_name),
                          field="connection_id")
    name = ""
    if connection is not None:
        name = connection.other(user.id).display_name
    elif entry is not None:
        name = entry.person_name
    plan = ConversationPlan(owner_id=user.id, script_id=script.id,
                            title=(_("%(title)s with %(name)s", title=script.title, name=name) if name
                                   else script.title)[:120],
                            connection_id=connection.id if connection else None,
                            amends_id=entry.id if entry else None, boundary_id=boundary.id if boundary else None,
                            answers=prefill(script, entry, boundary, connection, user))
    db.session.add(plan)
    db.session.flush()
    return plan


def save_plan(plan: ConversationPlan, user: User, title: str, answers: dict[str, str],
              connection_id: int | None, shared: bool) -> None:
    """Save the user's words for each step, the title, who it's with and whether it's shared."""
    script = library.get(plan.script_id)
    keys = {s.key for s in script.steps} if script else set()
    title = (title or "").strip()
    if not title:
        raise Refused(_("Please give the plan a short title."), field="title")
    cleaned = {}
    for key, value in answers.items():
        if key not in keys:
            continue
        value = (value or "").strip()
        if len(value) > MAX_ANSWER:
            raise Refused(_("Please keep each answer to %(num)s characters.", num=format_number(MAX_ANSWER)),
                          field=f"answer_{key}")
        if value:
            cleaned[key] = value
    connection = _own_connection(user, connection_id)
    if shared and connection is None:
        raise Refused(_("Choose who the plan is with before sharing it."), field="shared")
    plan.title = title[:120]
    plan.answers = cleaned  # a new dict, so the change is saved
    plan.connection_id = connection.id if connection else None
    plan.shared = shared
    plan.updated_at = utcnow()


def set_status(plan: ConversationPlan, status: str, held_on: date | None = None, today: date | None = None) -> None:
    """Move a plan along: draft, ready, held (on a date), reflected (only after it was held)."""
    if status not in STATUSES:
        raise Refused(_("Please choose a stage."), field="status")
    if status == "held":
        if held_on is None:
            raise Refused(_("Please say when the conversation happened."), field="held_on")
        if today is not None and (held_on > today or held_on < today - timedelta(days=366 * 2)):
            raise Refused(_("Please choose today or a day in the past two years."), field="held_on")
        plan.held_on = held_on
    if status == "ready" and plan_contact(plan).closed:
        raise Refused(_("Contact is ruled out for this person now, so this plan can't be marked ready."),
                      field="status")
    if status == "reflected" and plan.held_on is None:
        raise Refused(_("Write a reflection after the conversation has happened."), field="status")
    if status in ("draft", "ready"):
        plan.held_on = None
    plan.status = status
    plan.updated_at = utcnow()


def save_reflection(plan: ConversationPlan, how: str, response: str, differently: str, next_: str) -> None:
    """Write down how the talk went; marks the plan reflected."""
    texts = [(t or "").strip() for t in (how, response, differently, next_)]
    if not any(texts):
        raise Refused(_("Please write at least one answer."), field="reflection_how")
    if plan.held_on is None:
        raise Refused(_("First mark the plan as talked, with the day you talked."), field="reflection_how")
    plan.reflection_how, plan.reflection_response, plan.reflection_differently, plan.reflection_next = texts
    plan.status = "reflected"
    plan.updated_at = utcnow()


def own_plans(user: User) -> list[ConversationPlan]:
    """Return the user's plans, newest first."""
    return list(db.session.scalars(sa.select(ConversationPlan).where(ConversationPlan.owner_id == user.id)
                                   .order_by(ConversationPlan.updated_at.desc(), ConversationPlan.id.desc())))


def load_own(user: User, plan_id: int) -> ConversationPlan:
    """Return one of the user's plans, or raise NotFound."""
    plan = db.session.scalar(sa.select(ConversationPlan).where(ConversationPlan.id == plan_id,
                                                               ConversationPlan.owner_id == user.id))
    if plan is None:
        raise NotFound(plan_id)
    return plan


def delete_plan(plan: ConversationPlan) -> None:
    """Delete one of the user's plans (the caller loaded it with load_own)."""
    db.session.delete(plan)
    db.session.flush()


def shared_plans(access: Access) -> list[ConversationPlan]:
    """Return the other member's plans shared in this connection, with the door's pass to them."""
    connection, owner_id = access.require("conversations"), access.owner.id
    return list(db.session.scalars(sa.select(ConversationPlan).where(
        ConversationPlan.owner_id == owner_id, ConversationPlan.connection_id == connection.id,
        ConversationPlan.shared.is_(True)).order_by(ConversationPlan.updated_at.desc())))


def load_shared(access: Access, plan_id: int) -> ConversationPlan:
    """Return one plan shared with the viewer, with the door's pass to them, or raise NotFound."""
    plan = next((p for p in shared_plans(access) if p.id == plan_id), None)
    if plan is None:
        raise NotFound(plan_id)
    return plan


def plan_contact(plan: ConversationPlan) -> ContactAdvice:
    """Say whether a plan for contact still fits: its amends entry, or its loved one's answer, may rule it out."""
    if plan.script_id not in CONTACT_SCRIPTS:
        return ContactAdvice()
    if plan.amends_id is not None:
        entry = db.session.get(AmendsEntry, plan.amends_id)
        if entry is not None:
            return amends.contact_for(entry)
    if plan.connection_id is not None:
        connection = db.session.get(Connection, plan.connection_id)
        if connection is not None and connection.status != ENDED and connection.person_id == plan.owner_id:
            placeholder = AmendsEntry(person_name=connection.loved_one.display_name, status="listed")
            return advise(placeholder, amends.contact_answer(plan.owner_id, connection.id))
    return ContactAdvice()


def contact_by_plan(owner: User, plans: list[ConversationPlan]) -> dict[int, ContactAdvice]:
    """Decide, as `plan_contact` does one by one, whether each of the owner's plans for contact still fits.

    For a list: three queries however many plans and people (the linked entries, the owner's connections
    and their loved ones' answers), where `plan_contact` asks again for each plan.
    """
    result = {p.id: ContactAdvice() for p in plans}
    about = [p for p in plans if p.script_id in CONTACT_SCRIPTS and p.owner_id == owner.id]
    if not about:
        return result
    entry_ids = {p.amends_id for p in about if p.amends_id is not None}
    entries = {e.id: e for e in db.session.scalars(
        sa.select(AmendsEntry).where(AmendsEntry.id.in_(entry_ids), AmendsEntry.owner_id == owner.id))} \
        if entry_ids else {}
    # The owner's connections as the person in recovery (ended ones are left out, as contact_answer does).
    connections = {c.id: c for c in circle.connections_of(owner) if c.person_id == owner.id}
    openness = amends.openness_by_connection(owner)

    def answer(connection_id: int | None) -> str | None:
        """Their answer, for deciding contact: paused while the connection is paused (as contact_answer)."""
        if connection_id not in connections:
            return None
        if connections[connection_id].status == PAUSED:
            return PAUSED
        found = openness.get(connection_id)
        return found.status if found else None

    for plan in about:
        entry = entries.get(plan.amends_id)
        if entry is not None:
            result[plan.id] = advise(entry, answer(entry.connection_id))
        elif plan.connection_id in connections:
            placeholder = AmendsEntry(person_name=connections[plan.connection_id].loved_one.display_name,
                                      status="listed")
            result[plan.id] = advise(placeholder, answer(plan.connection_id))
    return result


@dataclass(frozen=True)
class ContactAnswer:
    """A loved one's "not yet" or "no" to an amends conversation, as a guide for contact shows it."""

    connection_id: int
    name: str
    status: str


def contact_answers(user: User) -> list[ContactAnswer]:
    """Return each loved one who said "not yet" or "no" to an amends conversation (two queries)."""
    if not user.is_person:
        return []
    by_connection = amends.openness_by_connection(user)
    return [ContactAnswer(c.id, c.loved_one.display_name, by_connection[c.id].status)
            for c in circle.connections_of(user)
            if c.id in by_connection and by_connection[c.id].status in ("not_yet", "no")]


def guide_contact(script: Script, user: User, entry: AmendsEntry | None) -> tuple[list[ContactAnswer], ContactAdvice]:
    """For a guide about contact: loved ones' answers, and whether contact fits the linked entry."""
    if script.id not in CONTACT_SCRIPTS:
        return [], ContactAdvice()
    return contact_answers(user), amends.contact_for(entry) if entry is not None else ContactAdvice()


@dataclass
class Library:
    """The conversations page."""

    scripts: list[Script]
    plans: list[ConversationPlan]
    # Plans for contact that is now ruled out (a court order, or their "no"): shown as set aside.
    set_aside: set[int] = field(default_factory=set)
    # The user is a child of someone in their circle: the page points to help written for young people.
    young: bool = False


def overview(user: User) -> Library:
    """Load the scripts for the user's role, their plans, which plans are set aside, and help for young people."""
    plans = own_plans(user)
    set_aside = {plan_id for plan_id, advice in contact_by_plan(user, plans).items() if advice.closed}
    young = user.is_loved_one and any(c.loved_one_id == user.id and c.relationship == "child"
                                      for c in circle.connections_of(user))
    return Library(scripts=library.for_role(user.role), plans=plans, set_aside=set_aside, young=young)


def today_for(user: User) -> date:
    """Return today's date where the user lives."""
    return local_today(user.timezone)


def path_counts() -> dict[str, sa.ScalarSelect]:
    """What the dashboard path counts here, for the user named `user_id`: their conversation plans."""
    return {"plans": sa.select(sa.func.count()).select_from(ConversationPlan)
            .where(ConversationPlan.owner_id == sa.bindparam("user_id")).scalar_subquery()}
