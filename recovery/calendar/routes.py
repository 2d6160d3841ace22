"""Views for the private calendar feed (.ics) of a user's commitments: its settings page and the feed itself."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from recovery.calendar import feed as ics
from recovery.calendar import services as service
from recovery.calendar.forms import TitlesForm
from recovery.errors import Refused
from recovery.extensions import limiter
from recovery.forms import ButtonForm, button_only, flash_refusal
from recovery.urls import external_url

bp = Blueprint("calendar", __name__)


def _require_person() -> None:
    # Commitments belong to the person in recovery; loved ones have nothing to put in a calendar.
    if not current_user.is_person:
        abort(404)


def _page(link: str | None = None, status: int = 200):
    feed = service.feed_of(current_user)
    form = TitlesForm()
    if feed is not None:
        form.real_titles.data = not feed.plain_titles
    return render_template("calendar/settings.html", feed=feed, form=form, button=ButtonForm(),
                           link=link), status


@bp.route("/settings/calendar", methods=["GET", "POST"])
@login_required
def settings():
    """Show the calendar link settings; a POST makes a new secret link and shows it once."""
    _require_person()
    form = TitlesForm()
    if not form.is_submitted():
        return _page()
    if not form.validate():
        abort(400)
    token = service.create_feed(current_user, plain_titles=not form.real_titles.data)
    # Shown once, now; only its hash is stored.
    return _page(link=external_url("calendar.feed", token=token))


@bp.post("/settings/calendar/titles")
@login_required
def titles():
    """Choose plain or real titles for the calendar feed, keeping its link."""
    _require_person()
    form = TitlesForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.set_plain_titles(current_user, plain_titles=not form.real_titles.data)
    except Refused as refused:
        flash_refusal(refused)
        return redirect(url_for("calendar.settings"))
    if form.real_titles.data:
        flash(_("Saved. Your calendar will show the real names of your commitments."), "success")
    else:
        flash(_("Saved. Your calendar will show “Mend: a commitment” instead of the names."), "success")
    return redirect(url_for("calendar.settings"))


@bp.post("/settings/calendar/revoke")
@login_required
@button_only
def revoke():
    """Turn the calendar link off so it stops working at once."""
    _require_person()
    if service.revoke_feed(current_user):
        flash(_("Your calendar link is off. Your calendar app will stop getting updates from Mend."), "success")
    else:
        flash(_("Your calendar link was already off."), "info")
    return redirect(url_for("calendar.settings"))


@bp.get("/calendar/<token>.ics")
@limiter.limit("60 per minute")
def feed(token: str):
    """Serve a calendar feed to whoever holds its secret link: the token is the authority."""
    found = service.find_feed(token)
    if found is None:
        abort(404)
    # The events link back to Mend at its configured address, never one taken from the Host header.
    body = ics.feed_ics(found, url=external_url("tracker.today"))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = 'inline; filename="mend.ics"'
    return response
