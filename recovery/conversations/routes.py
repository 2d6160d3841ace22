"""Views for honest conversations: the library, plans from draft to reflection, and "right now" cards."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from recovery.circle.forms import connection_choices
from recovery.circle.permissions import shared_through
from recovery.circle.shared import shared_view
from recovery.conversations import library, services
from recovery.conversations.forms import PlanForm, ReflectionForm, StartForm, StatusForm
from recovery.conversations.models import STATUSES
from recovery.converters import parse_id
from recovery.errors import Refused
from recovery.forms import REFUSED, ButtonForm, act_on, confirm_page, flash_refusal, form_page
from recovery.i18n import page_language

bp = Blueprint("conversations", __name__, url_prefix="/talk")


@lru_cache(maxsize=None)
def _right_now_cards(language: str) -> dict:
    here = Path(__file__).resolve().parent
    path = here / f"right_now.{language}.toml"
    return tomllib.loads((path if path.exists() else here / "right_now.toml").read_text(encoding="utf-8"))


def right_now_cards() -> dict:
    """Load the "right now" phrases (data, like the scripts), in the page's language where they are written in it."""
    return _right_now_cards(page_language())


def _int(value: str | None) -> int | None:
    return parse_id(value)  # None for "²", "-1" or a number past any id: the page then links nothing


def _own(plan_id: int):
    return services.load_own(current_user, plan_id)


@bp.get("/")
@login_required
def index():
    """Show the conversation guides for my role and my plans."""
    return render_template("conversations/index.html", view=services.overview(current_user), statuses=STATUSES,
                           scripts=library.library())


@bp.get("/now")
@login_required
def now():
    """A few short phrases for listening, validating and taking a pause, for the middle of a hard moment."""
    return render_template("conversations/now.html", cards=right_now_cards()[current_user.role])


@bp.route("/scripts/<script_id>", methods=["GET", "POST"])
@login_required
def script(script_id: str):
    """Read a guide, and start a plan from it (linked to an amends entry or boundary when given)."""
    item = services.script_for(current_user, script_id)
    form = StartForm()
    amends_id, boundary_id = _int(request.values.get("amends")), _int(request.values.get("boundary"))
    entry = services.linkable_amends(current_user, amends_id)
    boundary = services.linkable_boundary(current_user, boundary_id)
    answers, contact = services.guide_contact(item, current_user, entry)
    # A guide for contact never offers someone who asked not to be contacted about it.
    form.connection_id.choices = connection_choices(
        current_user, _("Not set"), leave_out=frozenset(a.connection_id for a in answers if a.status == "no"))
    if form.validate_on_submit():
        plan = act_on(form, lambda f: services.start_plan(current_user, item.id, _int(f.connection_id.data),
                                                          amends_id, boundary_id))
        if plan is not REFUSED:
            return redirect(url_for("conversations.edit", plan_id=plan.id))
    status = 422 if request.method == "POST" else 200
    return render_template("conversations/script.html", s=item, form=form, entry=entry, boundary=boundary,
                           contact=contact, answers=answers), status


def _answers_from_request(script) -> dict[str, str]:
    return {step.key: request.form.get(f"answer_{step.key}", "") for step in script.steps}


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plan_id: int):
    """Fill in the plan in my own words."""
    plan = _own(plan_id)
    item = library.get(plan.script_id)
    if item is None:
        abort(404)
    form = PlanForm(obj=plan)
    form.connection_id.choices = connection_choices(current_user, _("Not set"))
    value = "" if plan.connection_id is None else str(plan.connection_id)
    if request.method == "GET":
        form.connection_id.data = value if value in {c.value for c in form.connection_id.choices} else ""
    answers = _answers_from_request(item) if request.method == "POST" else dict(plan.answers or {})
    linked = services.linked_boundary(plan, current_user)  # their boundary beside the form: a logged visit
    return form_page(
        form, "conversations/edit.html",
        lambda f: services.save_plan(plan, current_user, f.title.data, answers, _int(f.connection_id.data),
                                     bool(f.shared.data)),
        success=_("Saved. Read it through once more before the talk."),
        redirect_to=url_for("conversations.plan", plan_id=plan.id), plan=plan, s=item, answers=answers,
        contact=services.plan_contact(plan), linked=linked)


@bp.get("/plans/<int:plan_id>")
@login_required
def plan(plan_id: int):
    """Show the plan, ready to read on a phone right before the talk, or to print."""
    item = _own(plan_id)
    linked = services.linked_boundary(item, current_user)  # their boundary, when shown: a logged visit
    status_form = StatusForm(formdata=None, status=item.status, held_on=item.held_on or services.today_for(
        current_user))
    return render_template("conversations/plan.html", plan=item, s=library.get(item.script_id), statuses=STATUSES,
                           status_form=status_form, button=ButtonForm(), owner_view=True,
                           contact=services.plan_contact(item), linked=linked)


@bp.post("/plans/<int:plan_id>/status")
@login_required
def status(plan_id: int):
    """Move the plan to draft, ready, held (with the date) or reflected."""
    item = _own(plan_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.set_status(item, form.status.data, form.held_on.data, services.today_for(current_user))
        except Refused as refused:
            flash_refusal(refused)
        else:
            if item.status == "held":
                flash(_("How did it go? When you're ready, write a short reflection."), "success")
                return redirect(url_for("conversations.reflection", plan_id=item.id))
            flash(_("Saved."), "success")
    else:
        errors = form.status.errors or form.held_on.errors or [_("Please choose a stage.")]
        flash(errors[0], "error")
    return redirect(url_for("conversations.plan", plan_id=item.id))


@bp.route("/plans/<int:plan_id>/reflection", methods=["GET", "POST"])
@login_required
def reflection(plan_id: int):
    """Write down how the conversation went."""
    item = _own(plan_id)
    return form_page(
        ReflectionForm(obj=item), "conversations/reflection.html",
        lambda f: services.save_reflection(item, f.reflection_how.data, f.reflection_response.data,
                                           f.reflection_differently.data, f.reflection_next.data),
        success=_("Saved. Whatever happened, you showed up for a hard conversation."),
        redirect_to=url_for("conversations.plan", plan_id=item.id), plan=item)


@bp.route("/plans/<int:plan_id>/delete", methods=["GET", "POST"])
@login_required
def delete(plan_id: int):
    """Delete a plan, after asking."""
    item = _own(plan_id)
    return confirm_page("conversations/delete.html", lambda: services.delete_plan(item),
                        success=_("The plan is deleted."), redirect_to=url_for("conversations.index"), plan=item)


# --- Shared with me ---------------------------------------------------------------------------------


@shared_view("conversations")
def shared_conversations(access):
    """List the plans the other member chose to share with me."""
    return render_template("conversations/shared.html", plans=services.shared_plans(access),
                           owner=access.owner, connection=access.connection, scripts=library.library())


@bp.get("/shared/<int:connection_id>/<int:plan_id>")
@login_required
def shared_plan(connection_id: int, plan_id: int):
    """Read a plan shared with me (like a letter to read before a talk)."""
    access = shared_through(current_user, connection_id, "conversations")
    connection, owner = access.connection, access.owner
    item = services.load_shared(access, plan_id)
    return render_template("conversations/plan.html", plan=item, s=library.get(item.script_id), statuses=STATUSES,
                           owner=owner, connection=connection, owner_view=False)
