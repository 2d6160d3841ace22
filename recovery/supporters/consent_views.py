"""Inviting a supporter, joining by a supporter's link, and the consent record, for both sides.

A person in recovery or a loved one ("the owner") fills in the consent before a supporter can see anything:
what, why and until when, in the form of 42 CFR Part 2 §2.31. Either side may make the link; either side may
read the record and end it; only the owner changes or renews it. Loaders are services.tie_of_owner /
tie_of_supporter, so anyone else's tie is 404. These pages show the consent itself, never what is shared:
that is read only through the door (circle.shared_area).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from recovery.accounts.auth import role_required
from recovery.accounts.models import SUPPORTER, User
from recovery.circle.models import ENDED, Connection, Invitation
from recovery.circle.permissions import AREAS, areas_for_role
from recovery.db import utcnow
from recovery.errors import Refused
from recovery.extensions import limiter
from recovery.forms import REFUSED, ButtonForm, act_on, button_only, flash_refusal, refuse, show_refusal
from recovery.i18n import format_day
from recovery.i18n import lazy_gettext as _l
from recovery.supporters import services
from recovery.supporters.forms import ConsentForm, InvitePersonForm, InviteSupporterForm
from recovery.supporters.models import CHANGED, EXPIRED, GIVEN, RENEWED, Consent
from recovery.supporters.models import ENDED as CONSENT_ENDED
from recovery.supporters.routes import bp
from recovery.urls import external_url

# What a supporter is, inside a sentence ("your sponsor"); SUPPORTER_KINDS holds the labels of the choices.
KIND_WORDS = {"sponsor": _l("sponsor"), "counsellor": _l("counsellor or therapist"), "coach": _l("peer recovery coach"),
              "other": _l("supporter")}
EVENT_WORDS = {GIVEN: _l("Given"), CHANGED: _l("Changed"), RENEWED: _l("Renewed"), CONSENT_ENDED: _l("Ended"),
               EXPIRED: _l("Ran out")}
# How near its last day a consent is before its list says how many days are left.
SOON_DAYS = 14


def kind_words(kind: str | None) -> str:
    """A supporter's kind in a sentence: "counsellor or therapist"."""
    return KIND_WORDS.get(kind or "other", KIND_WORDS["other"])


def owner_page(view):
    """A page for the people supporters support (a person in recovery or a loved one): supporters get 404."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.is_supporter:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _context(owner: User, **extra) -> dict:
    """What every consent form draws: the owner's own parts of Mend, the example reasons, the date limits."""
    today = services.today_for(owner)
    return {"my_areas": areas_for_role(owner.role), "suggested": services.SUGGESTED_PURPOSES,
            "earliest": date.fromordinal(today.toordinal() + 1), "latest": services.latest_end(owner, today),
            "kind_words": kind_words, **extra}


def _check_offer(form: ConsentForm, owner: User) -> services.Offer | None:
    """Put every problem of the consent typed beside its field; the offer when there is none."""
    problems = services.offer_problems(owner, form.areas.data, form.purpose.data, form.ends_on.data)
    for problem in problems:
        if not getattr(form, problem.field).errors:  # a date typed badly already says so
            show_refusal(form, problem)
    if form.errors:
        return None
    return services.clean_offer(owner, form.areas.data, form.purpose.data, form.ends_on.data)


# --- The owner's side: my supporters, inviting one, changing a consent --------------------------------------


@dataclass(frozen=True)
class SupporterRow:
    """One supporter on "My supporters": the tie, its consent in force (or last), and how it stands today."""

    tie: Connection
    consent: Consent | None
    state: str  # "active", "expired" or "ended"
    days_left: int | None  # days from today to the last day, when that is SOON_DAYS or fewer

    @property
    def shares(self) -> list[str]:
        return [AREAS[a].label for a in AREAS if self.consent and a in self.consent.areas]


