"""Accounts' part of "Your data" (recovery/yourdata): the account row, sessions, devices, security events.

Also the two steps only accounts knows for deleting an account: checking the password again, and
deleting the users row (the database cascades from it to every row that points at the user), after
forgetting the login counters keyed by the user's email, which no foreign key reaches.
"""

from __future__ import annotations

import sqlalchemy as sa

from recovery import yourdata
from recovery.accounts import services
from recovery.accounts.models import (
    AuditEvent,
    KnownDevice,
    LoginThrottle,
    PasswordReset,
    SignInLink,
    User,
    UserSession,
)
from recovery.db import db


def _account_row(user: User) -> dict:
    return yourdata.table_rows(User, User.id == user.id)[0]


def _delete_user(user: User) -> None:
    services.forget_login_counts(user)
    db.session.execute(sa.delete(User).where(User.id == user.id))


yourdata.section("account", _account_row, tables=[User])
yourdata.rows("sessions", UserSession, lambda uid: UserSession.user_id == uid)
yourdata.rows("known_devices", KnownDevice, lambda uid: KnownDevice.user_id == uid)
yourdata.rows("security_events", AuditEvent, lambda uid: AuditEvent.user_id == uid)
yourdata.not_exported(PasswordReset, "Only hashes of single-use reset links: secrets, with nothing the user wrote.")
yourdata.not_exported(SignInLink, "Only hashes of single-use sign-in links mailed after sign-up: secrets, with "
                                  "nothing the user wrote.")
yourdata.not_exported(LoginThrottle, "Counts of login tries, keyed by a hash of an email or address, not by the "
                                     "user; the account's own counters are deleted with it.")
yourdata.account(check_password=services.check_password, delete=_delete_user)
