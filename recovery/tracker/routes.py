"""Views for the consistency tracker: the owner's own pages, and what the other side sees when it is shared.

The person in recovery keeps their commitments here ("Tracker"); a loved one keeps their own on the same
pages, in their own words ("Self-care"). The recovery journey (start date, milestones, setbacks, small
wins) and linking a commitment to an amends stay the person's alone.
"""

from __future__ import annotations

from datetime import date
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from recovery.accounts.auth import person_page
from recovery.amends import services as amends_services
from recovery.circle.forms import connection_choices
from recovery.circle.permissions import connection_for_member, shared_through
from recovery.circle.shared import shared_view
from recovery.errors import Refused
from recovery.forms import ButtonForm, button_only, choice_list, flash_refusal, form_page, inline_form
from recovery.security import safe_next
from recovery.tracker import celebrations, checkins, commitments, pages
from recovery.tracker import journey as journeys
from recovery.tracker.forms import (
    CheckInForm,
    CommitmentForm,
    ConfirmForm,
    EditCommitmentForm,
    EditSelfCareForm,
    NoteForm,
    RecoveryStartForm,
    SelfCareForm,
    SetbackForm,
    WinForm,
    checkin_form,
)
from recovery.tracker.models import CHECKIN_STATUSES, VERDICTS, WEEKDAYS, WEEKLY

bp = Blueprint("tracker", __name__, url_prefix="/tracker")


def keeper_page(view):
    """A page of the user's own commitments: the person's tracker or a loved one's self-care; visitors log in,
    anyone else gets 404."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not commitments.keeps_commitments(current_user):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _own_commitment(commitment_id: int):
    return commitments.load_own_commitment(current_user, commitment_id)


def _parse_day(value: str | None) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        abort(404)


# --- Pages ---------------------------------------------------------------------------------


@bp.get("/")
@keeper_page
def overview():
    """Show every commitment's score and streaks, the overall score and the calendar."""
    return render_template("tracker/overview.html", view=pages.overview(current_user),
                           today=commitments.today_for(current_user))


@bp.get("/today")
@keeper_page
def today():
    """List what is due today, each with a quick check-in."""
    return _today_page()


def _today_page(win_form=None):
    day = commitments.today_for(current_user)
    items, open_days = pages.today_page(current_user, day)
    forms = {s.commitment.id: checkin_form(s.commitment.id, day, s.today_status) for s in items}
    return render_template("tracker/today.html", items=items, forms=forms, today=day,
                           win_form=win_form or WinForm(prefix="win"), statuses=CHECKIN_STATUSES,
                           open_days=open_days)


# --- Commitments -----------------------------------------------------------------------------


def _link_choices(form: CommitmentForm) -> None:
    form.connection_id.choices = connection_choices(current_user, _("No one in particular"))
    if "amends_id" in form:  # the person's form: a loved one's self-care carries out no amends
        entries = amends_services.own_entries(current_user)
        amends = [("", _("No"))] + [(str(e.id), _("Amends to %(name)s", name=e.person_name)) for e in entries]
        form.amends_id.choices = choice_list(amends)


def _amends_id(form: CommitmentForm) -> int | None:
    return int(form.amends_id.data) if "amends_id" in form and form.amends_id.data else None


def _commitment_form(editing: bool = False, **kwargs) -> CommitmentForm:
    """The person's commitment form, or a loved one's self-care form (their words, no amends link)."""
    if current_user.is_person:
        return (EditCommitmentForm if editing else CommitmentForm)(**kwargs)
    return (EditSelfCareForm if editing else SelfCareForm)(**kwargs)


def _schedule_from(form: CommitmentForm) -> commitments.ScheduleInput:
    kind = form.kind.data
    return commitments.ScheduleInput(
        kind=kind,
        weekdays=frozenset(int(d) for d in (form.weekdays.data or []) if d.isdigit()) if kind == WEEKDAYS
        else frozenset(),
        times_per_week=form.times_per_week.data or 0 if kind == WEEKLY else 0,
        once_on=form.once_on.data,
    )


def _connection_id(form: CommitmentForm) -> int | None:
    return int(form.connection_id.data) if form.connection_id.data else None