@bp.get("/supporters/")
@owner_page
def mine():
    """A person's (or loved one's) supporters, each with the consent in force."""
    ties = services.supporters_of(current_user, include_ended=True)
    consents = services.newest_consents(ties)
    today = services.today_for(current_user)
    rows = []
    for tie in ties:
        consent, state = consents.get(tie.id), services.state(tie)
        left = (consent.ends_on - today).days if consent and state == "active" else None
        rows.append(SupporterRow(tie, consent, state, left if left is not None and left <= SOON_DAYS else None))
    return render_template("supporters/mine.html", current=[r for r in rows if r.state != "ended"],
                           ended=[r for r in rows if r.state == "ended"],
                           invitations=services.pending_invitations(current_user), button=ButtonForm(),
                           kind_words=kind_words)


@bp.route("/supporters/invite", methods=["GET", "POST"])
@owner_page
def invite():
    """Invite a supporter, with the consent offered filled in first."""
    form = InviteSupporterForm().for_owner(current_user)
    if request.method == "GET":
        form.ends_on.data = services.default_end(current_user)
        return render_template("supporters/invite.html", form=form, **_context(current_user))
    form.validate_on_submit()
    offer = _check_offer(form, current_user)
    if offer is not None:
        made = act_on(form, lambda f: services.invite_supporter(current_user, f.kind.data, offer, f.label.data))
        if made is not REFUSED:
            invitation, token = made
            # The link is shown once, now; only its hash is stored.
            return render_template("supporters/invite_made.html", invitation=invitation, areas=AREAS,
                                   ends_on=offer.ends_on, link=external_url("supporters.join", token=token),
                                   kind_words=kind_words)
    return render_template("supporters/invite.html", form=form, **_context(current_user)), 422


@bp.route("/supporters/<int:connection_id>/consent/change", methods=["GET", "POST"])
@owner_page
def change_consent(connection_id: int):
    """Change what a supporter sees, why, or until when (renewing it)."""
    tie = services.tie_of_owner(current_user, connection_id)
    supporter = tie.supporter
    if tie.status == ENDED:
        return render_template("supporters/change_consent.html", tie=tie, supporter=supporter, form=None,
                               **_context(current_user)), (409 if request.method == "POST" else 200)
    before = services.current_consent(tie)
    form = ConsentForm().for_owner(current_user)
    context = _context(current_user, tie=tie, supporter=supporter, before=before, state=services.state(tie))
    if request.method == "GET":
        today = services.today_for(current_user)
        form.areas.data = list(before.areas) if before else []
        form.purpose.data = before.purpose if before else ""
        form.ends_on.data = before.ends_on if before and before.ends_on > today else services.default_end(
            current_user, today)
        return render_template("supporters/change_consent.html", form=form, **context)
    form.validate_on_submit()
    offer = _check_offer(form, current_user)
    back = url_for("supporters.consent", connection_id=tie.id)
    if offer is not None and services.same_as_now(tie, offer):
        flash(_("Nothing changed. The consent stays as it was."), "info")
        return redirect(back)
    if offer is not None:
        saved = act_on(form, lambda f: services.change_consent(current_user, tie, offer))
        if saved is not REFUSED:
            until = format_day(saved.ends_on)
            if saved.event == RENEWED:
                flash(_("Renewed. %(name)s can see what you chose until the end of %(day)s.",
                        name=supporter.display_name, day=until), "success")
            else:
                flash(_("Saved. From now on, %(name)s sees only what this consent names, until the end of %(day)s.",
                        name=supporter.display_name, day=until), "success")
            return redirect(back)
    return render_template("supporters/change_consent.html", form=form, **context), 422


# --- Both sides: the record, and ending it -----------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One version of a consent as the record shows it: when, what happened, by whom, and what changed."""

    consent: Consent
    event: str
    by: str
    changes: list[str]

    @property
    def shares(self) -> list[str]:
        return [AREAS[a].label for a in AREAS if a in self.consent.areas]


