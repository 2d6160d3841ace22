"""The private calendar feed (.ics) of a user's commitments."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("calendar", __name__)
