"""Record ids in URLs and query strings: plain ASCII digits within the database's INTEGER range, or nothing."""

from __future__ import annotations

import re

from flask import Flask
from werkzeug.routing import IntegerConverter, ValidationError

# PostgreSQL's INTEGER, the type of every id column; SQLite's are wider, so this bound serves both.
MAX_ID = 2**31 - 1


def _numbers_up_to(limit: int) -> str:
    """A regular expression for the decimal numbers 1..limit, in ASCII digits without leading zeros."""
    top = str(limit)
    shorter = [f"[1-9][0-9]{{0,{len(top) - 2}}}"] if len(top) > 1 else []
    same_length = []
    for i, digit in enumerate(top):  # the same length: equal to `top` up to i, then a smaller digit
        low, high = (1 if i == 0 else 0), int(digit) - 1
        if low <= high:
            rest = len(top) - i - 1
            same_length.append(f"{top[:i]}[{low}-{high}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "|".join([*shorter, *same_length, top])


# Every number past MAX_ID fails this, so the URL converter never matches it (404, never 405).
_ID = re.compile(f"(?:{_numbers_up_to(MAX_ID)})")


def parse_id(value: str | None) -> int | None:
    """Return a record id given as text (a query-string or form value), or None when it can't be one.

    Only ASCII digits count (str.isdigit() accepts "²", which int() refuses), without a sign or
    leading zeros, from 1 to MAX_ID: a larger number names no record and would overflow the database.
    """
    return int(value) if isinstance(value, str) and _ID.fullmatch(value) else None


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: matches only ids parse_id accepts, so any other number is a 404."""

    regex = _ID.pattern

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number


def init_app(app: Flask) -> None:
    """Make `<int:...>` mean IdConverter; call before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter
