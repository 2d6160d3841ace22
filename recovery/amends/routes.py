"""Views for amends planning, and what a loved one sees of it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from recovery.accounts.auth import person_page, role_required
from recovery.accounts.models import LOVED_ONE
from recovery.amends import services
from recovery.amends.forms import EntryForm, OpennessForm, ReflectionForm, SafetyForm, StepForm
from recovery.amends.models import KINDS, OPENNESS, STAGE_WORDS, STATUSES, WILLINGNESS, WILLINGNESS_BADGES
from recovery.amends.safety import QUESTIONS, assess
from recovery.circle import services as circle
from recovery.circle.forms import connection_choices
from recovery.circle.models import ACTIVE, Connection
from recovery.circle.shared import shared_view
from recovery.db import db
from recovery.errors import Refused
from recovery.forms import ButtonForm, button_only, confirm_page, form_page, inline_form

bp = Blueprint("amends", __name__, url_prefix="/amends")
WORDS = {"kinds": KINDS, "statuses": STATUSES, "willingness": WILLINGNESS, "openness": OPENNESS,
         "questions": QUESTIONS, "willingness_badges": WILLINGNESS_BADGES, "stages": STAGE_WORDS}


def _own_entry(entry_id: int):
    return services.load_own_entry(current_user, entry_id)


def _entry_input(form: EntryForm, entry=None) -> services.EntryInput:
    willingness, status = services.columns_for(form.stage.data, entry.willingness if entry else "not_yet")
    return services.EntryInput(
        person_name=form.person_name.data or "", connection_id=int(form.connection_id.data)
        if form.connection_id.data else None, relationship=form.relationship.data or "",
        what_happened=form.what_happened.data or "", impact=form.impact.data or "", my_part=form.my_part.data or "",
        kind=form.kind.data, willingness=willingness, status=status,
        not_possible_reason=form.not_possible_reason.data or "", planned_on=form.planned_on.data)


def _on_the_form(action):
    """Show a refusal about how willing I am or where things stand beside the form's one question for both."""
    def run(form):
        try:
            return action(form)
        except Refused as refused:
            if refused.field in ("willingness", "status"):
                raise Refused(refused.message, field="stage") from refused
            raise
    return run


def _warn_about_contact(entry, removed: int = 0) -> None:
    advice = services.contact_for(entry)
    if not advice.allowed and (entry.kind == "direct" or removed):
        flash(advice.message, "info")
    if removed:
        flash(ngettext("Mend took off %(num)d step that meant contacting them.",
                       "Mend took off %(num)d steps that meant contacting them.", removed), "info")


def _hide_direct(form: EntryForm, entry) -> bool:
    """Leave "direct" out of the choices where contact is ruled out; say whether it was left out."""
    closed = services.contact_for(entry).closed
    if closed:
        form.kind.choices = [c for c in form.kind.choices if c.value != "direct"]
    return closed


@bp.get("/")
@person_page
def index():
    """Show the amends list: counts per status, a gentle next step, entries by readiness."""
    return render_template("amends/index.html", view=services.overview(current_user), words=WORDS)


@bp.get("/print")
@person_page
def printable():
    """Show the whole plan in a printable layout."""
    return render_template("amends/print.html", view=services.overview(current_user), words=WORDS,
                           assess=assess, answers_of=services.answers_of)


@bp.route("/new", methods=["GET", "POST"])
@person_page
def new():
    """Add someone to the amends list."""
    form = EntryForm()
    form.connection_id.choices = connection_choices(current_user, _("No — or not yet"))

    def create(f):
        entry = services.create_entry(current_user, _entry_input(f))
        _warn_about_contact(entry)
        return entry

    return form_page(form, "amends/form.html", _on_the_form(create),
                     success=_("Added. Take it one step at a time — the safety questions are a good next step."),
                     redirect_to=lambda e: url_for("amends.safety", entry_id=e.id), entry=None, words=WORDS,
                     direct_closed=False)


@bp.get("/<int:entry_id>")
@person_page
def entry(entry_id: int):
    """Show one entry: the plan, the safety advice, steps, reflection and their openness signal."""
    return _entry_page(_own_entry(entry_id))


