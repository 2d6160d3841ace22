"""The two role dashboards."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from recovery.circle.permissions import AREAS
from recovery.dashboards.services import dashboard_for

bp = Blueprint("dashboards", __name__)


@bp.get("/home")
@login_required
def home():
    """Show today's essentials for the signed-in user's role."""
    template = "dashboards/person.html" if current_user.is_person else "dashboards/loved_one.html"
    return render_template(template, dash=dashboard_for(current_user), areas=AREAS)
