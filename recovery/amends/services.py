"""Amends rules: entries, the safety check, readiness and status, steps, reflection and openness."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from recovery.accounts.models import User
from recovery.amends.models import (
    KINDS,
    OPENNESS,
    SAFETY_QUESTIONS,
    STATUSES,
    WILLINGNESS,
    AmendsEntry,
    AmendsOpenness,
    AmendsStep,
)
from recovery.amends.safety import SafetyAdvice, assess
from recovery.circle.models import ENDED, Connection
from recovery.db import db, utcnow
from recovery.errors import Refused
from recovery.timezones import local_today

MAX_STEPS = 30
# Steps offered as a starting checklist for a new plan.
SUGGESTED_STEPS = (
    "Talk it over with my sponsor or counsellor",
    "Write down what I want to say",
    "Check that now is a good time for them",
)
FINISHED = ("made", "ongoing", "not_possible")
READINESS_ORDER = {"ready": 0, "willing": 1, "not_yet": 2}
STATUS_ORDER = {"planned": 0, "willing": 1, "listed": 2, "ongoing": 3, "made": 4, "not_possible": 5}


@dataclass
class EntryInput:
    """An amends entry as typed into the form."""

    person_name: str
    connection_id: int | None
    relationship: str
    what_happened: str
    impact: str
    my_part: str
    kind: str
    willingness: str
    status: str
    not_possible_reason: str
    planned_on: date | None


def _check(owner: User, data: EntryInput, today: date) -> None:
    if not data.person_name.strip():
        raise Refused("Please write who this is about.", field="person_name")
    if data.kind not in KINDS:
        raise Refused("Please choose a kind of amends.", field="kind")
    if data.willingness not in WILLINGNESS:
        raise Refused("Please choose how willing you feel.", field="willingness")
    if data.status not in STATUSES:
        raise Refused("Please choose where things stand.", field="status")
    if data.status == "not_possible" and not data.not_possible_reason.strip():
        raise Refused("Please say a few words about why it isn't possible.", field="not_possible_reason")
    if data.status == "ongoing" and data.kind != "living":
        raise Refused("“Ongoing” is for living amends. Choose living amends, or another status.", field="status")
    if data.planned_on is not None and not today - timedelta(days=366) <= data.planned_on <= today + timedelta(
            days=366 * 2):
        raise Refused("Please choose a date within the next two years.", field="planned_on")
    if data.connection_id is not None:
        ok = db.session.scalar(sa.select(Connection.id).where(
            Connection.id == data.connection_id, Connection.person_id == owner.id, Connection.status != ENDED))
        if ok is None:
            raise Refused("Please choose someone from your circle, or leave it empty.", field="connection_id")


def _apply(entry: AmendsEntry, data: EntryInput) -> None:
    entry.person_name = data.person_name.strip()
    entry.connection_id = data.connection_id
    entry.relationship = data.relationship.strip()
    entry.what_happened = data.what_happened.strip()
    entry.impact = data.impact.strip()
    entry.my_part = data.my_part.strip()
    entry.kind = data.kind
    entry.willingness = data.willingness
    entry.status = data.status
    entry.not_possible_reason = data.not_possible_reason.strip() if data.status == "not_possible" else ""
    entry.planned_on = data.planned_on
    entry.updated_at = utcnow()


def create_entry(owner: User, data: EntryInput, today: date | None = None) -> AmendsEntry:
    """Add someone to the amends list, with a starting checklist of steps."""
    if not owner.is_person:
        raise Refused("The amends list belongs to the person in recovery.")
    today = today or local_today(owner.timezone)
    _check(owner, data, today)
    entry = AmendsEntry(owner_id=owner.id)
    _apply(entry, data)
    entry.steps = [AmendsStep(text=t, position=i) for i, t in enumerate(SUGGESTED_STEPS)]
    db.session.add(entry)
    db.session.flush()
    return entry


def update_entry(entry: AmendsEntry, owner: User, data: EntryInput, today: date | None = None) -> None:
    """Change an entry."""
    _check(owner, data, today or local_today(owner.timezone))
    _apply(entry, data)


def delete_entry(entry: AmendsEntry) -> None:
    """Remove an entry and its steps (living-amends commitments stay, unlinked)."""
    db.session.delete(entry)


def own_entries(owner: User) -> list[AmendsEntry]:
    """Return the owner's entries with their steps, in readiness order."""
    entries = list(db.session.scalars(
        sa.select(AmendsEntry).where(AmendsEntry.owner_id == owner.id).options(selectinload(AmendsEntry.steps))))
    return sort_by_readiness(entries)


