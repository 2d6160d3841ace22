"""Amends rules: entries, the safety check, readiness and status, steps, reflection and openness."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from recovery.accounts.models import User
from recovery.amends.contact import CONTACT_STEP, DECLINED, NO_CONTACT, ContactAdvice, advise, asks_for_contact
from recovery.amends.models import (
    KINDS,
    OPENNESS,
    SAFETY_QUESTIONS,
    STAGES,
    STATUSES,
    WILLINGNESS,
    AmendsEntry,
    AmendsOpenness,
    AmendsStep,
)
from recovery.amends.safety import SafetyAdvice, assess
from recovery.circle.models import ACTIVE, ENDED, PAUSED, Connection
from recovery.circle.permissions import Access
from recovery.db import db, once, utcnow
from recovery.errors import NotFound, Refused
from recovery.timezones import local_today

MAX_STEPS = 30
# Steps offered as a starting checklist for a new plan. The step that asks for contact
# (contact.CONTACT_STEP) is added only once contact is known to be safe and welcome.
SUGGESTED_STEPS = (
    "Talk it over with my sponsor or counsellor",
    "Write down what I want to say",
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


# A stage before any plan, as the two columns: how willing, and where things stand.
_EARLY_STATUS = {"not_yet": "listed", "willing": "willing", "ready": "willing"}


def columns_for(stage: str, willingness: str = "not_yet") -> tuple[str, str]:
    """Map the form's one answer "Where am I with this?" to (willingness, status); no column changes shape.

    A planned, made or ongoing amends means the person was ready; "not possible" keeps how willing they were.
    """
    if stage in _EARLY_STATUS:
        return stage, _EARLY_STATUS[stage]
    if stage not in STAGES:
        raise Refused(_("Please choose where you are with this."), field="stage")
    return (willingness if stage == "not_possible" else "ready"), stage


def _check(owner: User, data: EntryInput, today: date, entry: AmendsEntry | None = None) -> None:
    if not data.person_name.strip():
        raise Refused(_("Please write who this is about."), field="person_name")
    if data.kind not in KINDS:
        raise Refused(_("Please choose a kind of amends."), field="kind")
    if data.willingness not in WILLINGNESS:
        raise Refused(_("Please choose how willing you feel."), field="willingness")
    if data.status not in STATUSES:
        raise Refused(_("Please choose where things stand."), field="status")
    if data.status == "not_possible" and not data.not_possible_reason.strip():
        raise Refused(_("Please say a few words about why it isn't possible."), field="not_possible_reason")
    if data.status == "ongoing" and data.kind != "living":
        raise Refused(_("“Ongoing” is for living amends. Choose living amends, or another status."), field="status")
    if data.planned_on is not None and not today - timedelta(days=366) <= data.planned_on <= today + timedelta(
            days=366 * 2):
        raise Refused(_("Please choose a date within the next two years."), field="planned_on")
    if data.connection_id is not None:
        ok = db.session.scalar(sa.select(Connection.id).where(
            Connection.id == data.connection_id, Connection.person_id == owner.id, Connection.status != ENDED,
            Connection.supporter_id.is_(None)))
        if ok is None:
            raise Refused(_("Please choose someone from your circle, or leave it empty."), field="connection_id")
    if data.kind == "direct":
        if entry is not None and entry.safety_no_contact:
            raise Refused(_("You said there is a court order or a clear request for no contact, so direct amends "
                            "isn't a choice here. Please choose indirect or living amends."), field="kind")
        if data.connection_id is not None and contact_answer(owner.id, data.connection_id) == "no":
            raise Refused(_("They have asked you not to contact them about amends, so direct amends isn't a "
                            "choice here. Please choose indirect or living amends."), field="kind")


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
        raise Refused(_("The amends list belongs to the person in recovery."))
    today = today or local_today(owner.timezone)
    _check(owner, data, today)
    entry = AmendsEntry(owner_id=owner.id)
    _apply(entry, data)
    entry.steps = [AmendsStep(text=t, position=i) for i, t in enumerate(SUGGESTED_STEPS)]
    db.session.add(entry)
    db.session.flush()
    fit_steps(entry, contact_for(entry))
    return entry


def update_entry(entry: AmendsEntry, owner: User, data: EntryInput, today: date | None = None) -> int:
    """Change an entry; return how many steps asking for contact were taken off."""
    _check(owner, data, today or local_today(owner.timezone), entry)
    _apply(entry, data)
    return fit_steps(entry, contact_for(entry))


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
    """Return one of the owner's entries, or raise NotFound."""
    entry = db.session.scalar(sa.select(AmendsEntry).where(AmendsEntry.id == entry_id,
                                                           AmendsEntry.owner_id == owner.id)
                              .options(selectinload(AmendsEntry.steps)))
    if entry is None:
        raise NotFound(entry_id)
    return entry


