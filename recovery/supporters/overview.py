"""A supporter's home: the people who chose them, each with what they share and when consent ends."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from recovery.accounts.auth import role_required
from recovery.accounts.models import SUPPORTER
from recovery.supporters import services
from recovery.supporters.routes import bp


@bp.get("/supporting/")
@role_required(SUPPORTER)
def home():
    """The people who chose me, with what they share and the day their consent ends."""
    ties = services.ties_of_supporter(current_user)
    return render_template("supporters/home.html", ties=ties)