def _changes(before: Consent | None, now: Consent) -> list[str]:
    """What a version changed, in words: "Now also shares Tracker", "A new reason", "A new last day"."""
    if before is None or now.event in (GIVEN, CONSENT_ENDED, EXPIRED) or before.event == CONSENT_ENDED:
        return []
    said = []
    added = [str(AREAS[a].label) for a in AREAS if a in now.areas and a not in before.areas]
    removed = [str(AREAS[a].label) for a in AREAS if a in before.areas and a not in now.areas]
    if added:
        said.append(_("Now also shares: %(parts)s.", parts=", ".join(added)))
    if removed:
        said.append(_("No longer shares: %(parts)s.", parts=", ".join(removed)))
    if now.purpose != before.purpose:
        said.append(_("A new reason."))
    if now.ends_on != before.ends_on:
        said.append(_("A new last day."))
    return said


def _history(tie: Connection, versions: list[Consent]) -> list[Version]:
    """Every version, newest first, each with what it changed from the one before."""
    rows = []
    for i, consent in enumerate(versions):
        by = consent.supporter_name if consent.actor_id == tie.supporter_id else consent.supported_name
        rows.append(Version(consent, EVENT_WORDS.get(consent.event, consent.event), by,
                            _changes(versions[i - 1] if i else None, consent)))
    return rows[::-1]


@bp.get("/supporters/<int:connection_id>/consent")
@login_required
def consent(connection_id: int):
    """The consent record: the version in force and every change, printable; for both sides of the tie."""
    tie = services.tie_of_member(current_user, connection_id)
    versions = services.consents_of(tie)
    terms = [v for v in versions if v.event != CONSENT_ENDED]
    in_force = terms[-1] if terms else None  # when it has ended: the last terms it had
    # The day this run of the consent was first given (after an end, a new invitation starts a new one).
    given = next((v for v in reversed(versions[:versions.index(in_force) + 1]) if v.event == GIVEN), in_force) \
        if in_force else None
    ended = versions[-1] if versions and versions[-1].event == CONSENT_ENDED else None
    return render_template("supporters/consent.html", tie=tie, supporter=tie.supporter, owner=tie.supported,
                           in_force=in_force, given=given, ended=ended, state=services.state(tie),
                           history=_history(tie, versions), areas=AREAS, kind_words=kind_words,
                           is_owner=current_user.id == tie.supported_id)


@bp.route("/supporters/<int:connection_id>/end", methods=["GET", "POST"])
@login_required
def end(connection_id: int):
    """End a supporter's consent now (the person who gave it, or the supporter)."""
    tie = services.tie_of_member(current_user, connection_id)
    if request.method == "POST":
        return _end_now(tie)
    return render_template("supporters/end.html", tie=tie, supporter=tie.supporter, owner=tie.supported,
                           is_owner=current_user.id == tie.supported_id, form=ButtonForm(), kind_words=kind_words)


@button_only
def _end_now(tie: Connection):
    record = url_for("supporters.consent", connection_id=tie.id)
    try:
        services.end_tie(current_user, tie)
    except Refused as refused:
        flash_refusal(refused)
        return redirect(record)
    if current_user.id == tie.supporter_id:
        flash(_("Done. You no longer see anything %(name)s shares. The consent record stays, for both of you.",
                name=tie.supported.display_name), "success")
        return redirect(url_for("supporters.home"))
    flash(_("Ended. %(name)s can't see anything you share any more. The record stays here.",
            name=tie.supporter.display_name), "success")
    return redirect(url_for("supporters.mine"))


# --- Links either way: joining -----------------------------------------------------------------------------


def _problem_status(invitation: Invitation | None, problem: str | None) -> int:
    """404 for a link that isn't one, 410 for one used, cancelled or out of date, 409 for the wrong person."""
    if invitation is None:
        return 404
    if invitation.status != "pending" or invitation.expires_at <= utcnow():
        return 410
    return 409 if problem else 200