@bp.route("/commitments/new", methods=["GET", "POST"])
@keeper_page
def new_commitment():
    """Make a new commitment."""
    form = _commitment_form()
    _link_choices(form)
    if request.method == "GET":
        form.start_date.data = commitments.today_for(current_user)
        wanted = request.args.get("amends", "")
        if "amends_id" in form and wanted in {c.value for c in form.amends_id.choices}:
            form.amends_id.data = wanted
        if title := " ".join(request.args.get("title", "").split())[:120]:
            form.title.data = title  # "Make this a commitment" from a line of the plan for hard days
    return form_page(
        form, "tracker/commitment_form.html",
        lambda f: commitments.create_commitment(
            current_user, f.title.data, f.why.data, _schedule_from(f), f.start_date.data, f.end_date.data,
            _connection_id(f), bool(f.private.data), amends_id=_amends_id(f)),
        success=lambda c: _("“%(title)s” is on your list. Small steps, kept again and again, rebuild trust.",
                            title=c.title) if current_user.is_person
        else _("“%(title)s” is on your list. Taking care of yourself matters too.", title=c.title),
        redirect_to=lambda c: url_for("tracker.commitment", commitment_id=c.id), commitment=None,
    )


@bp.get("/commitments/<int:commitment_id>")
@keeper_page
def commitment(commitment_id: int):
    """Show one commitment: its score and what moves it, streaks, calendar, check-ins and confirmations."""
    item = _own_commitment(commitment_id)
    day = commitments.today_for(current_user)
    detail = pages.commitment_detail(item, day)
    form = checkin_form(item.id, day, detail.summary.today_status)
    recorded = {c.local_date: c.status for c in detail.recent}
    open_days = checkins.open_days([item], {item.id: recorded}, day)
    return render_template("tracker/commitment.html", detail=detail, c=item, today=day, form=form,
                           button=ButtonForm(), statuses=CHECKIN_STATUSES, verdicts=VERDICTS,
                           planned=commitments.planned_schedule(item), can_edit=checkins.can_edit,
                           open_days=open_days)


@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@keeper_page
def edit_commitment(commitment_id: int):
    """Change a commitment; a schedule change applies from today and never rewrites the past."""
    item = _own_commitment(commitment_id)
    form = _commitment_form(editing=True, obj=item)
    _link_choices(form)
    for name in ("connection_id", "amends_id"):  # ids from the row, as the form's string choices
        if name in form:
            value = getattr(form, name).data
            getattr(form, name).data = "" if value is None else str(value)
    if request.method == "GET":
        plan = commitments.planned_schedule(item)
        if plan is not None:
            form.kind.data = plan.kind
            form.weekdays.data = [str(i) for i in range(7) if plan.weekdays & (1 << i)]
            form.times_per_week.data = plan.times_per_week or None
            form.once_on.data = plan.once_on
        form.connection_id.data = str(item.connection_id) if item.connection_id else ""
        if "amends_id" in form:
            form.amends_id.data = str(item.amends_id) if item.amends_id else ""
    return form_page(
        form, "tracker/commitment_form.html",
        lambda f: commitments.update_commitment(item, f.title.data, f.why.data, _schedule_from(f), f.end_date.data,
                                                _connection_id(f), bool(f.private.data), amends_id=_amends_id(f)),
        success=_("Saved. Any change to how often starts today; your past days stay as they were."),
        redirect_to=url_for("tracker.commitment", commitment_id=item.id), commitment=item,
    )


@bp.post("/commitments/<int:commitment_id>/<action>")
@keeper_page
@button_only
def change_status(commitment_id: int, action: str):
    """Pause, resume, archive or restore a commitment."""
    if action not in commitments.STATUS_ACTIONS:
        abort(404)
    item = _own_commitment(commitment_id)
    try:
        commitments.change_status(item, action)
    except Refused as refused:
        flash_refusal(refused)
        return redirect(url_for("tracker.commitment", commitment_id=item.id))
    words = {"pause": _("Paused. Nothing is due until you resume, and your score waits for you."),
             "resume": _("Welcome back. It's due again from today."),
             "archive": _("Archived. Its history and score are kept."),
             "restore": _("Restored. It's due again from today.")}
    flash(words[action], "success")
    return redirect(url_for("tracker.commitment", commitment_id=item.id))


# --- Check-ins -------------------------------------------------------------------------------------


@bp.post("/commitments/<int:commitment_id>/checkin")
@keeper_page
def checkin(commitment_id: int):
    """Record how a commitment went on a day (today, or one of the 7 days before)."""
    item = _own_commitment(commitment_id)
    form = CheckInForm(prefix=f"c{item.id}")
    back = safe_next(request.args.get("next")) or url_for("tracker.commitment", commitment_id=item.id)
    day = _parse_day(form.day.data)

    def record(f):
        # The check-in that completes a first week kept also gets its moment (tracker/celebrations.py).
        kept_before = celebrations.first_week_kept(item)
        checkins.record_checkin(item, day, f.status.data, f.note.data)
        flash(_checkin_message(f.status.data, item.title), "success")
        moment = celebrations.moment_after_checkin(item, kept_before)
        if moment:
            flash(moment, "celebrate")

    return inline_form(form, record, page=lambda f: _day_page(item, day, form=f, next_url=back), back=back,
                       flash_errors=False)


