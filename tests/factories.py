"""Callable factories for tests: real rows made through the services where it matters."""

from __future__ import annotations

import itertools

from recovery.accounts.models import LOVED_ONE, PERSON, SUPPORTER, User
from recovery.accounts.passwords import hash_password
from recovery.circle import services as circle
from recovery.circle.models import Connection
from recovery.db import db

PASSWORD = "a long and private passphrase"
_counter = itertools.count(1)


def make_user(role: str = PERSON, name: str | None = None, email: str | None = None,
              timezone: str = "UTC", password: str = PASSWORD, kind: str = "counsellor") -> User:
    """Create and commit a user (a supporter is of `kind`, and approved)."""
    from recovery.db import utcnow

    n = next(_counter)
    default_name = {PERSON: "Person", LOVED_ONE: "Loved", SUPPORTER: "Supporter"}[role]
    user = User(
        display_name=name or f"{default_name} {n}",
        email=(email or f"user{n}@example.org").lower(),
        role=role,
        timezone=timezone,
        password_hash=hash_password(password),
        supporter_kind=kind if role == SUPPORTER else "",
        approved_at=utcnow() if role == SUPPORTER else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_connection(a: User | None = None, b: User | None = None, relationship: str = "partner",
                    share: set[str] | frozenset[str] = frozenset(),
                    loved_one_shares: set[str] | frozenset[str] = frozenset()) -> Connection:
    """Connect a person in recovery (a) and a loved one (b) by invitation; `share` is what the person shares."""
    person = a or make_user(PERSON)
    loved = b or make_user(LOVED_ONE)
    _, token = circle.create_invitation(person, relationship)
    connection = circle.accept_invitation(token, loved)
    if share:
        circle.set_sharing(person, connection, set(share))
    if loved_one_shares:
        circle.set_sharing(loved, connection, set(loved_one_shares))
    db.session.commit()
    return connection


def jordans_circle(*loved_ones) -> tuple:
    """Jordan, a person in recovery, connected to each loved one named: (jordan, *loved ones, *connections).

    Each loved one is a name, or (name, make_connection options) such as share= or relationship=.
    """
    jordan = make_user(PERSON, name="Jordan")
    people, connections = [], []
    for entry in loved_ones:
        name, options = (entry, {}) if isinstance(entry, str) else entry
        person = make_user(LOVED_ONE, name=name)
        people.append(person)
        connections.append(make_connection(jordan, person, **options))
    return (jordan, *people, *connections)


def make_support(owner: User, supporter: User | None = None, share=frozenset({"tracker"}), days: int = 180,
                 purpose: str = "To prepare for our sessions."):
    """Join a supporter to `owner` with a consent for `share` lasting `days` from today (through the service)."""
    from datetime import timedelta

    from recovery.supporters import services as supporters

    supporter = supporter or make_user(SUPPORTER)
    offer = supporters.clean_offer(owner, share, purpose, supporters.today_for(owner) + timedelta(days=days))
    tie = supporters.start_tie(owner, supporter, offer)
    db.session.commit()
    return tie


def door_pass(viewer: User, connection, area: str):
    """A pass to `area` as the door hands it out (its own checks are tested in tests/circle): for service tests."""
    from recovery.circle.permissions import Access

    if connection.is_support:
        owner = connection.supported if viewer.id == connection.supporter_id else connection.supporter
    else:
        owner = connection.loved_one if viewer.id == connection.person_id else connection.person
    return Access(viewer=viewer, owner=owner, connection=connection, area=area)