def sort_by_readiness(entries: list[AmendsEntry]) -> list[AmendsEntry]:
    """Ready first, then willing, then not yet; within that, planned before listed and finished last."""
    return sorted(entries, key=lambda e: (STATUS_ORDER[e.status] >= 3, READINESS_ORDER[e.willingness],
                                          STATUS_ORDER[e.status], e.planned_on or date.max, e.id))


def load_own_entry(owner: User, entry_id: int) -> AmendsEntry:
    """Return one of the owner's entries, or raise LookupError."""
    entry = db.session.scalar(sa.select(AmendsEntry).where(AmendsEntry.id == entry_id,
                                                           AmendsEntry.owner_id == owner.id)
                              .options(selectinload(AmendsEntry.steps)))
    if entry is None:
        raise LookupError(entry_id)
    return entry


# --- Safety --------------------------------------------------------------------------------


def answers_of(entry: AmendsEntry) -> dict[str, bool | None]:
    """Return the entry's safety answers by question."""
    return {k: getattr(entry, k) for k in SAFETY_QUESTIONS}


def save_safety(entry: AmendsEntry, answers: dict[str, bool | None]) -> SafetyAdvice:
    """Store the safety answers and return the advice they lead to."""
    for key in SAFETY_QUESTIONS:
        if answers.get(key) not in (True, False, None):
            raise Refused("Please answer yes, no or not sure yet.", field=key)
    for key in SAFETY_QUESTIONS:
        setattr(entry, key, answers.get(key))
    entry.updated_at = utcnow()
    return assess(answers_of(entry))


# --- Steps ------------------------------------------------------------------------------------


def add_step(entry: AmendsEntry, text: str) -> AmendsStep:
    """Add a step to the end of an entry's checklist."""
    text = (text or "").strip()
    if not text:
        raise Refused("Please write the step.", field="text")
    if len(entry.steps) >= MAX_STEPS:
        raise Refused(f"A plan can hold up to {MAX_STEPS} steps.", field="text")
    step = AmendsStep(text=text, position=(max((s.position for s in entry.steps), default=-1) + 1))
    entry.steps.append(step)
    db.session.flush()
    return step


def load_own_step(owner: User, step_id: int) -> AmendsStep:
    """Return a step of one of the owner's entries, or raise LookupError."""
    step = db.session.scalar(sa.select(AmendsStep).join(AmendsEntry)
                             .where(AmendsStep.id == step_id, AmendsEntry.owner_id == owner.id))
    if step is None:
        raise LookupError(step_id)
    return step


# --- Reflection ---------------------------------------------------------------------------------


def save_reflection(entry: AmendsEntry, how: str, response: str, learned: str, next_: str, share: bool) -> None:
    """Write down how it went; private unless the person chooses to share it."""
    texts = [(t or "").strip() for t in (how, response, learned, next_)]
    if not any(texts):
        raise Refused("Please write at least one answer.", field="reflection_how")
    entry.reflection_how, entry.reflection_response, entry.reflection_learned, entry.reflection_next = texts
    entry.share_reflection = share
    entry.updated_at = utcnow()


# --- Openness (loved ones) -------------------------------------------------------------------------


def set_openness(loved_one: User, person_id: int, status: str, conditions: str) -> AmendsOpenness:
    """Record whether a loved one is open to an amends conversation with a person they're connected to."""
    if not loved_one.is_loved_one:
        raise LookupError(person_id)
    connected = db.session.scalar(sa.select(Connection.id).where(
        Connection.person_id == person_id, Connection.loved_one_id == loved_one.id, Connection.status != ENDED))
    if connected is None:
        raise LookupError(person_id)
    if status not in OPENNESS:
        raise Refused("Please choose one answer.", field="status")
    row = db.session.scalar(sa.select(AmendsOpenness).where(AmendsOpenness.owner_id == loved_one.id,
                                                            AmendsOpenness.person_id == person_id))
    if row is None:
        row = AmendsOpenness(owner_id=loved_one.id, person_id=person_id, status=status)
        db.session.add(row)
    row.status = status
    row.conditions = (conditions or "").strip()
    row.updated_at = utcnow()
    db.session.flush()
    return row