def _entry_page(item, step_form=None):
    openness = None
    if item.connection_id is not None:
        connection = db.session.get(Connection, item.connection_id)
        # Pausing hides the loved one's answer as well as what they share.
        if connection is not None and connection.status == ACTIVE:
            openness = services.openness_of(connection.loved_one_id, item.owner_id)
    contact = services.contact_for(item)
    return render_template("amends/entry.html", e=item, words=WORDS, advice=assess(services.answers_of(item)),
                           openness=openness, contact=contact,
                           contact_steps=services.contact_steps(item, contact),
                           step_form=step_form or StepForm(), button=ButtonForm(),
                           commitments=services.carried_out_by(item))


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@person_page
def edit(entry_id: int):
    """Change an entry."""
    item = _own_entry(entry_id)
    form = EntryForm(obj=item)
    form.connection_id.choices = connection_choices(current_user, _("No — or not yet"))
    value = form.connection_id.data  # the row's id, as the form's string choices
    value = "" if value is None else str(value)
    # A link to a connection that has since ended is dropped: nothing is shared through it any more.
    form.connection_id.data = value if value in {c.value for c in form.connection_id.choices} else ""

    direct_closed = _hide_direct(form, item)
    if direct_closed and request.method == "GET" and form.kind.data == "direct":
        form.kind.data = "undecided"

    def update(f):
        _warn_about_contact(item, services.update_entry(item, current_user, _entry_input(f, item)))

    return form_page(form, "amends/form.html", _on_the_form(update), success=_("Saved."),
                     redirect_to=url_for("amends.entry", entry_id=item.id), entry=item, words=WORDS,
                     direct_closed=direct_closed, contact=services.contact_for(item))


@bp.route("/<int:entry_id>/safety", methods=["GET", "POST"])
@person_page
def safety(entry_id: int):
    """Ask the safety questions: could direct amends hurt anyone?"""
    item = _own_entry(entry_id)
    form = SafetyForm()
    if request.method == "GET":
        form.fill_from(services.answers_of(item))
    def save(f):
        saved = services.save_safety(item, f.answers())
        if saved.direct_closed:
            flash(_("Direct amends is no longer a choice for this person, because contact would break an order "
                    "or a clear request. Please choose indirect or living amends."), "info")
        if saved.steps_removed:
            flash(ngettext("Mend took off %(num)d step that meant contacting them.",
                           "Mend took off %(num)d steps that meant contacting them.", saved.steps_removed), "info")
        return saved

    return form_page(form, "amends/safety.html", save,
                     success=_("Thank you for thinking this through."),
                     redirect_to=url_for("amends.entry", entry_id=item.id) + "#safety", entry=item,
                     questions=QUESTIONS)


@bp.post("/<int:entry_id>/steps")
@person_page
def add_step(entry_id: int):
    """Add a step to the plan."""
    item = _own_entry(entry_id)
    return inline_form(StepForm(), lambda f: services.add_step(item, f.text.data),
                       page=lambda f: _entry_page(item, step_form=f),
                       back=url_for("amends.entry", entry_id=item.id) + "#steps")


@bp.post("/steps/<int:step_id>/<action>")
@person_page
@button_only
def change_step(step_id: int, action: str):
    """Tick a step off, untick it, or remove it."""
    if action not in services.STEP_ACTIONS:
        abort(404)
    entry_id = services.change_step(current_user, step_id, action)
    return redirect(url_for("amends.entry", entry_id=entry_id) + "#steps")


@bp.route("/<int:entry_id>/reflection", methods=["GET", "POST"])
@person_page
def reflection(entry_id: int):
    """Write down how it went, afterwards."""
    item = _own_entry(entry_id)
    form = ReflectionForm(obj=item)
    return form_page(
        form, "amends/reflection.html",
        lambda f: services.save_reflection(item, f.reflection_how.data, f.reflection_response.data,
                                           f.reflection_learned.data, f.reflection_next.data,
                                           bool(f.share_reflection.data)),
        success=_("Saved. Whatever happened, you did something hard."),
        redirect_to=url_for("amends.entry", entry_id=item.id), entry=item)


@bp.route("/<int:entry_id>/delete", methods=["GET", "POST"])
@person_page
def delete(entry_id: int):
    """Remove an entry, after asking."""
    item = _own_entry(entry_id)
    return confirm_page("amends/delete.html", lambda: services.delete_entry(item),
                        success=_("Removed from your list."), redirect_to=url_for("amends.index"), e=item)


# --- Loved ones -----------------------------------------------------------------------------------


@bp.route("/openness/<int:person_id>", methods=["GET", "POST"])
@login_required
@role_required(LOVED_ONE)
def openness(person_id: int):
    """Let a loved one say whether they're open to an amends conversation, and on what terms."""
    connection = next((c for c in circle.connections_of(current_user) if c.person_id == person_id), None)
    if connection is None:
        abort(404)
    current = services.openness_of(current_user.id, person_id)
    return form_page(
        OpennessForm(obj=current), "amends/openness.html",
        lambda f: services.set_openness(current_user, person_id, f.status.data, f.conditions.data),
        success=_("Saved. %(name)s will see your answer. You can change it any time.",
                  name=connection.person.display_name),
        redirect_to=url_for("amends.openness", person_id=person_id), person=connection.person, current=current)


@shared_view("amends")
def shared_amends(access):
    """Show a loved one only the amends entries about them; a supporter the person chose, the whole list."""
    if access.connection.is_support:
        return render_template("amends/shared_supporter.html", entries=services.entries_about(access),
                               owner=access.owner, connection=access.connection, words=WORDS)
    return render_template("amends/shared.html", entries=services.entries_about(access), owner=access.owner,
                           connection=access.connection, words=WORDS,
                           openness=services.openness_of(access.viewer.id, access.owner.id))
