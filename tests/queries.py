"""Catch the SQL a block of code sends, to pin query counts and transaction modes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from recovery.db import db


@contextmanager
def captured_statements() -> Iterator[list[str]]:
    """Collect the SQL statements sent while the block runs."""
    statements: list[str] = []

    def capture(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)


def selects(statements: list[str]) -> list[str]:
    """Keep only the SELECTs."""
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def count_selects(load) -> int:
    """Count the SELECTs `load()` sends, starting from an empty identity map."""
    with captured_statements() as statements:
        db.session.expire_all()
        load()
    return len(selects(statements))
