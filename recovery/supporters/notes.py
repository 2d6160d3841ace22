"""A supporter's own notes about sessions: theirs alone, shown to the person only if they share one."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from recovery.accounts.auth import role_required
from recovery.accounts.models import SUPPORTER
from recovery.supporters.routes import bp


@bp.get("/supporting/notes")
@role_required(SUPPORTER)
def notes():
    """Every note I wrote, newest first."""
    return render_template("supporters/notes.html", notes=[], me=current_user)
