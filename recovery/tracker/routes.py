"""Views for the consistency tracker."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tracker", __name__, url_prefix="/tracker")
