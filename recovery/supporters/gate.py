"""What a supporter's account may open: their own pages, settings, help, and what people share with them.

Supporters have no tracker, amends, boundaries, talks or trust check-ins of their own, and the pages
for those were written for the other two roles. Rather than teach every page about a third role, a
supporter is let through only to the endpoints named here (deny by default): anything else is 404,
as if it did not exist. A new page for supporters is added here on purpose, and
`tests/supporters/test_gate.py` walks the whole url_map to hold this in place.
"""

from __future__ import annotations

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

# Whole blueprints a supporter may use.
OPEN_BLUEPRINTS = frozenset({"supporters", "pages", "pwa", "findhelp"})
# Single endpoints of other blueprints: their settings and data, and reading what someone shares.
OPEN_ENDPOINTS = frozenset({
    "static",
    "accounts.login", "accounts.logout", "accounts.register", "accounts.reset", "accounts.reset_request",
    "accounts.sign_in_link", "accounts.use_sign_in_link",
    "accounts.settings", "accounts.change_email", "accounts.change_password", "accounts.sessions",
    "accounts.revoke_session", "accounts.revoke_other_sessions", "accounts.activity", "accounts.export",
    "accounts.delete_account",
    "notifications.index", "notifications.mark_read", "notifications.unsubscribe", "notifications.unsubscribed",
})
# Read-only views of what someone shares: GET only (no "I saw this", no answering a boundary).
SHARED_VIEWS = frozenset({
    "circle.shared_area", "tracker.shared_commitment", "boundaries.shared_boundary", "conversations.shared_plan",
})
# Until the host approves a supporter (when it asks to), only these.
WAITING_ENDPOINTS = frozenset({"supporters.waiting", "supporters.join", "static", "accounts.logout",
                               "accounts.settings",
                               "accounts.export", "accounts.delete_account", "accounts.change_password",
                               "accounts.change_email", "accounts.sessions", "accounts.revoke_session",
                               "accounts.revoke_other_sessions", "accounts.activity"})


def allowed(endpoint: str | None, method: str) -> bool:
    """May a supporter's request reach this endpoint?"""
    if not endpoint:
        return True  # no route matched: Flask answers 404 itself
    if endpoint in OPEN_ENDPOINTS or endpoint.split(".", 1)[0] in OPEN_BLUEPRINTS:
        return True
    return endpoint in SHARED_VIEWS and method in ("GET", "HEAD")


def init_app(app: Flask) -> None:
    @app.before_request
    def supporters_only_where_they_belong():
        if not current_user.is_authenticated or not current_user.is_supporter:
            return None
        endpoint = request.endpoint
        from recovery.supporters.services import approved

        if not approved(current_user):
            if endpoint in WAITING_ENDPOINTS or (endpoint or "").startswith("pages.") or not endpoint:
                return None
            return redirect(url_for("supporters.waiting"))
        if endpoint == "dashboards.home":
            return redirect(url_for("supporters.home"))
        if not allowed(endpoint, request.method):
            abort(404)
        return None
