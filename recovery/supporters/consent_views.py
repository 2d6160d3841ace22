"""Placeholder: views added by the supporters work in progress."""

from __future__ import annotations

from recovery.supporters.routes import bp  # noqa: F401
