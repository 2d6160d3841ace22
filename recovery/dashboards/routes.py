"""The two role dashboards."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from recovery.amends.models import OPENNESS
from recovery.circle.models import RELATIONSHIPS
from recovery.circle.permissions import AREAS
from recovery.dashboards.services import dashboard_for
from recovery.tracker import commitments, journey
from recovery.tracker.forms import checkin_form
from recovery.tracker.models import CHECKIN_STATUSES

bp = Blueprint("dashboards", __name__)


@bp.get("/home")
@login_required
def home():
    """Show today's essentials for the signed-in user's role."""
    dash = dashboard_for(current_user)
    if current_user.is_person:
        forms = {s.commitment.id: checkin_form(s.commitment.id, commitments.today_for(current_user),
                                               s.today_status) for s in dash.tracker.due}
        return render_template("dashboards/person.html", dash=dash, areas=AREAS, tracker=dash.tracker,
                               checkin_forms=forms, statuses=CHECKIN_STATUSES,
                               milestone_label=journey.milestone_label, openness_words=OPENNESS,
                               relationships=RELATIONSHIPS)
    return render_template("dashboards/loved_one.html", dash=dash, areas=AREAS,
                           tracker_cards=dash.tracker_cards, openness_words=OPENNESS, relationships=RELATIONSHIPS)
