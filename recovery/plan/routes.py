"""Views for "My plan for hard days": the whole plan on one page, each section edited on a page of its own,
and the plan as someone in the person's circle sees it when it is shared with them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from recovery.accounts.auth import person_page
from recovery.circle.shared import shared_view
from recovery.errors import Refused
from recovery.forms import ButtonForm, button_only, flash_refusal, form_page
from recovery.plan import services
from recovery.plan.forms import section_form
from recovery.plan.sections import BY_KEY, NOTE, SECTIONS, STEPS, Section

bp = Blueprint("plan", __name__, url_prefix="/plan")


def _words():
    return {"sections": SECTIONS, "steps": STEPS, "note": NOTE}


@bp.get("/")
@person_page
def index():
    """The whole plan, to read on a hard day: each section with its words, or an example and a way to start."""
    plan = services.plan_of(current_user)
    return render_template("plan/index.html", plan=plan, **_words(), filled=services.filled,
                           empty=services.is_empty(plan), review_due=services.review_due(plan),
                           phone_links=services.phone_links, commitment_title=services.commitment_title,
                           readers=services.readers(current_user), button=ButtonForm())


def _save(section: Section):
    """The service that saves this section from its form."""
    if section.kind == "lines":
        return lambda f: services.save_lines(current_user, section, f.items.data or "")
    if section.kind == "note":
        return lambda f: services.save_note(current_user, f.note.data or "")
    if section.kind == "triggers":
        return lambda f: services.save_triggers(
            current_user, [(r.form.trigger.data or "", r.form.response.data or "") for r in f.rows])
    if section.kind == "people":
        return lambda f: services.save_helpers(current_user, [
            services.Person(int(r.form.who.data) if (r.form.who.data or "").isdigit() else None,
                            r.form.name.data or "", r.form.phone.data or "") for r in f.rows])
    return lambda f: services.save_professionals(
        current_user, [(r.form.name.data or "", r.form.phone.data or "") for r in f.rows])


# One address per section (/plan/warning-signs, /plan/triggers ...): any other name is not a page.
SECTION_PATH = "/<any({}):section>".format(", ".join(f'"{s.key}"' for s in SECTIONS))


@bp.route(SECTION_PATH, methods=["GET", "POST"])
@person_page
def edit(section: str):
    """Fill in or change one section of the plan ("Save and add more" comes back with more empty rows)."""
    found = BY_KEY[section]
    plan = services.plan_of(current_user)
    form = section_form(found, plan, current_user, reading=request.method != "POST")
    position = next((i for i, s in enumerate(STEPS, start=1) if s is found), None)
    action = request.form.get("action")
    if action == "more":
        success, then = _("Saved. Here are more empty rows."), url_for("plan.edit", section=found.key) + "#rows"
    elif action == "next" and position is not None and position < len(STEPS):
        success, then = _("Saved. On to the next part."), url_for("plan.edit", section=STEPS[position].key)
    else:
        success, then = _("Saved. You can change it any time."), url_for("plan.index") + f"#{found.key}"
    return form_page(form, "plan/edit.html", _save(found), success=success, redirect_to=then,
                     section=found, position=position, steps=STEPS, plan=plan)


@bp.post("/read-through")
@person_page
@button_only
def read_through():
    """I read my plan through and it still fits: the three-month reminder starts again from today."""
    try:
        services.mark_read_through(current_user)
    except Refused as refused:
        flash_refusal(refused)
        return redirect(url_for("plan.index"))
    flash(_("Thank you for reading it through. Mend will remind you again in three months."), "success")
    return redirect(url_for("plan.index"))


@shared_view("plan")
def shared_plan(access):
    """The plan as someone the person shares it with sees it: read only, with the person's note first."""
    plan = services.load_shared(access)
    return render_template("plan/shared.html", plan=plan, owner=access.owner, connection=access.connection,
                           **_words(), filled=services.filled, empty=services.is_empty(plan),
                           phone_links=services.phone_links)