# --- Safety --------------------------------------------------------------------------------


def answers_of(entry: AmendsEntry) -> dict[str, bool | None]:
    """Return the entry's safety answers by question."""
    return {k: getattr(entry, k) for k in SAFETY_QUESTIONS}


@dataclass(frozen=True)
class SafetySaved:
    """What saving the safety answers changed."""

    advice: SafetyAdvice
    direct_closed: bool = False   # the entry was direct amends, and a no-contact answer closed that
    steps_removed: int = 0        # steps asking for contact that were taken off


def save_safety(entry: AmendsEntry, answers: dict[str, bool | None]) -> SafetySaved:
    """Store the safety answers; a no-contact answer closes direct amends and takes off contact steps."""
    for key in SAFETY_QUESTIONS:
        if answers.get(key) not in (True, False, None):
            raise Refused(_("Please answer yes, no or not sure yet."), field=key)
    for key in SAFETY_QUESTIONS:
        setattr(entry, key, answers.get(key))
    closed = bool(entry.safety_no_contact) and entry.kind == "direct"
    if closed:
        # Not advice: contact would break the order or the request. The person chooses another kind.
        entry.kind = "undecided"
        if entry.status == "ongoing":
            entry.status = "listed"
    entry.updated_at = utcnow()
    removed = fit_steps(entry, contact_for(entry))
    return SafetySaved(assess(answers_of(entry)), direct_closed=closed, steps_removed=removed)


# --- Contact: may Mend suggest it? --------------------------------------------------------------


def contact_answer(person_id: int, connection_id: int | None) -> str | None:
    """Their answer, for deciding contact: PAUSED while the connection is paused (the answer stays hidden)."""
    if connection_id is None:
        return None
    row = db.session.execute(
        sa.select(Connection.status, AmendsOpenness.status)
        .outerjoin(AmendsOpenness, sa.and_(AmendsOpenness.owner_id == Connection.loved_one_id,
                                           AmendsOpenness.person_id == Connection.person_id))
        .where(Connection.id == connection_id, Connection.person_id == person_id, Connection.status != ENDED)).first()
    if row is None:
        return None
    connection_status, answer = row
    return PAUSED if connection_status == PAUSED else answer


def contact_for(entry: AmendsEntry) -> ContactAdvice:
    """Decide whether Mend may suggest contact for this entry (its safety answers and their openness)."""
    # Named as the person named them on their own list ("Mum"), the same on every page.
    return advise(entry, contact_answer(entry.owner_id, entry.connection_id))


def contact_by_entry(entries: list[AmendsEntry], openness: dict[int, AmendsOpenness],
                     paused: set[int] = frozenset()) -> dict[int, ContactAdvice]:
    """Decide contact for many entries at once, from openness answers already loaded by connection."""
    result = {}
    for e in entries:
        signal = openness.get(e.connection_id) if e.connection_id is not None else None
        status = PAUSED if e.connection_id in paused else (signal.status if signal else None)
        result[e.id] = advise(e, status)
    return result


def fit_steps(entry: AmendsEntry, advice: ContactAdvice) -> int:
    """Make the suggested steps fit the entry: no step asking for contact where contact isn't welcome or safe.

    Returns how many steps were taken off. Where contact is ruled out (an order, or their "no"), every
    step not yet done that asks to contact them goes; otherwise only Mend's own suggested contact step.
    """
    removed = 0
    if not advice.allowed or entry.kind != "direct":
        for step in list(entry.steps):
            if step.done:
                continue
            suggested = step.text.strip().lower() == CONTACT_STEP.lower()
            if suggested or (advice.closed and asks_for_contact(step.text, entry.person_name)):
                entry.steps.remove(step)
                removed += 1
    elif (entry.kind == "direct" and entry.status in ("listed", "willing", "planned")
          and assess(answers_of(entry)).complete
          and not any(s.text.strip().lower() == CONTACT_STEP.lower() for s in entry.steps)
          and len(entry.steps) < MAX_STEPS):
        # Safe and welcome, as far as the person knows: checking the timing with them is a kind next step.
        entry.steps.append(AmendsStep(text=CONTACT_STEP,
                                      position=max((s.position for s in entry.steps), default=-1) + 1))
    db.session.flush()
    return removed