def _day_page(item, when, *, form=None, note_form=None, next_url: str | None = None):
    """One day of a commitment, with its check-in form and its note form (either may be re-shown)."""
    existing = checkins.checkin_on(item, when)
    if form is None:
        form = checkin_form(item.id, when, existing.status if existing else None, existing.note if existing else "")
    return render_template("tracker/day.html", c=item, day=when, form=form, existing=existing,
                           note_form=note_form or NoteForm(),
                           editable=checkins.can_edit(when, commitments.today_for(current_user)),
                           statuses=CHECKIN_STATUSES, verdicts=VERDICTS, due=commitments.is_due(item, when),
                           next_url=next_url or url_for("tracker.commitment", commitment_id=item.id))


def _checkin_message(status: str, title: str) -> str:
    if status == "kept":
        if not current_user.is_person:
            return _("Kept: “%(title)s”. Well done — looking after yourself counts.", title=title)
        return _("Kept: “%(title)s”. Well done — this is how trust grows.", title=title)
    if status == "partly":
        return _("Partly kept: “%(title)s”. Showing up partway still counts.", title=title)
    return _("Thanks for being honest about “%(title)s”. Tomorrow is a new day.", title=title)


@bp.get("/commitments/<int:commitment_id>/days/<day>")
@keeper_page
def day(commitment_id: int, day: str):
    """Show one day of a commitment: change it within 7 days, or add a note after it locks."""
    item = _own_commitment(commitment_id)
    when = _parse_day(day)
    if when > commitments.today_for(current_user) or when < item.start_date:
        abort(404)
    return _day_page(item, when)


@bp.post("/checkins/<int:checkin_id>/note")
@keeper_page
def add_note(checkin_id: int):
    """Add a note to a check-in, even one that has locked."""
    item = checkins.load_own_checkin(current_user, checkin_id)
    commitment_ = commitments.load_own_commitment(current_user, item.commitment_id)
    return inline_form(NoteForm(), lambda f: checkins.add_note(item, f.body.data),
                       page=lambda f: _day_page(commitment_, item.local_date, note_form=f),
                       back=url_for("tracker.day", commitment_id=item.commitment_id, day=item.local_date.isoformat()),
                       success=_("Your note is added."))


# --- Journey: recovery start, milestones, setbacks, small wins ------------------------------------------------


@bp.get("/journey")
@person_page
def journey():
    """Show days since the start or the last setback, milestones, setbacks and small wins."""
    return _journey_page()


def _journey_page(start_form=None, win_form=None):
    if start_form is None:
        start_form = RecoveryStartForm(prefix="start", formdata=None, recovery_start=current_user.recovery_start)
    return render_template("tracker/journey.html", j=journeys.journey(current_user), start_form=start_form,
                           win_form=win_form or WinForm(prefix="win"), button=ButtonForm(),
                           label=journeys.milestone_label)


@bp.post("/journey/start")
@person_page
def set_start():
    """Set or clear the recovery start date."""
    form = RecoveryStartForm(prefix="start")
    return inline_form(form, lambda f: journeys.set_recovery_start(current_user, f.recovery_start.data),
                       page=lambda f: _journey_page(start_form=f), back=url_for("tracker.journey"),
                       success=_("Saved.") if form.recovery_start.data else _("Your start date is cleared."),
                       flash_errors=False)


@bp.route("/setbacks/new", methods=["GET", "POST"])
@person_page
def new_setback():
    """Log a setback honestly; your history stays."""
    form = SetbackForm()
    if request.method == "GET":
        form.local_date.data = commitments.today_for(current_user)
    return form_page(
        form, "tracker/setback_form.html",
        lambda f: journeys.log_setback(current_user, f.local_date.data, f.what_happened.data, f.next_step.data,
                                       bool(f.shared.data)),
        success=_("Thank you for being honest. Your history and your score are still here — "
                  "and so is the next step."),
        redirect_to=url_for("tracker.journey"),
    )


@bp.post("/setbacks/<int:setback_id>/share")
@person_page
@button_only
def share_setback(setback_id: int):
    """Show or hide a setback from people who see your milestones."""
    setback = journeys.toggle_setback_shared(current_user, setback_id)
    flash(_("Now shared with people who see your milestones.") if setback.shared else _("Now private again."),
          "success")
    return redirect(url_for("tracker.journey"))


