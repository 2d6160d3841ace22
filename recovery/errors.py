"""The error a service raises to refuse an action, and the site's error pages."""

from __future__ import annotations

import traceback

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from recovery.db import db


class Refused(Exception):
    """A rule said no; the message is safe and kind enough to show the user."""

    # A refusal that must keep what the request wrote before it (a counted wrong password): the
    # request commits instead of rolling back. The check comes before any change, so only the count stays.
    keep_changes = False

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


ERROR_COPY = {
    400: ("Something in that request didn't make sense",
          "Please go back and try again. If a form was open for a long time, reload it first."),
    403: ("That isn't available to you", "If you think this is a mistake, log in again and retry."),
    404: ("We couldn't find that page",
          "It may have moved, or it isn't shared with you. Check the link, or go back to your home page."),
    405: ("That didn't work", "Please go back and use the buttons on the page."),
    413: ("That was too much to send at once", "Please shorten what you wrote and try again."),
    429: ("Let's slow down for a moment",
          "There were a lot of tries in a short time. Please wait a few minutes, then try again."),
    500: ("Something went wrong on our side",
          "Nothing you did caused this. What you were saving may not have been saved. Please try again soon."),
}


def _render(code: int):
    title, body = ERROR_COPY.get(code, ERROR_COPY[500] if code >= 500 else ERROR_COPY[400])
    return render_template("errors/error.html", code=code, title=title, body=body), code


def init_app(app: Flask) -> None:
    """Show every error in the site's own look, never with a traceback."""

    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        db.session.rollback()
        title = "This form expired"
        body = "For your safety, forms time out. Please go back, reload the page and try again."
        return render_template("errors/error.html", code=400, title=title, body=body), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        db.session.rollback()
        return _render(exc.code or 500)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        db.session.rollback()
        # Frames only: an exception's message can carry what the user typed (SECURITY.md 17).
        app.logger.error("Unhandled %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        return _render(500)
