"""Views for trust check-ins (loved ones)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("trust", __name__, url_prefix="/trust")