@bp.route("/supporters/join/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def join(token: str):
    """A supporter's link, either way: accept (giving or taking the consent) or decline."""
    invitation = services.find_invitation(token)
    user = current_user if current_user.is_authenticated else None
    problem = services.invitation_problem(invitation, user)
    if request.method == "POST" and (user is None or invitation is None):
        abort(404)
    if problem:
        return render_template("supporters/join.html", invitation=invitation, problem=problem,
                               kind_words=kind_words), _problem_status(invitation, problem)
    inviter = invitation.inviter
    page = "supporters/join_give.html" if inviter.is_supporter else "supporters/join_take.html"
    if user is None:
        return render_template("supporters/join.html", invitation=invitation, inviter=inviter, problem=None,
                               kind_words=kind_words)
    if request.method == "POST" and request.form.get("answer") == "decline":
        return _decline(token, inviter)
    if not inviter.is_supporter:  # a person's link for a supporter: take the consent they offer
        return _take(token, invitation, page)
    form = ConsentForm().for_owner(user)
    context = _context(user, invitation=invitation, supporter=inviter, button=ButtonForm())
    if request.method == "GET":
        form.purpose.data = (invitation.consent or {}).get("purpose", "")
        form.ends_on.data = services.default_end(user)
        return render_template(page, form=form, **context)
    if request.form.get("answer") != "accept":
        abort(400)
    form.validate_on_submit()
    offer = _check_offer(form, user)
    if offer is not None:
        tie = act_on(form, lambda f: services.accept(token, user, offer))
        if tie is not REFUSED:
            flash(_("You're connected. %(name)s can now see what you chose, until the end of %(day)s. You can "
                    "change or end it at any time.", name=inviter.display_name,
                    day=format_day(offer.ends_on)), "success")
            return redirect(url_for("supporters.consent", connection_id=tie.id))
    return render_template(page, form=form, **context), 422


def _offered(invitation: Invitation) -> dict:
    """The consent a person's link offers, as the page reads it (the link holds it as it was filled in)."""
    stored = invitation.consent or {}
    try:
        ends_on = date.fromisoformat(stored.get("ends_on") or "")
    except ValueError:
        ends_on = None
    return {"areas": [AREAS[a].label for a in AREAS if a in (stored.get("areas") or ())],
            "purpose": stored.get("purpose", ""), "ends_on": ends_on}


def _take(token: str, invitation: Invitation, page: str):
    """A supporter reads the consent a person's link offers (GET), or answers yes to it (POST)."""
    if request.method == "POST":
        return _take_now(token, invitation)
    return render_template(page, invitation=invitation, owner=invitation.inviter, offered=_offered(invitation),
                           form=ButtonForm(), kind_words=kind_words)


@button_only
def _take_now(token: str, invitation: Invitation):
    if request.form.get("answer") != "accept":
        abort(400)
    try:
        tie = services.accept(token, current_user)
    except Refused as refused:
        refuse(ButtonForm(), refused)  # undo the link's answer: nothing is half-saved
        return render_template("supporters/join.html", invitation=invitation, problem=refused.message,
                               kind_words=kind_words), 409
    flash(_("You're connected with %(name)s. Here is the consent they gave you.", name=tie.supported.display_name),
          "success")
    return redirect(url_for("supporters.consent", connection_id=tie.id))


@button_only
def _decline(token: str, inviter: User):
    try:
        services.decline(token, current_user)
    except Refused as refused:
        flash_refusal(refused)
        return redirect(url_for("dashboards.home"))
    flash(_("You said no, thank you. %(name)s isn't told why.", name=inviter.display_name), "success")
    return redirect(url_for("dashboards.home"))


# --- The supporter's side: a link for someone they support ----------------------------------------------------


@bp.route("/supporting/invite", methods=["GET", "POST"])
@role_required(SUPPORTER)
def invite_person():
    """A supporter makes a link for someone they support."""
    form = InvitePersonForm()
    if request.method == "GET":
        return render_template("supporters/invite_person.html", form=form)
    if form.validate_on_submit():
        made = act_on(form, lambda f: services.invite_person(current_user, f.purpose.data, f.label.data))
        if made is not REFUSED:
            invitation, token = made
            return render_template("supporters/invite_person_made.html", invitation=invitation,
                                   link=external_url("supporters.join", token=token))
    return render_template("supporters/invite_person.html", form=form), 422
