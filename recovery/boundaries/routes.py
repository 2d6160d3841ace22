"""Views for boundaries: both roles write their own; the people they share with answer and log events."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from recovery.boundaries import coach, services
from recovery.boundaries.forms import AckForm, BoundaryForm, EventForm
from recovery.boundaries.models import ACK_KINDS, CATEGORIES, EVENT_KINDS
from recovery.circle.permissions import shared_through
from recovery.circle.shared import shared_view
from recovery.errors import Refused
from recovery.forms import REFUSED, ButtonForm, act_on, button_only, flash_refusal, inline_form
from recovery.i18n import page_language
from recovery.security import safe_next
from recovery.timezones import local_today

bp = Blueprint("boundaries", __name__, url_prefix="/boundaries")
WORDS = {"categories": CATEGORIES, "acks": ACK_KINDS, "events": EVENT_KINDS, "codes": coach.CODES}

# The conversation guide each boundary page offers, by the reader's role and whose boundary it is: saying my
# own boundary, or hearing one shared with me. Guides are written for one role; each role has one of each
# (tests/boundaries/test_plan_link.py checks each id is a boundary guide for that role, and that all four are here).
GUIDES = {("loved_one", "own"): "stating-a-boundary", ("person", "shared"): "hearing-a-boundary",
          ("person", "own"): "sharing-your-own-boundary", ("loved_one", "shared"): "hearing-their-boundary"}

# Every page that prints a boundary (its own, shared ones, dashboards) reads its words through these,
# so a lead-in the person typed ("If …", "I will …") is never printed twice.
bp.add_app_template_filter(services.shown, "boundary_words")
bp.add_app_template_filter(services.one_line, "boundary_line")


def _own(boundary_id: int):
    return services.load_own(current_user, boundary_id)


def _words(form: BoundaryForm) -> services.Words:
    return services.Words(form.situation.data or "", form.my_action.data or "", form.need.data or "",
                          form.request.data or "")


def _flags(form: BoundaryForm):
    return coach.review(form.situation.data or "", form.my_action.data or "", form.need.data or "",
                        form.request.data or "", language=page_language())


def _event_form(prefix: str = "event") -> EventForm:
    form = EventForm(prefix=prefix)
    if request.method == "GET":
        form.local_date.data = local_today(current_user.timezone)
    return form


@bp.get("/")
@login_required
def index():
    """Show my boundaries, boundaries shared with me (waiting for an answer first) and recent events."""
    # The others' boundaries it shows are logged with the request's commit, once the page is built.
    return render_template("boundaries/index.html", view=services.overview(current_user), words=WORDS,
                           ack_state=services.ack_state)


def _write(boundary=None):
    """Run the write/revise form: "Check my wording" shows the coach, "Save" saves (the coach never blocks)."""
    form = BoundaryForm(obj=boundary.current if boundary else None)
    if boundary is not None and request.method == "GET":
        form.category.data = boundary.category
    template = "boundaries/form.html"
    reads = coach.reads(page_language())  # whether "Check my wording" is offered, and its notes shown
    if request.method == "POST" and form.validate_on_submit():
        flags = _flags(form)
        if request.form.get("action") == "check":
            return render_template(template, form=form, flags=flags, checked=reads, coach_reads=reads,
                                   boundary=boundary, words=WORDS)

        def save(f):
            if boundary is None:
                created = services.create_boundary(current_user, f.category.data, _words(f))
                readers = services.readers(current_user)
                if not readers:
                    return created, _("Saved. It's private until you share your boundaries with someone "
                                      "on your circle page.")
                return created, ngettext("Saved. %(names)s can read it, and will be asked to acknowledge it.",
                                         "Saved. %(names)s can read it, and will be asked to acknowledge it.",
                                         len(readers), names=", ".join(readers))
            changed = services.revise(boundary, f.category.data, _words(f))
            return boundary, (_("Saved your new words; the old ones stay in the history. "
                                "Anyone you share it with will be asked to read it again.") if changed else _("Saved."))

        result = act_on(form, save)
        if result is REFUSED:
            return render_template(template, form=form, flags=flags, checked=reads, coach_reads=reads,
                                   boundary=boundary, words=WORDS), 422
        boundary, message = result
        flash(message, "success")
        return redirect(url_for("boundaries.boundary", boundary_id=boundary.id))
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, flags=[], checked=False, coach_reads=reads, boundary=boundary,
                           words=WORDS), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Write a boundary, with a coach that helps tell a boundary from an ultimatum."""
    return _write()


@bp.route("/<int:boundary_id>/revise", methods=["GET", "POST"])
@login_required
def revise(boundary_id: int):
    """Revise a boundary; the earlier words are kept as history."""
    return _write(_own(boundary_id))


@bp.get("/<int:boundary_id>")
@login_required
def boundary(boundary_id: int):
    """Show one of my boundaries: its words, the coach's notes, answers, history and events."""
    return _boundary_page(_own(boundary_id))