def contact_steps(entry: AmendsEntry, advice: ContactAdvice) -> set[int]:
    """Return the ids of steps not yet done that ask for contact, where contact is not suggested now."""
    if advice.allowed:
        return set()
    return {s.id for s in entry.steps if not s.done and asks_for_contact(s.text, entry.person_name)}


# --- Steps ------------------------------------------------------------------------------------


def add_step(entry: AmendsEntry, text: str) -> AmendsStep:
    """Add a step to the end of an entry's checklist."""
    text = (text or "").strip()
    if not text:
        raise Refused(_("Please write the step."), field="text")
    if asks_for_contact(text, entry.person_name) and contact_for(entry).closed:
        raise Refused(_("This step means contacting them, and contact is ruled out for this person. "
                        "Try a step for indirect or living amends instead."), field="text")
    if len(entry.steps) >= MAX_STEPS:
        raise Refused(_("A plan can hold up to %(num)d steps.", num=MAX_STEPS), field="text")
    step = AmendsStep(text=text, position=(max((s.position for s in entry.steps), default=-1) + 1))
    entry.steps.append(step)
    db.session.flush()
    return step


def load_own_step(owner: User, step_id: int) -> AmendsStep:
    """Return a step of one of the owner's entries, or raise NotFound."""
    step = db.session.scalar(sa.select(AmendsStep).join(AmendsEntry)
                             .where(AmendsStep.id == step_id, AmendsEntry.owner_id == owner.id))
    if step is None:
        raise NotFound(step_id)
    return step


STEP_ACTIONS = ("toggle", "delete")


def change_step(owner: User, step_id: int, action: str) -> int:
    """Tick one of the owner's steps off, untick it, or remove it; return its entry's id."""
    step = load_own_step(owner, step_id)
    entry_id = step.entry_id
    if action == "toggle":
        step.done = not step.done
    elif action == "delete":
        db.session.delete(step)
    else:
        raise NotFound(action)
    db.session.flush()
    return entry_id


# --- Reflection ---------------------------------------------------------------------------------


def save_reflection(entry: AmendsEntry, how: str, response: str, learned: str, next_: str, share: bool) -> None:
    """Write down how it went; private unless the person chooses to share it."""
    texts = [(t or "").strip() for t in (how, response, learned, next_)]
    if not any(texts):
        raise Refused(_("Please write at least one answer."), field="reflection_how")
    entry.reflection_how, entry.reflection_response, entry.reflection_learned, entry.reflection_next = texts
    entry.share_reflection = share
    entry.updated_at = utcnow()


# --- Openness (loved ones) -------------------------------------------------------------------------


def set_openness(loved_one: User, person_id: int, status: str, conditions: str) -> AmendsOpenness:
    """Record whether a loved one is open to an amends conversation with a person they're connected to."""
    if not loved_one.is_loved_one:
        raise NotFound(person_id)
    connected = db.session.scalar(sa.select(Connection.id).where(
        Connection.person_id == person_id, Connection.loved_one_id == loved_one.id, Connection.status != ENDED))
    if connected is None:
        raise NotFound(person_id)
    if status not in OPENNESS:
        raise Refused(_("Please choose one answer."), field="status")
    row = db.session.scalar(sa.select(AmendsOpenness).where(AmendsOpenness.owner_id == loved_one.id,
                                                            AmendsOpenness.person_id == person_id))
    if row is None:
        row = AmendsOpenness(owner_id=loved_one.id, person_id=person_id, status=status)
        db.session.add(row)
    row.status = status
    row.conditions = (conditions or "").strip()
    row.updated_at = utcnow()
    db.session.flush()
    # The person's suggested steps follow the answer at once: no contact step after "no" or "not yet".
    entries = db.session.scalars(sa.select(AmendsEntry).where(AmendsEntry.owner_id == person_id,
                                                              AmendsEntry.connection_id == connected)
                                 .options(selectinload(AmendsEntry.steps)))
    for entry in entries:
        fit_steps(entry, advise(entry, contact_answer(person_id, connected)))
    return row


