"""Supporters' rules: invitations either way, consent given, changed, renewed and ended, and who supports whom.

A tie between a supporter and the person who chose them is a `Connection` with `supporter_id` set
(circle/models.py). What the supporter may see is the consent in force: its areas are the tie's share
grants, its end is `consent_ends_at`, and the door (circle/permissions.py) checks both on every request.
Each change adds a `Consent` row and never edits one, so the history is the record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from recovery import audit
from recovery.accounts.models import SUPPORTER, SUPPORTER_KINDS, User
from recovery.circle import services as circle
from recovery.circle.models import ACTIVE, ENDED, SUPPORT, Connection, Invitation
from recovery.circle.permissions import AREAS, areas_for_role, consent_holds, live
from recovery.db import db, utcnow
from recovery.errors import NotFound, Refused
from recovery.i18n import lazy_gettext as _l
from recovery.security import hash_token, new_token
from recovery.supporters.models import CHANGED, GIVEN, RENEWED, Consent
from recovery.supporters.models import ENDED as CONSENT_ENDED
from recovery.timezones import local_today

INVITE_PURPOSE = "invitation"  # the same hashing purpose as circle links: one token space, one lookup
DEFAULT_MONTHS = 6
MAX_DAYS = 366  # at most a year (a leap year's day included)
PURPOSE_MIN, PURPOSE_MAX = 3, 300
LABEL_MAX = 60

# Purposes a person may pick or adapt (the form offers them; any words of their own are fine too).
SUGGESTED_PURPOSES = (
    _l("To prepare for our sessions."),
    _l("So my sponsor can see how I'm doing between meetings."),
    _l("For our family sessions."),
)


# --- Reading ----------------------------------------------------------------------------------------


def today_for(user: User) -> date:
    return local_today(user.timezone)


def shareable_areas(owner: User) -> list[str]:
    """What this person could name in a consent: their own areas, in the usual order."""
    return [a.key for a in areas_for_role(owner.role)]


def consents_of(tie: Connection) -> list[Consent]:
    """Every version of the tie's consent, oldest first: the record."""
    return list(db.session.scalars(sa.select(Consent).where(Consent.connection_id == tie.id).order_by(Consent.id)))


def current_consent(tie: Connection) -> Consent | None:
    """The newest version of the tie's consent."""
    return db.session.scalar(
        sa.select(Consent).where(Consent.connection_id == tie.id).order_by(Consent.id.desc()).limit(1))


def newest_consents(ties: Sequence[Connection]) -> dict[int, Consent]:
    """The newest version of each tie's consent, by tie id, in one query (a list of ties shows each one's)."""
    ids = [t.id for t in ties]
    if not ids:
        return {}
    newest = (sa.select(sa.func.max(Consent.id)).where(Consent.connection_id.in_(ids))
              .group_by(Consent.connection_id))
    return {c.connection_id: c for c in db.session.scalars(sa.select(Consent).where(Consent.id.in_(newest)))}


def state(tie: Connection, now: datetime | None = None) -> str:
    """"active", "expired" (its last day has passed) or "ended" (someone ended it)."""
    if tie.status == ENDED:
        return "ended"
    return "active" if consent_holds(tie, now) else "expired"


def ties_of_supporter(supporter: User, include_ended: bool = False) -> list[Connection]:
    """The supporter's ties, each with the person who chose them loaded, oldest first."""
    stmt = (sa.select(Connection).where(Connection.supporter_id == supporter.id)
            .options(joinedload(Connection.person), joinedload(Connection.loved_one))
            .order_by(Connection.created_at))
    if not include_ended:
        stmt = stmt.where(Connection.status != ENDED)
    return list(db.session.scalars(stmt))