def openness_of(loved_one_id: int, person_id: int) -> AmendsOpenness | None:
    """Return a loved one's openness signal for a person, if they gave one."""
    return db.session.scalar(sa.select(AmendsOpenness).where(AmendsOpenness.owner_id == loved_one_id,
                                                             AmendsOpenness.person_id == person_id))


def openness_by_connection(person: User) -> dict[int, AmendsOpenness]:
    """Map each of the person's live connections to its loved one's openness signal (one query)."""
    rows = db.session.execute(
        sa.select(Connection.id, AmendsOpenness)
        .join(AmendsOpenness, sa.and_(AmendsOpenness.owner_id == Connection.loved_one_id,
                                      AmendsOpenness.person_id == Connection.person_id))
        .where(Connection.person_id == person.id, Connection.status != ENDED))
    return {cid: row for cid, row in rows}


def openness_warning(entry: AmendsEntry, openness: AmendsOpenness | None, name: str | None = None) -> str | None:
    """Say so, kindly, when a direct amends is planned with someone who said "not yet"."""
    if openness is None or openness.status != "not_yet" or entry.kind != "direct":
        return None
    if entry.status not in ("willing", "planned", "listed"):
        return None
    return (f"{name or entry.person_name} has said they're not ready for an amends conversation yet. "
            "Respecting their pace is part of making amends. For now you could write down what you'd say, "
            "work on living amends, and check in with your sponsor or counsellor.")


# --- Overview ------------------------------------------------------------------------------------------


@dataclass
class Overview:
    """The amends page."""

    entries: list[AmendsEntry]
    counts: dict[str, int]
    next_step: str
    openness: dict[int, AmendsOpenness]


def overview(owner: User) -> Overview:
    """Load the list, counts per status, a gentle next step and loved ones' openness signals."""
    entries = own_entries(owner)
    counts = Counter(e.status for e in entries)
    return Overview(entries=entries, counts={k: counts.get(k, 0) for k in STATUSES},
                    next_step=suggest_next(entries), openness=openness_by_connection(owner))


def suggest_next(entries: list[AmendsEntry]) -> str:
    """Offer one gentle next step, from where the list stands."""
    if not entries:
        return ("Start by writing down one person you'd like to make things right with. "
                "Just a name is enough for now.")
    if any(e.status == "planned" for e in entries):
        planned = next(e for e in sort_by_readiness(entries) if e.status == "planned")
        return (f"You have a plan with {planned.person_name}. "
                "Go over the steps, and talk it through with someone you trust.")
    open_undecided = [e for e in entries if e.kind == "undecided" and e.status not in FINISHED]
    if open_undecided:
        first = open_undecided[0]
        return f"Think about what kind of amends fits {first.person_name}, and answer the safety questions."
    if any(e.willingness == "ready" and e.status in ("listed", "willing") for e in entries):
        return "You feel ready for at least one. Add a date and the steps to turn it into a plan."
    if all(e.status in FINISHED for e in entries):
        return "You've worked through your list. Keep up your living amends, and add anyone else who comes to mind."
    return "Take your time. Willingness often comes slowly; reading your notes with a sponsor or counsellor can help."


# --- What a loved one sees ---------------------------------------------------------------------------


def entries_about(connection: Connection) -> list[AmendsEntry]:
    """Return only the person's entries about this connection's loved one (the caller checked the grant)."""
    return list(db.session.scalars(
        sa.select(AmendsEntry).where(AmendsEntry.owner_id == connection.person_id,
                                     AmendsEntry.connection_id == connection.id)
        .options(selectinload(AmendsEntry.steps)).order_by(AmendsEntry.created_at)))


def path_facts(user: User) -> dict[str, int]:
    """Count what the dashboard path needs: the person's entries, or the loved one's openness answers."""
    if user.is_person:
        return {"amends": db.session.scalar(
            sa.select(sa.func.count()).select_from(AmendsEntry).where(AmendsEntry.owner_id == user.id))}
    return {"openness": db.session.scalar(
        sa.select(sa.func.count()).select_from(AmendsOpenness).where(AmendsOpenness.owner_id == user.id))}


def living_commitments(entry: AmendsEntry) -> list:
    """Return the tracker commitments that carry out this amends over time."""
    from recovery.tracker.models import Commitment

    return list(db.session.scalars(sa.select(Commitment).where(Commitment.amends_id == entry.id,
                                                               Commitment.owner_id == entry.owner_id)
                                   .order_by(Commitment.created_at)))
