"""Capturing every log record, to prove that what users type never reaches the logs (SECURITY.md 17)."""

from __future__ import annotations

import logging

import pytest

SENTINEL = "ZqxSentinel7731"


def sentinel_in(text: str) -> bool:
    return SENTINEL.lower() in text.lower()


@pytest.fixture
def all_logs(caplog):
    """Capture every logger at DEBUG, re-enabling loggers that Alembic's fileConfig switched off.

    SQLAlchemy's own loggers keep their level: at INFO they echo SQL with its bound parameters and
    at DEBUG every result row, a developer tool (`echo=True`). The INFO case has its own test below.
    """
    saved = []
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if not isinstance(logger, logging.Logger):
            continue
        saved.append((logger, logger.level, logger.disabled, logger.propagate))
        logger.disabled = False
        logger.propagate = True
        if not name.startswith("sqlalchemy"):
            logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for logger, level, disabled, propagate in saved:
        logger.setLevel(level)
        logger.disabled = disabled
        logger.propagate = propagate


def logged_text(caplog) -> str:
    """Everything the captured records hold: messages, arguments and exception text."""
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.args), record.exc_text or "", str(record.__dict__)]
    return "\n".join(parts)
