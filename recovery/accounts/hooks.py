"""What other features do when an account's keys change, without accounts importing them.

`on_password_change` holds callbacks run after a password change, a completed reset and "log out
other devices": whoever had the account, or one of its devices, may have copied a secret link too
(SECURITY.md 29). Each callback takes the user, gives its secret link a new address, and returns
whether the user had one (so the page can tell them). The calendar adds its feed here from
recovery/calendar/data.py, loaded at start-up by recovery.yourdata.load_features.

The page's words name the calendar link (accounts/routes.py `_calendar_note`): a second kind of
link added here needs those words to say which link changed.
"""

from __future__ import annotations

from collections.abc import Callable

from recovery.accounts.models import User

on_password_change: list[Callable[[User], bool]] = []


def when_password_changes(callback: Callable[[User], bool]) -> Callable[[User], bool]:
    """Add a callback to `on_password_change` (once, however often its module is imported)."""
    if callback not in on_password_change:
        on_password_change.append(callback)
    return callback


def password_changed(user: User) -> bool:
    """Run every callback for this user; return whether any of them changed a link the user had."""
    changed = False
    for callback in on_password_change:
        changed = callback(user) or changed
    return changed
