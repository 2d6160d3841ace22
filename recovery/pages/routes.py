"""Public pages: the welcome page, help and about."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """Welcome visitors; send signed-in users to their dashboard."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboards.home"))
    return render_template("pages/index.html")


@bp.get("/help")
def help():
    """List crisis lines and other kinds of help."""
    return render_template("pages/help.html")


@bp.get("/privacy")
def privacy():
    """Explain, in plain words, how Mend keeps things private."""
    return render_template("pages/privacy.html")
