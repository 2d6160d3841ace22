"""A realistic demo circle, so a new host can see Mend working in a minute."""

from __future__ import annotations

import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON, User
from recovery.accounts.passwords import hash_password
from recovery.circle import services as circle
from recovery.db import db

DEMO_DOMAIN = "demo.mend.example"
DEFAULT_PASSWORD = "demo circle of trust"


def create_demo(password: str | None = None) -> tuple[list[User], str]:
    """(Re)create the demo circle and return its people and their password."""
    password = password or DEFAULT_PASSWORD
    db.session.execute(sa.delete(User).where(User.email.like(f"%@{DEMO_DOMAIN}")))
    pw_hash = hash_password(password)

    def person(name: str, email: str, role: str, tz: str) -> User:
        user = User(display_name=name, email=f"{email}@{DEMO_DOMAIN}", role=role, timezone=tz,
                    password_hash=pw_hash)
        db.session.add(user)
        return user

    jordan = person("Jordan", "jordan", PERSON, "America/New_York")
    sam = person("Sam", "sam", LOVED_ONE, "America/New_York")
    pat = person("Pat", "pat", LOVED_ONE, "America/Chicago")
    db.session.flush()

    # Sam (Jordan's partner) was invited by Jordan; Pat (Jordan's mother) invited Jordan.
    _, token = circle.create_invitation(jordan, "partner", "Sam")
    with_sam = circle.accept_invitation(token, sam)
    _, token = circle.create_invitation(pat, "child", "Jordan")
    with_pat = circle.accept_invitation(token, jordan)

    # Different sharing: Sam sees more than Pat does.
    circle.set_sharing(jordan, with_sam, {"tracker", "milestones", "boundaries"})
    circle.set_sharing(jordan, with_pat, {"milestones"})
    circle.set_sharing(sam, with_sam, {"boundaries", "trust"})
    circle.set_sharing(pat, with_pat, set())
    # One open invitation, to show how pending links look.
    circle.create_invitation(jordan, "sibling", "Riley")
    return [jordan, sam, pat], password
