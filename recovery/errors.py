"""The error a service raises to refuse an action, and the site's error pages."""

from __future__ import annotations

import logging
import traceback
from html import escape

import sqlalchemy as sa
import werkzeug.exceptions
from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from recovery.db import discard_failed_transaction
from recovery.security import security_headers

log = logging.getLogger(__name__)


class NotFound(werkzeug.exceptions.NotFound, LookupError):
    """A record that doesn't exist, or isn't the viewer's to see: loaders raise it, the visitor gets the kind 404 page.

    It is a LookupError too, so services and tests can treat it as "not there" without knowing about pages.
    """


class Refused(Exception):
    """A rule said no; the message is safe and kind enough to show the user."""

    # A refusal that must keep what the request wrote before it (a counted wrong password): the
    # request commits instead of rolling back. The check comes before any change, so only the count stays.
    keep_changes = False

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def N_(text: str) -> str:  # noqa: N802 (gettext's name for "mark now, translate when shown")
    """Mark words for translation without translating them: the plain page below has no language to ask for."""
    return text


# Each error's title and words, in English; a page translates them as it is drawn (_render), while the plain
# fallback page, which may be drawn with the database down (no one to ask for their language), keeps these.
ERROR_COPY = {
    400: (N_("Something in that request didn't make sense"),
          N_("Please go back and try again. If a form was open for a long time, reload it first.")),
    403: (N_("That isn't available to you"), N_("If you think this is a mistake, log in again and retry.")),
    404: (N_("We couldn't find that page"),
          N_("It may have moved, or it isn't shared with you. Check the link, or go back to your home page.")),
    405: (N_("That didn't work"), N_("Please go back and use the buttons on the page.")),
    413: (N_("That was too much to send at once"), N_("Please shorten what you wrote and try again.")),
    429: (N_("Let's slow down for a moment"),
          N_("There were a lot of tries in a short time. Please wait a few minutes, then try again.")),
    500: (N_("Something went wrong on our side"),
          N_("Nothing you did caused this. What you were saving may not have been saved. Please try again soon.")),
    503: (N_("We couldn't save that just now"),
          N_("Nothing was changed. Please go back and try again in a minute.")),
}
# How long to suggest waiting before trying again after a database fault, in seconds.
RETRY_AFTER = "60"


def _copy(code: int) -> tuple[str, str]:
    return ERROR_COPY.get(code, ERROR_COPY[500] if code >= 500 else ERROR_COPY[400])


def is_database_fault(exc: BaseException | None) -> bool:
    """Tell whether an error is the database failing (lost connection, read-only or full disk), not a bug."""
    return isinstance(exc, sa.exc.OperationalError) or (
        isinstance(exc, sa.exc.DBAPIError) and bool(exc.connection_invalidated))


def _render(code: int):
    headers = {"Retry-After": RETRY_AFTER} if code == 503 else {}
    try:
        title, body = (_(text) for text in _copy(code))  # the reader's language needs the database: inside the try
        return render_template("errors/error.html", code=code, title=title, body=body), code, headers
    except Exception as exc:  # noqa: BLE001 (the page needs the database for who is logged in; it may be down)
        log.warning("Error page %s fell back to the plain page (%s)", code, type(exc).__name__)
        discard_failed_transaction()
        return fallback_page(code, current_app.config["QUICK_EXIT_URL"]), code, headers


def fallback_page(code: int, quick_exit_url: str) -> str:
    """Return a plain error page that needs nothing: no database, no session, no template."""
    title, body = (escape(text) for text in _copy(code))
    # The quick-exit link stays: someone may need to leave this page fast, even when it is broken.
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{title} · Mend</title>\n<link rel=\"stylesheet\" href=\"/static/css/mend.css\">\n</head>\n"
            f"<body>\n<header class=\"site-header\"><div class=\"wrap header-inner\">"
            f"<a class=\"quick-exit\" href=\"{escape(quick_exit_url)}\" rel=\"noreferrer\">Quick exit</a>"
            "</div></header>\n"
            "<main id=\"main\" class=\"wrap\">\n<section class=\"card narrow error-page\">\n"
            f"<p class=\"eyebrow\">Error {code}</p>\n<h1>{title}</h1>\n<p>{body}</p>\n"
            "<p><a class=\"button\" href=\"/\">Go to my home page</a></p>\n</section>\n</main>\n</body>\n</html>\n")


class LastResort:
    """WSGI middleware, outermost: whatever escapes Flask still gets a kind page with the security headers.

    Flask's own handlers cover errors in views. An error in an after-request hook, in an error
    handler, or in tearing down the request would otherwise reach gunicorn, which answers with its
    bare "Internal Server Error" page and none of Mend's headers (SECURITY.md 16, 33). The app's
    call to start_response is held back until it has returned, so a late error can still replace it.
    """

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ, start_response):
        held: list[tuple] = []

        def hold(status, headers, exc_info=None):
            held[:] = [(status, headers, exc_info)]
            return self._no_write

        try:
            body = self.wsgi_app(environ, hold)
        except Exception as exc:  # noqa: BLE001 (the point of this class)
            if self.app.debug:
                raise  # a developer's debugger shows it
            log.error("Unhandled %s outside the view\n%s", type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            return self._fallback(environ, start_response, 503 if is_database_fault(exc) else 500)
        if not held:
            return body
        status, headers, exc_info = held[0]
        if not any(name.lower() == "content-security-policy" for name, _value in headers):
            # This response skipped the app's header hook (a hook before it failed): add them here.
            present = {name.lower() for name, _value in headers}
            headers = list(headers) + [(name, value) for name, value in self._headers(environ).items()
                                       if name.lower() not in present]
        start_response(status, headers, exc_info)
        return body

    @staticmethod
    def _no_write(_data):
        raise RuntimeError("Mend's views return their body; the WSGI write() callable is not supported")

    @staticmethod
    def _headers(environ) -> dict[str, str]:
        return security_headers(secure=environ.get("wsgi.url_scheme") == "https")

    def _fallback(self, environ, start_response, code: int):
        page = fallback_page(code, self.app.config["QUICK_EXIT_URL"]).encode()
        headers = {**self._headers(environ), "Content-Type": "text/html; charset=utf-8",
                   "Content-Length": str(len(page))}
        if code == 503:
            headers["Retry-After"] = RETRY_AFTER
        reason = {500: "INTERNAL SERVER ERROR", 503: "SERVICE UNAVAILABLE"}[code]
        start_response(f"{code} {reason}", list(headers.items()))
        return [page]


def init_app(app: Flask) -> None:
    """Show every error in the site's own look, never with a traceback."""

    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        discard_failed_transaction()
        title = _("This form expired")
        body = _("For your safety, forms time out. Please go back, reload the page and try again.")
        return render_template("errors/error.html", code=400, title=title, body=body), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        discard_failed_transaction()
        # An error outside the view (an after-request hook) reaches here as a 500 wrapping the real one.
        if is_database_fault(getattr(exc, "original_exception", None)):
            return _render(503)
        return _render(exc.code or 500)

    @app.errorhandler(sa.exc.DBAPIError)
    def database_error(exc: sa.exc.DBAPIError):
        # The failed connection is already out of the pool (SQLAlchemy's disconnect handling, and
        # recovery/db.py for SQLite), so the next request gets a fresh one.
        discard_failed_transaction()
        app.logger.error("Database %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        return _render(503 if is_database_fault(exc) else 500)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        discard_failed_transaction()
        # Frames only: an exception's message can carry what the user typed (SECURITY.md 17).
        app.logger.error("Unhandled %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        return _render(500)
