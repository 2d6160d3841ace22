"""Views for trust check-ins: the loved one's own pages, and the person's view when it is shared."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from recovery.accounts.auth import role_required
from recovery.accounts.models import LOVED_ONE
from recovery.circle.permissions import AREAS
from recovery.circle.shared import shared_view
from recovery.forms import form_page
from recovery.trust import services
from recovery.trust.forms import HIGH_END, LOW_END, QUESTIONS, TrustCheckInForm

bp = Blueprint("trust", __name__, url_prefix="/trust")


def _person_trust_or_404(person_id: int) -> services.PersonTrust:
    """Load my page about a person I support, or stop with 404 for anyone else."""
    return services.person_trust(current_user, person_id)


@bp.get("/")
@login_required
@role_required(LOVED_ONE)
def index():
    """Show each person I support with my latest trust reading, a chart and a way to check in."""
    return render_template("trust/index.html", people=services.overview(current_user))


@bp.get("/<int:person_id>")
@login_required
@role_required(LOVED_ONE)
def history(person_id: int):
    """Show my check-ins about one person I support: chart, reading and every check-in."""
    return render_template("trust/history.html", view=_person_trust_or_404(person_id), questions=QUESTIONS)


@bp.route("/<int:person_id>/new", methods=["GET", "POST"])
@login_required
@role_required(LOVED_ONE)
def new(person_id: int):
    """Ask the three trust questions about one person I support, and save the answers."""
    view = _person_trust_or_404(person_id)
    form = TrustCheckInForm(person_name=view.person.display_name)
    return form_page(
        form, "trust/new.html",
        lambda f: services.record_checkin(current_user, view.person.id, f.predictability.data,
                                          f.dependability.data, f.faith.data, f.note.data, today=view.today),
        success=_("Saved. Thank you for taking a moment for this."),
        redirect_to=url_for("trust.history", person_id=view.person.id),
        view=view, low_end=LOW_END, high_end=HIGH_END,
    )


@shared_view("trust")
def shared(access):
    """Show the person the loved one's check-ins about them, and only about them (a supporter: all of them)."""
    if access.connection.is_support:
        return render_template("trust/shared_supporter.html", connection=access.connection, owner=access.owner,
                               area=AREAS["trust"], groups=services.supporter_trust_for(access), questions=QUESTIONS)
    trust = services.shared_trust_for(access)
    return render_template("trust/shared.html", connection=access.connection, owner=access.owner, area=AREAS["trust"],
                           trust=trust, questions=QUESTIONS)