def _boundary_page(item, event_form=None):
    today = local_today(current_user.timezone)
    current = item.current
    return render_template("boundaries/boundary.html", b=item, words=WORDS,
                           flags=coach.review(current.situation, current.my_action, current.need, current.request,
                                             language=page_language()),
                           acks=services.acks_for([item])[item.id], ack_state=services.ack_state,
                           events=services.events_of(item), counts=services.counts(item, today),
                           event_form=event_form or _event_form(), button=ButtonForm(),
                           guide=GUIDES.get((current_user.role, "own")) if item.status == "active" else None)


@bp.post("/<int:boundary_id>/<action>")
@login_required
@button_only
def change_status(boundary_id: int, action: str):
    """Retire or restore one of my boundaries."""
    if action not in ("retire", "restore"):
        abort(404)
    item = _own(boundary_id)
    try:
        (services.retire if action == "retire" else services.restore)(item)
    except Refused as refused:
        flash_refusal(refused)
    else:
        flash(_("Retired. Its history is kept.") if action == "retire" else _("Restored."), "success")
    return redirect(url_for("boundaries.boundary", boundary_id=item.id))


@bp.post("/<int:boundary_id>/events")
@login_required
def own_event(boundary_id: int):
    """Note an event on one of my boundaries."""
    item = _own(boundary_id)
    return _log_event(item, lambda f: _boundary_page(item, event_form=f),
                      url_for("boundaries.boundary", boundary_id=item.id))


def _log_event(item, page, back: str):
    """Note that a boundary was respected or crossed; a refused form comes back on `page`, as typed."""
    return inline_form(
        EventForm(prefix="event"),
        lambda f: services.log_event(item, current_user, f.kind.data, f.local_date.data, f.note.data),
        page=page, back=safe_next(request.args.get("next")) or back, success=_("Noted."))


# --- Shared with me ---------------------------------------------------------------------------------


def _shared(connection_id: int, boundary_id: int):
    """Load a connection I belong to, check the other member shares boundaries with me, then the boundary."""
    access = shared_through(current_user, connection_id, "boundaries")
    return access.connection, access.owner, services.load_shared(access, boundary_id)


@shared_view("boundaries")
def shared_boundaries(access):
    """Show the other member's active boundaries, those waiting for my answer first."""
    viewer, owner, connection = access.viewer, access.owner, access.connection
    items = services.shared_boundaries(access)
    mine = {a.boundary_id: a for acks in services.acks_for(items, viewer.id).values() for a in acks}
    states = {b.id: services.ack_state(b, mine.get(b.id)) for b in items}
    items.sort(key=lambda b: (states[b.id] not in ("new", "updated"), -b.id))
    return render_template("boundaries/shared.html", items=items, states=states, owner=owner,
                           connection=connection, words=WORDS)


@bp.get("/shared/<int:connection_id>/<int:boundary_id>")
@login_required
def shared_boundary(connection_id: int, boundary_id: int):
    """Read a boundary shared with me, answer it, and note events."""
    connection, owner, item = _shared(connection_id, boundary_id)
    return _shared_boundary_page(connection, owner, item)


def _shared_boundary_page(connection, owner, item, event_form=None):
    mine = services.acks_for([item], current_user.id)[item.id]
    ack = mine[0] if mine else None
    return render_template("boundaries/shared_boundary.html", b=item, owner=owner, connection=connection,
                           words=WORDS, state=services.ack_state(item, ack), ack=ack, ack_form=AckForm(),
                           event_form=event_form or _event_form(), events=services.events_of(item),
                           guide=GUIDES.get((current_user.role, "shared")))


@bp.post("/shared/<int:connection_id>/<int:boundary_id>/answer")
@login_required
def answer(connection_id: int, boundary_id: int):
    """Acknowledge a boundary shared with me, or ask to talk about it."""
    connection, owner, item = _shared(connection_id, boundary_id)
    form = AckForm()
    back = url_for("boundaries.shared_boundary", connection_id=connection.id, boundary_id=item.id)
    if not form.validate_on_submit():
        flash(str(form.kind.errors[0]) if form.kind.errors else _("Please choose one of the two answers."), "error")
        return redirect(back)
    services.acknowledge(item, current_user, form.kind.data)
    if form.kind.data == "talk":
        flash(_("%(name)s will see that you'd like to talk. Choose a calm moment — "
                "and a conversation guide can help you prepare.", name=owner.display_name), "success")
    else:
        flash(_("Thank you. %(name)s will see that you understand.", name=owner.display_name), "success")
    return redirect(back)


@bp.post("/shared/<int:connection_id>/<int:boundary_id>/events")
@login_required
def shared_event(connection_id: int, boundary_id: int):
    """Note an event on a boundary shared with me."""
    connection, owner, item = _shared(connection_id, boundary_id)
    return _log_event(item, lambda f: _shared_boundary_page(connection, owner, item, event_form=f),
                      url_for("boundaries.shared_boundary", connection_id=connection.id, boundary_id=item.id))