def supporters_of(owner: User, include_ended: bool = False) -> list[Connection]:
    """The ties of the supporters this person chose, each with the supporter loaded, oldest first."""
    mine = Connection.person_id == owner.id if owner.is_person else Connection.loved_one_id == owner.id
    stmt = (sa.select(Connection).where(mine, Connection.supporter_id.is_not(None))
            .options(joinedload(Connection.supporter)).order_by(Connection.created_at))
    if not include_ended:
        stmt = stmt.where(Connection.status != ENDED)
    return list(db.session.scalars(stmt))


def tie_of_owner(owner: User, tie_id: int) -> Connection:
    """One of this person's supporters' ties (ended ones too: their record stays), or NotFound."""
    tie = db.session.get(Connection, tie_id) if isinstance(tie_id, int) else None
    if tie is None or not tie.is_support or tie.supported_id != owner.id:
        raise NotFound(tie_id)
    return tie


def tie_of_supporter(supporter: User, tie_id: int) -> Connection:
    """One of this supporter's ties, or NotFound."""
    tie = db.session.get(Connection, tie_id) if isinstance(tie_id, int) else None
    if tie is None or tie.supporter_id != supporter.id:
        raise NotFound(tie_id)
    return tie


def tie_of_member(user: User, tie_id: int) -> Connection:
    """A supporter's tie seen from either side: the supporter's own, or one the person chose; else NotFound."""
    return tie_of_supporter(user, tie_id) if user.is_supporter else tie_of_owner(user, tie_id)


# --- Consent: what, why, until when -------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """A consent as the person fills it in: the areas, the purpose, the last day."""

    areas: tuple[str, ...]
    purpose: str
    ends_on: date


def default_end(owner: User, today: date | None = None) -> date:
    """Six months from today, the form's first suggestion."""
    today = today or today_for(owner)
    return _add_months(today, DEFAULT_MONTHS)


def latest_end(owner: User, today: date | None = None) -> date:
    return (today or today_for(owner)) + timedelta(days=MAX_DAYS - 1)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def offer_problems(owner: User, areas: Iterable[str] | None, purpose: str | None, ends_on: date | None,
                   today: date | None = None) -> list[Refused]:
    """Everything wrong with a consent as typed, at most one refusal per field, in the form's order.

    A form shows them all at once, so a person fixes every part in one go; `clean_offer` refuses the first.
    """
    today = today or today_for(owner)
    problems = []
    offered = set(shareable_areas(owner))
    chosen = [a for a in dict.fromkeys(areas or ()) if isinstance(a, str)]
    if not chosen:
        problems.append(Refused(_("Please choose at least one thing to share."), field="areas"))
    elif any(a not in offered for a in chosen):
        problems.append(Refused(_("Please choose from the list."), field="areas"))
    purpose = " ".join((purpose or "").split())
    if len(purpose) < PURPOSE_MIN:
        problems.append(Refused(_("Please say why you are sharing, in a few words."), field="purpose"))
    elif len(purpose) > PURPOSE_MAX:
        problems.append(Refused(_("Please keep the reason to %(num)d characters or fewer.", num=PURPOSE_MAX),
                                field="purpose"))
    if ends_on is None:
        problems.append(Refused(_("Please choose the last day it lasts."), field="ends_on"))
    elif ends_on <= today:
        problems.append(Refused(_("Please choose a day after today."), field="ends_on"))
    elif ends_on > latest_end(owner, today):
        problems.append(Refused(_("A consent lasts a year at most. Please choose an earlier day. You can renew it "
                                  "later."), field="ends_on"))
    return problems


def clean_offer(owner: User, areas: Iterable[str], purpose: str | None, ends_on: date | None,
                today: date | None = None) -> Offer:
    """Check a consent as typed: at least one of the owner's areas, a purpose, an end within a year."""
    areas = [a for a in areas or () if isinstance(a, str)]  # read once: it may be any iterable
    problems = offer_problems(owner, areas, purpose, ends_on, today)
    if problems:
        raise problems[0]
    return Offer(tuple(a for a in AREAS if a in areas), " ".join((purpose or "").split()), ends_on)