def openness_of(loved_one_id: int, person_id: int) -> AmendsOpenness | None:
    """Return a loved one's openness signal for a person, if they gave one."""
    return db.session.scalar(sa.select(AmendsOpenness).where(AmendsOpenness.owner_id == loved_one_id,
                                                             AmendsOpenness.person_id == person_id))


def openness_given(loved_one: User) -> dict[int, AmendsOpenness]:
    """Map each person to the loved one's own answer about an amends conversation (one query)."""
    rows = db.session.scalars(_openness_given(), {"owner_id": loved_one.id})
    return {row.person_id: row for row in rows if row.person_id is not None}


@once
def _openness_given():
    return sa.select(AmendsOpenness).where(AmendsOpenness.owner_id == sa.bindparam("owner_id"))


def openness_by_connection(person: User) -> dict[int, AmendsOpenness]:
    """Map each of the person's active connections to its loved one's openness answer (one query).

    A paused connection shows nothing: pausing hides the loved one's answer too.
    """
    return {cid: row for cid, row in db.session.execute(_openness_by_connection(), {"person_id": person.id})}


@once
def _openness_by_connection():
    return (sa.select(Connection.id, AmendsOpenness)
            .join(AmendsOpenness, sa.and_(AmendsOpenness.owner_id == Connection.loved_one_id,
                                          AmendsOpenness.person_id == Connection.person_id))
            .where(Connection.person_id == sa.bindparam("person_id"), Connection.status == ACTIVE))


def paused_connections(person: User) -> set[int]:
    """Return the ids of the person's paused connections (no contact is suggested through them)."""
    return set(db.session.scalars(sa.select(Connection.id).where(Connection.person_id == person.id,
                                                                 Connection.status == PAUSED)))


# --- Overview ------------------------------------------------------------------------------------------


@dataclass
class Overview:
    """The amends page."""

    entries: list[AmendsEntry]
    counts: dict[str, int]
    next_step: str
    openness: dict[int, AmendsOpenness]
    stages: dict[str, int]
    contact: dict[int, ContactAdvice]


def overview(owner: User) -> Overview:
    """Load the list, counts per status, a gentle next step and loved ones' openness signals."""
    entries = own_entries(owner)
    counts = Counter(e.status for e in entries)
    openness = openness_by_connection(owner)
    contact = contact_by_entry(entries, openness, paused_connections(owner) if entries else set())
    return Overview(entries=entries, counts={k: counts.get(k, 0) for k in STATUSES},
                    next_step=suggest_next(entries, contact), openness=openness, contact=contact,
                    stages={k: sum(1 for e in entries if e.stage == k) for k in STAGES})


def suggest_next(entries: list[AmendsEntry], contact: dict[int, ContactAdvice] | None = None) -> str:
    """Offer one gentle next step, from where the list stands, never suggesting contact that isn't welcome."""
    contact = contact or {}
    if not entries:
        return _("Start by writing down one person you'd like to make things right with. "
                 "Just a name is enough for now.")
    ordered = sort_by_readiness(entries)
    planned = [e for e in ordered if e.status == "planned"]
    for e in planned:
        advice = contact.get(e.id, ContactAdvice())
        if e.kind != "direct" or advice.allowed:
            return _("You have a plan with %(name)s. "
                     "Go over the steps, and talk it through with someone you trust.", name=e.person_name)
    if planned:
        return contact.get(planned[0].id, ContactAdvice()).message
    open_undecided = [e for e in ordered if e.kind == "undecided" and e.status not in FINISHED]
    if open_undecided:
        first = open_undecided[0]
        if assess(answers_of(first)).answered < len(SAFETY_QUESTIONS):
            return _("Think about what kind of amends fits %(name)s, and answer the safety questions.",
                     name=first.person_name)
        advice = contact.get(first.id, ContactAdvice())
        if advice.closed:
            return _("Think about which kind of amends fits %(name)s: indirect amends or living "
                     "amends, since contact is ruled out.", name=first.person_name)
        return _("Think about what kind of amends fits %(name)s. Your safety answers can help you choose.",
                 name=first.person_name)
    if any(e.willingness == "ready" and e.status in ("listed", "willing") for e in entries):
        return _("You feel ready for at least one. Add the steps, and a date if it fits, to turn it into a plan.")
    if all(e.status in FINISHED for e in entries):
        return _("You've worked through your list. Keep up your living amends, and add anyone else who comes to "
                 "mind.")
    return _("Take your time. Willingness often comes slowly; reading your notes with a sponsor or counsellor can "
             "help.")


