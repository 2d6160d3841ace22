"""Supporters' pages: the blueprint, shared by the modules that add views to it.

Views live by concern: `overview.py` (a supporter's home and session summaries), `consent_views.py`
(inviting, joining and the consent record, for both sides), `notes.py` (a supporter's own notes).
Each imports `bp` from here; `recovery/__init__.py` registers it once they are all imported.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

bp = Blueprint("supporters", __name__)


@bp.get("/supporting/waiting")
@login_required
def waiting():
    """A supporter whose host asks to approve new supporters waits here until it does."""
    from recovery.supporters.services import approved

    if not current_user.is_supporter or approved(current_user):
        return redirect(url_for("dashboards.home"))
    return render_template("supporters/waiting.html")


def load_views() -> None:
    """Import every module that adds views to the blueprint (before it is registered)."""
    from recovery.supporters import consent_views, notes, overview  # noqa: F401
