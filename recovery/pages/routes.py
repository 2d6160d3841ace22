"""Public pages: the welcome page, help (with its safety pages) and privacy."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from recovery.helplines import ALATEEN
from recovery.pages import head

bp = Blueprint("pages", __name__)
bp.record_once(lambda state: head.init_app(state.app))


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


@bp.get("/help/overdose")
def overdose():
    """Show what to do in an overdose, with this person's emergency number and where to get naloxone."""
    return render_template("pages/overdose.html")


@bp.get("/help/safe-at-home")
def safe_at_home():
    """Show help for someone who is not safe at home, and how to use Mend safely on a shared device."""
    return render_template("pages/safe_at_home.html")


@bp.get("/help/relapse")
def relapse():
    """Explain relapse warning signs and what helps, for the person and for the loved one."""
    return render_template("pages/relapse.html")


@bp.get("/help/treatment")
def treatment():
    """Explain how to find treatment in this person's country, the kinds of care and the medicines."""
    return render_template("pages/treatment.html")


@bp.get("/help/young-people")
def young_people():
    """Speak to a child or teenager whose parent is in recovery."""
    return render_template("pages/young_people.html", alateen=ALATEEN)