# --- What a loved one sees ---------------------------------------------------------------------------


def entries_about(access: Access) -> list[AmendsEntry]:
    """Return only the person's entries about the loved one holding the door's pass to them.

    A supporter the person chose (a sponsor working the steps with them) is shown every entry: the
    consent they gave names the whole amends list (AREAS["amends"].for_supporter says so on the form).
    """
    connection = access.require("amends")
    which = (AmendsEntry.owner_id == connection.person_id) if connection.is_support else sa.and_(
        AmendsEntry.owner_id == connection.person_id, AmendsEntry.connection_id == connection.id)
    return list(db.session.scalars(
        sa.select(AmendsEntry).where(which)
        .options(selectinload(AmendsEntry.steps)).order_by(AmendsEntry.created_at)))


def path_counts() -> dict[str, sa.ScalarSelect]:
    """What the dashboard path counts here, for the user named `user_id`: their entries (a loved one has none,
    and their path asks nothing of amends). The dashboard asks every feature's counts in one statement."""
    return {"amends": sa.select(sa.func.count()).select_from(AmendsEntry)
            .where(AmendsEntry.owner_id == sa.bindparam("user_id")).scalar_subquery()}


# --- What carries out an amends ---------------------------------------------------------------------
# A living amends is made by doing something over time, and the entry page lists what does it. Amends
# imports none of those features: each adds a finder here, from its recovery/<feature>/data.py, loaded
# at start-up (tracker adds its commitments). A finder takes an entry and returns the entry owner's own
# records that carry it out, oldest first, each with an `id` and a `title`. The entry page shows them
# under "Living amends in your tracker", linking each to its tracker page (templates/amends/entry.html):
# a finder from another feature would need the page to say where its records live.
_CARRIED_OUT_BY: dict[str, Callable[[AmendsEntry], list]] = {}


def carries_out(name: str, finder: Callable[[AmendsEntry], list]) -> None:
    """Add (or replace) a finder of the records that carry out an amends entry."""
    _CARRIED_OUT_BY[name] = finder


def carried_out_by(entry: AmendsEntry) -> list:
    """Return what carries out this amends over time (the tracker's commitments), from every finder."""
    return [record for finder in _CARRIED_OUT_BY.values() for record in finder(entry)]


def contact_ruled_out(person: User, connections: list[Connection]) -> dict[int, str]:
    """The person's connections where a message from them is ruled out, with why: an amends entry about that
    loved one names a court order or a clear request for no contact, or the loved one answered "no".

    Reminders use it: "Reach out" and the quiet-days alert are contact too. Two queries however many people.
    """
    ids = [c.id for c in connections if c.person_id == person.id]
    if not ids:
        return {}
    ruled: dict[int, str] = {}
    for cid in db.session.scalars(sa.select(AmendsEntry.connection_id).where(
            AmendsEntry.owner_id == person.id, AmendsEntry.connection_id.in_(ids),
            AmendsEntry.safety_no_contact.is_(True)).distinct()):
        ruled[cid] = NO_CONTACT
    for cid, answer in openness_by_connection(person).items():
        if cid in ids and cid not in ruled and answer.status == "no":
            ruled[cid] = DECLINED
    return ruled


def may_ask_openness(connections: list[Connection], openness: dict) -> list[Connection]:
    """The connections (sharing amends with their loved one) where the loved one may be asked whether they are
    open to an amends conversation.

    Only the question, and only where it can safely be asked: the connection is active and not with a child,
    they haven't answered (`openness`: connection id -> answer), the person has an amends not yet made about
    them, and nothing the person wrote rules contact out (a court order, a clear request for no contact, or a
    risk from their safety answers). One query however many people.
    """
    asked = [c for c in connections
             if c.status == ACTIVE and c.relationship != "child" and openness.get(c.id) is None]
    if not asked:
        return []
    entries = list(db.session.scalars(sa.select(AmendsEntry).where(
        sa.or_(*[sa.and_(AmendsEntry.owner_id == c.person_id, AmendsEntry.connection_id == c.id) for c in asked]))))
    result = []
    for c in asked:
        about = [e for e in entries if e.connection_id == c.id]
        if about and all(advise(e, None).allowed for e in about) and any(e.status not in FINISHED for e in about):
            result.append(c)
    return result
