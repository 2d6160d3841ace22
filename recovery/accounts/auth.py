"""Flask-Login wired to server-side session rows, and helpers for views."""

from __future__ import annotations

from functools import wraps

from flask import Flask, Response, abort, current_app, g, request, session, url_for
from flask_login import current_user, login_user, logout_user

from recovery.accounts import services
from recovery.accounts.models import PERSON, User
from recovery.extensions import login_manager
from recovery.i18n import lazy_gettext as _l

SESSION_KEY = "sid"


def init_app(app: Flask) -> None:
    """Load the user from the session row named by the cookie, never from the cookie alone."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.localize_callback = str  # the words in the visitor's language, as plain text for the session
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the session row already does this job

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # A touched or timed-out session row is saved with the request's one commit (db.finish_request).
        live, _changed = services.check_session(session.get(SESSION_KEY, ""))
        if live is None or str(live.user.id) != str(user_id):
            session.clear()
            return None
        g.user_session = live.row
        return live.user


def log_in(user: User) -> None:
    """Start a fresh session for the user: clear the old cookie, store a new session row."""
    session.clear()
    token = services.start_session(user, request.headers.get("User-Agent", ""))
    session[SESSION_KEY] = token
    session.permanent = True
    login_user(user)


def known_device_token() -> str | None:
    """Return the token of this browser's known-device cookie, if it sent one."""
    return request.cookies.get(current_app.config["LOGIN_DEVICE_COOKIE_NAME"])


def keep_known_device(response: Response, token: str) -> None:
    """Keep the browser's known-device token in a long-lived cookie, sent only to the login page."""
    cfg = current_app.config
    response.set_cookie(
        cfg["LOGIN_DEVICE_COOKIE_NAME"], token,
        max_age=int(cfg["LOGIN_DEVICE_LIFETIME"].total_seconds()),
        path=url_for("accounts.login"),  # no other page needs it
        secure=bool(cfg["SESSION_COOKIE_SECURE"]), httponly=True, samesite="Lax",
    )


def forget_known_device(response: Response) -> None:
    """Remove the known-device cookie, so nothing on this browser shows it was used for Mend."""
    response.delete_cookie(current_app.config["LOGIN_DEVICE_COOKIE_NAME"], path=url_for("accounts.login"),
                           secure=bool(current_app.config["SESSION_COOKIE_SECURE"]), httponly=True, samesite="Lax")


def log_out() -> None:
    """End this browser's session row and clear the cookie."""
    token = session.get(SESSION_KEY)
    if token:
        services.end_session(token)
    logout_user()
    session.clear()


def current_session_id() -> int | None:
    """Return the id of the session row of this request."""
    row = g.get("user_session")
    return row.id if row is not None else None


def role_required(role: str):
    """Send visitors to log in; let only users in this role in; others get 404, as if the page did not exist."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role != role:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def person_page(view):
    """A page for people in recovery only: visitors log in, loved ones get 404."""
    return role_required(PERSON)(view)