@bp.post("/wins")
@person_page
def add_win():
    """Note a small win."""
    back = safe_next(request.args.get("next")) or url_for("tracker.journey")
    from_today = back.startswith(url_for("tracker.today"))
    return inline_form(WinForm(prefix="win"), lambda f: journeys.add_small_win(current_user, f.text.data),
                       page=lambda f: _today_page(win_form=f) if from_today else _journey_page(win_form=f),
                       back=back, success=_("Noted. That counts."))


# --- What loved ones see ------------------------------------------------------------------------------------


@shared_view("tracker")
def shared_tracker(access):
    """Show a loved one the person's shared commitments, scores and check-ins waiting for a word."""
    viewer, owner, connection = access.viewer, access.owner, access.connection
    day = commitments.today_for(viewer)
    view = pages.shared_overview(access, commitments.today_for(owner))
    waiting = checkins.waiting_for_confirmation(connection, viewer, commitments.today_for(owner), limit=5)
    return render_template("tracker/shared_tracker.html", view=view, owner=owner, connection=connection,
                           waiting=waiting, today=day, statuses=CHECKIN_STATUSES,
                           confirm_forms={c.id: ConfirmForm(prefix=f"k{c.id}", formdata=None) for c in waiting})


@shared_view("self_care")
def shared_self_care(access):
    """Show the person a loved one's shared self-care, read-only: scores, streaks and the calendar (no "I saw this")."""
    view = pages.shared_overview(access, commitments.today_for(access.owner))
    return render_template("tracker/shared_tracker.html", view=view, owner=access.owner,
                           connection=access.connection, waiting=[], today=commitments.today_for(access.viewer),
                           statuses=CHECKIN_STATUSES, confirm_forms={}, self_care=True)


@shared_view("milestones")
def shared_milestones(access):
    """Show a loved one the person's milestones, shared setbacks and small wins."""
    return render_template("tracker/shared_milestones.html", j=journeys.shared_journey(access),
                           owner=access.owner, connection=access.connection, label=journeys.milestone_label)


@bp.get("/shared/<int:connection_id>/commitments/<int:commitment_id>")
@login_required
def shared_commitment(connection_id: int, commitment_id: int):
    """Show the other member one shared commitment, read-only: the person's, with a way for a loved one to
    confirm check-ins, or a loved one's self-care, to the person."""
    # The other member owns it: a loved one sees the person's tracker, the person a loved one's self-care; a
    # supporter sees the tracker of whoever chose them.
    if current_user.is_supporter:
        tie = connection_for_member(current_user, connection_id)
        area = "tracker" if tie.person_id is not None else "self_care"
    else:
        area = "tracker" if current_user.is_loved_one else "self_care"
    access = shared_through(current_user, connection_id, area)
    item = commitments.load_shared_commitment(access, commitment_id)
    return _shared_commitment_page(access.connection, access.owner, item)


def _shared_commitment_page(connection, owner, item, bound: tuple[int, ConfirmForm] | None = None):
    """A shared commitment with a confirm form per recent check-in; `bound` is (check-in id, form) shown again."""
    detail = pages.commitment_detail(item, commitments.today_for(owner))
    mine = {c.id: next((x for x in c.confirmations if x.confirmer_id == current_user.id), None)
            for c in detail.recent}
    forms = {c.id: ConfirmForm(prefix=f"k{c.id}", formdata=None) for c in detail.recent}
    if bound is not None:
        checkin_id, form = bound
        forms[checkin_id] = form
    return render_template("tracker/shared_commitment.html", detail=detail, c=item, owner=owner,
                           connection=connection, statuses=CHECKIN_STATUSES, verdicts=VERDICTS, mine=mine,
                           forms=forms, self_care=not owner.is_person)


@bp.post("/shared/<int:connection_id>/checkins/<int:checkin_id>/confirm")
@login_required
def confirm(connection_id: int, checkin_id: int):
    """Say "I saw this" or "I didn't see this" about a check-in shared with me."""
    access = shared_through(current_user, connection_id, "tracker")
    connection, owner = access.connection, access.owner
    item = commitments.load_shared_commitment_of_checkin(access, checkin_id)
    back = safe_next(request.args.get("next")) or url_for("circle.shared_area", connection_id=connection.id,
                                                          area="tracker")

    def act(form):
        checkins.confirm(access, checkin_id, form.verdict.data, form.note.data)

    return inline_form(ConfirmForm(prefix=f"k{checkin_id}"), act,
                       page=lambda f: _shared_commitment_page(connection, owner, item, bound=(checkin_id, f)),
                       back=back, success=_("Thank you. %(name)s will see your answer.", name=owner.display_name))
