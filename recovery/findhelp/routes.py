"""Find help near me: a public page per country, and "Add as a commitment" for a meeting."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from recovery import helplines
from recovery.errors import Refused
from recovery.findhelp import finders, local_list
from recovery.forms import ButtonForm, button_only, flash_refusal
from recovery.tracker import commitments
from recovery.tracker.models import WEEKLY

bp = Blueprint("findhelp", __name__, url_prefix="/help/near-me")
# Check the server's local list as the app starts: a broken file stops start-up, naming the entry and field.
bp.record_once(lambda state: local_list.init_app(state.app))


def _role() -> str | None:
    return current_user.role if current_user.is_authenticated else None


def _can_add() -> bool:
    """Whether this visitor keeps commitments (the person's tracker, a loved one's self-care)."""
    return current_user.is_authenticated and commitments.keeps_commitments(current_user)


@bp.get("/")
def index():
    """Show group finders, treatment, family therapy and crisis lines for a country, the local list first."""
    code = finders.country_code(request.args.get("country"), helplines.current_country())
    role = _role()
    return render_template(
        "findhelp/index.html", page=finders.page_for(code, role), code=code,
        choices=helplines.country_choices(),
        meetings=finders.meetings_for(code, role) if _can_add() else {},
        button=ButtonForm())


@bp.post("/meetings/<key>/add")
@login_required
@button_only
def add_meeting(key: str):
    """Turn a meeting into a weekly commitment (once a week) in one step, then open it."""
    if not _can_add():
        abort(404)
    code = finders.country_code(request.args.get("country"), helplines.current_country())
    meeting = finders.meetings_for(code, current_user.role).get(key)
    if meeting is None:
        abort(404)
    back = url_for("findhelp.index", country=code)
    same = next((c for c in commitments.own_commitments(current_user) if c.title == meeting.title), None)
    if same is not None:
        flash(_("“%(title)s” is already on your list.", title=same.title), "info")
        return redirect(url_for("tracker.commitment", commitment_id=same.id))
    try:
        made = commitments.create_commitment(
            current_user, meeting.title, "", commitments.ScheduleInput(WEEKLY, times_per_week=1),
            commitments.today_for(current_user))
    except Refused as refused:
        flash_refusal(refused)
        return redirect(back)
    flash(_("“%(title)s” is on your list, once a week. You can change the days or how often here.", title=made.title),
          "success")
    return redirect(url_for("tracker.commitment", commitment_id=made.id))
