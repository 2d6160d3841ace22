"""The "Your data" registry: what each feature adds to a user's export and to deleting an account.

Nothing here imports a feature. Each feature registers its own part from `recovery/<feature>/data.py`
(loaded at start-up by `recovery.yourdata.load_features`):

* `rows(path, model, where)` — an export section holding the rows of one table that belong to the
  user, every column but secrets (`SECRET_COLUMNS`). `where(user_id)` picks the rows.
* `section(path, build, tables)` — an export section built by the feature (`build(user)`), for what is
  not plain rows: connections named by the other person, a yes/no for the calendar link.
  `tables` names the tables it tells of, so the coverage test can check that no table is forgotten.
* `not_exported(model, reason)` — a table the export leaves out on purpose, and why.
* `words(mapping, by=feature)` — plain words for stored values the printed export shows ("listed" → "Listed").
* `account(check_password, delete)` — from accounts only: how to check the password again, and how to
  delete the users row (the database cascades from it to every row that points at the user).
* `cleanup(name, remove)` — a deletion step the cascade does not do (words the user wrote on someone
  else's record). Clean-ups run after the checks, before the users row goes.

A path is "key" or "key.subkey": sections appear in the export in the order they were registered,
so the order of `FEATURES` in `recovery/yourdata/__init__.py` is the order of the export's keys.
Registering a path, table, word or clean-up again replaces it (a module imported twice changes nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

import sqlalchemy as sa

from recovery.db import db

# Columns never exported: secrets and hashes.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash"})


class Owner(Protocol):
    """Whose data it is: a user (recovery.accounts.models.User; named by shape, so nothing here imports accounts)."""

    id: int


@dataclass(frozen=True)
class Section:
    """One key of the export: where it goes, how it is built, and which tables it tells of."""

    path: tuple[str, ...]
    build: Callable[[Any], Any]
    tables: tuple[str, ...]


@dataclass(frozen=True)
class AccountSteps:
    """What only accounts knows: checking the password again, and deleting the users row."""

    check_password: Callable[[Any, str], None]
    delete: Callable[[Any], None]


_sections: dict[tuple[str, ...], Section] = {}
_not_exported: dict[str, str] = {}
_words: dict[str, tuple[str, str]] = {}  # stored value -> (plain words, who registered them)
_cleanups: dict[str, Callable[[Any], None]] = {}
_on_paper: dict[tuple[str, ...], Callable[[dict], dict]] = {}  # section path -> how one of its rows reads printed
_account: list[AccountSteps] = []


def value(v: Any) -> Any:
    """A stored value as JSON holds it: dates and instants as ISO text, everything else as it is."""
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


def table_rows(model, where, skip: Iterable[str] = ()) -> list[dict]:
    """The rows of `model` matching `where`, oldest id first, as dicts of every column but secrets and `skip`."""
    left_out = SECRET_COLUMNS | set(skip)
    columns = [c for c in model.__table__.columns if c.name not in left_out]
    query = sa.select(*columns).where(where).order_by(*model.__table__.primary_key)
    return [{c.name: value(v) for c, v in zip(columns, row, strict=True)} for row in db.session.execute(query)]


# Keys the export itself writes, before any section.
RESERVED_KEYS = ("format", "exported_at")


def _path(path: str) -> tuple[str, ...]:
    parts = tuple(path.split("."))
    if not all(parts) or len(parts) > 2:
        raise ValueError(f"An export path is 'key' or 'key.subkey', not {path!r}")
    if parts[0] in RESERVED_KEYS:
        raise ValueError(f"{parts[0]!r} is written by the export itself")
    return parts


def _table_name(model_or_table) -> str:
    return getattr(model_or_table, "__tablename__", None) or model_or_table.name


def section(path: str, build: Callable[[Any], Any], tables: Iterable = ()) -> None:
    """Add an export section built by `build(user)`; `tables` are the models (or tables) it tells of."""
    parts = _path(path)
    for other in _sections:
        if other != parts and (other[:len(parts)] == parts or parts[:len(other)] == other):
            raise ValueError(f"Export path {path!r} overlaps {'.'.join(other)!r}")
    _sections[parts] = Section(parts, build, tuple(_table_name(t) for t in tables))


def rows(path: str, model, where: Callable[[int], Any], skip: Iterable[str] = ()) -> None:
    """Add an export section of the user's rows of one table: `where(user_id)` picks them."""
    skip = tuple(skip)
    section(path, lambda user: table_rows(model, where(user.id), skip), tables=[model])


def not_exported(model, reason: str) -> None:
    """Say that a table is left out of the export on purpose, and why (the coverage test reads this)."""
    if not reason.strip():
        raise ValueError("Say why the table is left out of the export.")
    _not_exported[_table_name(model)] = reason


def words(mapping: Mapping[str, str], *, by: str) -> None:
    """Plain words for stored values in the printed export, from feature `by`; one stored value, one meaning."""
    for key, text in mapping.items():
        known = _words.get(key)
        if known is not None and str(known[0]) != str(text) and known[1] != by:  # words may be lazy (translated)
            raise ValueError(f"{by} gives {key!r} the words {text!r}, but {known[1]} says {known[0]!r}")
        _words[key] = (text, by)


def on_paper(path: str, read: Callable[[dict], dict]) -> None:
    """How one row of a section reads in the printed export (`read(row)` gives the row to print): stored keys
    people never chose, such as a talk plan's step keys, named in words. The JSON keeps the rows as stored."""
    _on_paper[_path(path)] = read


def paper_views() -> dict[tuple[str, ...], Callable[[dict], dict]]:
    return dict(_on_paper)


def account(check_password: Callable[[Any, str], None], delete: Callable[[Any], None]) -> None:
    """From accounts: check the password again (raise Refused), and delete the users row."""
    _account[:] = [AccountSteps(check_password, delete)]


def cleanup(name: str, remove: Callable[[Any], None]) -> None:
    """Add a deletion step the database cascade does not take, run before the users row is deleted."""
    _cleanups[name] = remove


# --- Read by recovery.yourdata and by the tests ----------------------------------------------------------


def sections() -> list[Section]:
    """Every export section, in export order."""
    return list(_sections.values())


def exported_tables() -> set[str]:
    """The tables some export section tells of."""
    return {name for s in _sections.values() for name in s.tables}


def tables_not_exported() -> dict[str, str]:
    """The tables left out on purpose, with the reason for each."""
    return dict(_not_exported)


def all_words() -> dict[str, str]:
    return {key: text for key, (text, _source) in _words.items()}


def cleanups() -> list[Callable[[Any], None]]:
    return list(_cleanups.values())


def account_steps() -> AccountSteps:
    if not _account:
        raise RuntimeError("accounts has not registered with Your data: call recovery.yourdata.load_features(app)")
    return _account[0]