def same_as_now(tie: Connection, offer: Offer, now: datetime | None = None) -> bool:
    """Would this offer change nothing: the consent in force already says exactly this, and still holds?"""
    before = current_consent(tie)
    return (before is not None and tie.status == ACTIVE and consent_holds(tie, now)
            and tuple(before.areas) == offer.areas and before.purpose == offer.purpose
            and before.ends_on == offer.ends_on)


def ends_at(owner: User, ends_on: date) -> datetime:
    """The instant a consent stops: midnight after its last day, where the owner lives."""
    midnight = datetime.combine(ends_on + timedelta(days=1), time(0), tzinfo=ZoneInfo(owner.timezone))
    return midnight.astimezone(ZoneInfo("UTC"))


def _record(tie: Connection, owner: User, supporter: User, actor: User, event: str, offer: Offer,
            today: date) -> Consent:
    consent = Consent(connection_id=tie.id, actor_id=actor.id, event=event, areas=list(offer.areas),
                      purpose=offer.purpose, supported_name=owner.display_name,
                      supporter_name=supporter.display_name, starts_on=today, ends_on=offer.ends_on,
                      ends_at=ends_at(owner, offer.ends_on) if event != CONSENT_ENDED else utcnow())
    db.session.add(consent)
    return consent


def _set_grants(tie: Connection, owner: User, areas: Sequence[str]) -> None:
    """Make the tie's share grants exactly these areas: the door reads grants, as for the circle."""
    circle.set_sharing(owner, tie, set(areas))


def start_tie(owner: User, supporter: User, offer: Offer, today: date | None = None) -> Connection:
    """Join a supporter to the person who chose them, with this consent; an ended tie starts afresh."""
    if not supporter.is_supporter or owner.is_supporter:
        raise Refused(_("A supporter joins someone they support: a person in recovery or a loved one."))
    if not approved(supporter):
        raise Refused(_("%(name)s is waiting for the people who run this site to approve them.",
                        name=supporter.display_name))
    today = today or today_for(owner)
    mine = Connection.person_id == owner.id if owner.is_person else Connection.loved_one_id == owner.id
    tie = db.session.scalar(sa.select(Connection).where(mine, Connection.supporter_id == supporter.id)
                            .with_for_update().execution_options(populate_existing=True))
    until = ends_at(owner, offer.ends_on)
    if tie is not None and tie.status != ENDED and live(tie):
        raise Refused(_("%(supporter)s already supports %(person)s.", supporter=supporter.display_name,
                        person=owner.display_name))
    if tie is None:
        tie = Connection(person_id=owner.id if owner.is_person else None,
                         loved_one_id=None if owner.is_person else owner.id,
                         supporter_id=supporter.id, relationship=supporter.supporter_kind or "other",
                         loved_one_confirms=False, consent_ends_at=until)
        try:
            with db.session.begin_nested():
                db.session.add(tie)
        except sa.exc.IntegrityError:  # the other direction's link won the race
            raise Refused(_("%(supporter)s already supports %(person)s.", supporter=supporter.display_name,
                            person=owner.display_name)) from None
    else:  # after an end, or past its end date: a new consent, from today
        tie.status, tie.paused_by_id, tie.ended_at = ACTIVE, None, None
        tie.relationship = supporter.supporter_kind or "other"
        tie.consent_ends_at, tie.created_at = until, utcnow()
    db.session.flush()
    _set_grants(tie, owner, offer.areas)
    _record(tie, owner, supporter, owner, GIVEN, offer, today)
    db.session.flush()
    audit.record(owner.id, "consent.give", f"connection:{tie.id}")
    audit.record(supporter.id, "connection.create", f"connection:{tie.id}")
    return tie


