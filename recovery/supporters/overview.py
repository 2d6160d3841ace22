"""A supporter's home and session summaries: the people who chose them, and what each shares now.

Both pages show other people's records, so both read through the door (summary.py says how) and the
visits are logged for the owners. Sorting and the summary's length are plain links: no script needed.
"""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from recovery.accounts.auth import role_required
from recovery.accounts.models import SUPPORTER
from recovery.boundaries.models import ACK_KINDS, EVENT_KINDS
from recovery.circle.permissions import AREAS
from recovery.conversations.models import STATUSES
from recovery.supporters import summary
from recovery.supporters.routes import bp
from recovery.tracker.journey import milestone_label


@bp.get("/supporting/")
@role_required(SUPPORTER)
def home():
    """The people who chose me, with what they share and the day their consent ends; ?sort=name|ends|last."""
    view = summary.overview(current_user, request.args.get("sort"))
    return render_template("supporters/home.html", view=view, areas=AREAS, sorts=summary.SORTS,
                           soon=summary.SOON_DAYS, recent_days=summary.RECENT_SETBACK_DAYS)


@bp.get("/supporting/<int:connection_id>/prepare")
@role_required(SUPPORTER)
def prepare(connection_id: int):
    """A one-page summary of the last 2 or 4 weeks of what one person shares, to prepare for a session."""
    session = summary.prepare(current_user, connection_id, summary.clean_weeks(request.args.get("weeks")))
    return render_template("supporters/prepare.html", s=session, areas=AREAS, weeks=summary.WEEKS,
                           statuses=STATUSES, events=EVENT_KINDS, answers=ACK_KINDS, label=milestone_label,
                           words=summary.boundary_words)
