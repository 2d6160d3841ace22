"""Web push from the person's side: turn reminders on in this browser, stop them, send a test.

`static/js/push.js` asks the browser for a subscription and posts it here as JSON, with the page's CSRF
token in the X-CSRFToken header (Flask-WTF checks it like a form's). Everything else is a plain form
button that works without JavaScript. The section that draws all this is
templates/notifications/_push.html, included in the Reminders settings page.
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from recovery.errors import NotFound, Refused
from recovery.extensions import limiter
from recovery.forms import button_only
from recovery.notifications import push

bp = Blueprint("push", __name__, url_prefix="/push")

SETTINGS_ENDPOINT = "notifications.settings"  # the Reminders page, where the devices are listed


def _back():
    return redirect(url_for(SETTINGS_ENDPOINT) + "#this-device")


def _refused(message: str, status: int):
    return jsonify(ok=False, error=message), status


@bp.app_template_global("push_public_key")
def public_key_for_page() -> str:
    """The key browsers subscribe with, for the page's data attribute (made on first use)."""
    return push.public_key()


@bp.app_template_global("push_devices_of_current_user")
def devices_of_current_user() -> list:
    """The signed-in person's devices, for a page that includes _push.html without passing `push_devices`."""
    return push.devices(current_user.id) if current_user.is_authenticated else []


@bp.post("/subscribe")
@login_required
@limiter.limit("30 per hour")
def subscribe():
    """Send my reminders to this browser: the body is its PushSubscription as JSON (and `replaces`)."""
    data = request.get_json(silent=True)
    try:
        subscription = push.read_subscription(data.get("subscription") if isinstance(data, dict) else None)
        push.turn_on(current_user.id, subscription, request.user_agent.string, replaces=data.get("replaces"))
    except push.BadSubscription as exc:
        return _refused(exc.message, 400)
    except Refused as exc:
        return _refused(exc.message, 409)
    flash(_("This device will get your reminders now."), "success")
    return jsonify(ok=True)


@bp.post("/unsubscribe")
@login_required
def unsubscribe():
    """Stop my reminders in this browser: the body is {"endpoint": ...}; another person's endpoint is 404."""
    data = request.get_json(silent=True)
    try:
        push.stop_endpoint(current_user.id, data.get("endpoint") if isinstance(data, dict) else None)
    except NotFound:
        return _refused(_("This device wasn't getting your reminders."), 404)
    flash(_("This device won't get your reminders any more."), "success")
    return jsonify(ok=True)


@bp.post("/devices/<int:device_id>/stop")
@login_required
@button_only
def stop(device_id: int):
    """Stop my reminders on one of my devices (a plain button: works without JavaScript)."""
    push.stop_device(current_user.id, device_id)
    flash(_("That device won't get your reminders any more."), "success")
    return _back()


@bp.post("/test")
@login_required
@button_only
@limiter.limit("5 per 10 minutes")
def test():
    """Send a test reminder to each of my devices."""
    count = push.send_test(current_user.id)
    if count:
        flash(_("A test reminder is on its way to your devices. It can take a minute."), "success")
    else:
        flash(_("No device gets your reminders yet. Turn them on in the browser you want them in first."), "info")
    return _back()