def change_consent(owner: User, tie: Connection, offer: Offer, today: date | None = None) -> Consent:
    """A new version of the consent: other areas, another purpose or a new end (renewing an expired one)."""
    if tie.supported_id != owner.id:
        raise NotFound(tie.id)
    if tie.status == ENDED:
        raise Refused(_("This consent has ended. To share again, invite them again."))
    today = today or today_for(owner)
    before = current_consent(tie)
    only_later = (before is not None and tuple(before.areas) == offer.areas and before.purpose == offer.purpose
                  and offer.ends_on != before.ends_on)
    tie.consent_ends_at = ends_at(owner, offer.ends_on)
    _set_grants(tie, owner, offer.areas)
    consent = _record(tie, owner, tie.supporter, owner, RENEWED if only_later else CHANGED, offer, today)
    db.session.flush()
    audit.record(owner.id, "consent.change", f"connection:{tie.id}")
    return consent


def end_tie(actor: User, tie: Connection) -> None:
    """End the consent now, by the person who gave it or by the supporter; the next request sees nothing."""
    if actor.id not in (tie.supported_id, tie.supporter_id) or not tie.is_support:
        raise NotFound(tie.id)
    if tie.status == ENDED:
        raise Refused(_("This consent has already ended."))
    owner = tie.supported
    now = utcnow()
    _set_grants(tie, owner, ())
    tie.status, tie.ended_at = ENDED, now
    tie.consent_ends_at = min(tie.consent_ends_at, now)
    before = current_consent(tie)
    today = today_for(owner)
    _record(tie, owner, tie.supporter, actor, CONSENT_ENDED, Offer((), before.purpose if before else "", today), today)
    db.session.flush()
    audit.record(actor.id, "consent.end", f"connection:{tie.id}")


# --- Invitations, either way ----------------------------------------------------------------------------


def approved(user: User) -> bool:
    """A supporter may be connected once approved (or when the host doesn't ask for approval)."""
    return not user.is_supporter or user.approved_at is not None or not current_app.config.get(
        "SUPPORTERS_NEED_APPROVAL", False)


def _clean_label(label: str | None) -> str:
    label = " ".join((label or "").split())
    if len(label) > LABEL_MAX:
        raise Refused(_("Please keep the note to %(num)d characters or fewer.", num=LABEL_MAX), field="label")
    return label


def _new_invitation(inviter: User, kind: str, label: str, consent: dict) -> tuple[Invitation, str]:
    token = new_token()
    invitation = Invitation(inviter_id=inviter.id, kind=SUPPORT, relationship=kind, invitee_label=label,
                            consent=consent, token_hash=hash_token(token, INVITE_PURPOSE),
                            expires_at=utcnow() + current_app.config["INVITATION_LIFETIME"])
    db.session.add(invitation)
    db.session.flush()
    audit.record(inviter.id, "invite.create")
    return invitation, token


def invite_supporter(owner: User, kind: str, offer: Offer, label: str | None = "") -> tuple[Invitation, str]:
    """A person (or loved one) asks a supporter to join, with the consent they offer already filled in."""
    if owner.is_supporter:
        raise Refused(_("Supporters invite the people they support from their own page."))
    if kind not in SUPPORTER_KINDS:
        raise Refused(_("Please choose who they are to you."), field="kind")
    return _new_invitation(owner, kind, _clean_label(label), {
        "areas": list(offer.areas), "purpose": offer.purpose, "ends_on": offer.ends_on.isoformat()})


def invite_person(supporter: User, purpose: str | None, label: str | None = "") -> tuple[Invitation, str]:
    """A supporter makes a link for someone they support; that person chooses what to share, if anything."""
    if not supporter.is_supporter:
        raise NotFound("invite")
    if not approved(supporter):
        raise Refused(_("The people who run this site need to approve your account first."))
    purpose = " ".join((purpose or "").split())
    if len(purpose) > PURPOSE_MAX:
        raise Refused(_("Please keep the reason to %(num)d characters or fewer.", num=PURPOSE_MAX), field="purpose")
    return _new_invitation(supporter, supporter.supporter_kind or "other", _clean_label(label), {"purpose": purpose})


