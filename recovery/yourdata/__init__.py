"""Your data: a user's export of everything they wrote (GDPR Art. 20) and deleting their account (Art. 17).

Export holds the user's own records only. Things other people wrote — a loved one's confirmation
of my check-in, their answer to my boundary, events they noted — stay theirs and are left out.
Deleting removes every row that belongs to the user (the database cascades from the users table)
and ends their connections and sessions; other people's records stay whole, with links to the
deleted account emptied.

This package imports no feature. Each feature says what it adds, in `recovery/<feature>/data.py`,
through the registry (`recovery/yourdata/registry.py` explains each kind of registration), and the
app factory loads those modules at start-up with `load_features(app)`. A new feature with tables adds
its `data.py` to `FEATURES`; `tests/accounts/test_data.py` fails if any table is neither exported nor
listed as left out with a reason.
"""

from __future__ import annotations

import importlib
from datetime import datetime

from flask import Flask
from flask_babel import gettext as _

from recovery import audit
from recovery.db import db
from recovery.errors import Refused
from recovery.yourdata import registry
from recovery.yourdata.registry import (
    Owner,
    account,
    cleanup,
    not_exported,
    on_paper,
    rows,
    section,
    table_rows,
    value,
    words,
)

__all__ = [
    "FEATURES", "FORMAT", "account", "cleanup", "delete_account", "export", "export_words", "for_paper",
    "load_features", "not_exported", "on_paper", "record_export", "rows", "section", "table_rows", "value", "words",
]

FORMAT = "mend-export-1"

# The modules that register with Your data, imported by name at start-up (so this package imports no
# feature). Their order is the order of the export's keys: accounts' rows first, then the circle, the
# tracker (and the calendar link inside it), trust, amends, boundaries and conversation plans.
# A feature's data.py may also register with another feature's hooks (calendar: accounts.hooks;
# tracker: the amends entry page), since this is where every feature is loaded once at start-up.
FEATURES = (
    "recovery.accounts.data",
    "recovery.circle.data",
    "recovery.tracker.data",
    "recovery.calendar.data",
    "recovery.trust.data",
    "recovery.amends.data",
    "recovery.boundaries.data",
    "recovery.conversations.data",
    "recovery.notifications.data",
    "recovery.plan.data",
    "recovery.wellbeing.data",
    "recovery.supporters.data",
)


def load_features(app: Flask) -> None:
    """Import every feature's data module, so each registers its part; called once by the app factory."""
    for name in FEATURES:
        importlib.import_module(name)
    registry.account_steps()  # deleting needs accounts' steps: fail at start-up, not when someone deletes
    app.extensions["yourdata"] = FEATURES


def export(user: Owner) -> dict:
    """Gather every record the user owns, from every feature, with no secrets and nothing of anyone else's."""
    result: dict = {"format": FORMAT, "exported_at": value(datetime.now().astimezone())}
    for part in registry.sections():
        target = result
        for key in part.path[:-1]:
            target = target.setdefault(key, {})
        target[part.path[-1]] = part.build(user)
    return result


def for_paper(content: dict) -> dict:
    """The export as the printed page shows it: each section's rows as its feature says they read (on_paper)."""
    printed = dict(content)
    for path, read in registry.paper_views().items():
        parent = printed
        for key in path[:-1]:
            parent = parent[key] = dict(parent.get(key, {}))
        if isinstance(parent.get(path[-1]), list):
            parent[path[-1]] = [read(row) for row in parent[path[-1]]]
    return printed


def export_words() -> dict[str, str]:
    """Plain words for the stored values a printed export shows (statuses, kinds, what is shared)."""
    return registry.all_words()


def record_export(user: Owner) -> None:
    """Note the export in the account's security events."""
    audit.record(user.id, "export")


def delete_account(user: Owner, password: str, confirm: str) -> None:
    """Delete the account and every row that belongs to it, after the password and a typed confirmation."""
    steps = registry.account_steps()
    steps.check_password(user, password)
    # The word the form asks for, in the reader's language ("DELETE" works in every language).
    if (confirm or "").strip().lower() not in {"delete", _("DELETE").strip().lower()}:
        raise Refused(_("Please type DELETE to confirm."), field="confirm")
    audit.record_in_log_only(user.id, "delete")
    # Rows the cascade would not take: words the user wrote on someone else's record, counters keyed
    # by their email. Then the users row, and with it (the database cascades) everything else of theirs.
    for remove in registry.cleanups():
        remove(user)
    steps.delete(user)
    db.session.expire_all()