def find_invitation(token: str) -> Invitation | None:
    """The supporter's link behind a token (any state), or None; circle links are not found here."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    return db.session.scalar(sa.select(Invitation).where(
        Invitation.token_hash == hash_token(token, INVITE_PURPOSE), Invitation.kind == SUPPORT))


def invitation_problem(invitation: Invitation | None, user: User | None, now: datetime | None = None) -> str | None:
    """Why this link can't be answered (by this user), or None."""
    now = now or utcnow()
    if invitation is None:
        return _("This invitation link isn't valid. Please ask for a new one.")
    if invitation.status != "pending":
        return _("This invitation link was already used or cancelled. Please ask for a new one.")
    if invitation.expires_at <= now:
        return _("This invitation link has expired (links last 7 days). Please ask for a new one.")
    if user is None:
        return None
    if user.id == invitation.inviter_id:
        return _("This is your own invitation link. Send it to the person it is for.")
    from_supporter = invitation.inviter.role == SUPPORTER
    if from_supporter and user.is_supporter:
        return _("This link is for someone a supporter supports. Supporters can't join each other.")
    if not from_supporter and not user.is_supporter:
        return _("This link is for a supporter, such as a sponsor or counsellor. To join a circle as a person in "
                 "recovery or a loved one, ask for a circle invitation.")
    return None


def accept(token: str, user: User, offer: Offer | None = None) -> Connection:
    """Answer yes to a supporter's link: a supporter takes the consent offered; a person gives their own."""
    invitation = find_invitation(token)
    problem = invitation_problem(invitation, user)
    if problem:
        raise Refused(problem)
    inviter = invitation.inviter
    if inviter.is_supporter:
        if offer is None:
            raise Refused(_("Please fill in the consent first."))
        owner, supporter = user, inviter
    else:
        owner, supporter = inviter, user
        stored = invitation.consent or {}
        try:
            offer = clean_offer(owner, stored.get("areas", ()), stored.get("purpose"),
                                date.fromisoformat(stored["ends_on"]) if stored.get("ends_on") else None)
        except (Refused, ValueError):  # its last day has passed since, or it no longer fits their account
            raise Refused(_("The consent in this link no longer holds. Please ask %(name)s for a new link.",
                            name=inviter.display_name)) from None
    result = db.session.execute(
        sa.update(Invitation).where(Invitation.id == invitation.id, Invitation.status == "pending",
                                    Invitation.expires_at > utcnow())
        .values(status="accepted", responded_at=utcnow()).execution_options(synchronize_session="fetch"))
    if result.rowcount != 1:
        raise Refused(_("This invitation link was already used or cancelled. Please ask for a new one."))
    return start_tie(owner, supporter, offer)


def decline(token: str, user: User) -> None:
    invitation = find_invitation(token)
    if invitation is None or invitation.inviter_id == user.id:
        raise Refused(_("This invitation link isn't valid any more."))
    result = db.session.execute(
        sa.update(Invitation).where(Invitation.id == invitation.id, Invitation.status == "pending")
        .values(status="declined", responded_at=utcnow()).execution_options(synchronize_session="fetch"))
    if result.rowcount != 1:
        raise Refused(_("This invitation link was already used or cancelled. Please ask for a new one."))


def pending_invitations(user: User) -> list[Invitation]:
    """The user's own supporter links still waiting for an answer, newest first."""
    return list(db.session.scalars(
        sa.select(Invitation).where(Invitation.inviter_id == user.id, Invitation.kind == SUPPORT,
                                    Invitation.status == "pending", Invitation.expires_at > utcnow())
        .order_by(Invitation.created_at.desc())))


def approve(email: str) -> User:
    """The host approves a supporter's account (flask --app app supporters approve EMAIL)."""
    from recovery.accounts.services import normalize_email

    user = db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))
    if user is None or not user.is_supporter:
        raise NotFound(email)
    if user.approved_at is None:
        user.approved_at = utcnow()
    return user
