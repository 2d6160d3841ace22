"""SECURITY.md 26: plans made before the fix lose the copies of someone else's boundary words; own words stay."""

from __future__ import annotations

import sqlalchemy as sa

from recovery.boundaries.models import Boundary, BoundaryVersion
from recovery.conversations.models import ConversationPlan
from recovery.db import db, utcnow
from tests.conftest import _make_app

BEFORE = "7872e64fb3bb"


def _old_user(role: str, name: str) -> int:
    """A users row as the table stood at BEFORE: only the columns it had then (later ones were added since)."""
    users = sa.Table("users", sa.MetaData(), autoload_with=db.session.connection())
    values = {"email": f"{name.lower()}@example.org", "display_name": name, "password_hash": "x", "role": role,
              "timezone": "UTC", "country": "", "created_at": utcnow(), "password_changed_at": utcnow()}
    return db.session.execute(users.insert().values({k: v for k, v in values.items() if k in users.c})
                              .returning(users.c.id)).scalar_one()


def test_the_migration_clears_copied_words_of_another_persons_boundary(tmp_path):
    """SECURITY.md 26: the upgrade clears answers that copy another person's boundary; the owner's own stay."""
    from flask_migrate import upgrade

    app = _make_app(f"sqlite:///{tmp_path / 'old.db'}", tmp_path / "instance")
    with app.app_context():
        upgrade(revision=BEFORE)
        jordan, sam = _old_user("person", "Jordan"), _old_user("loved_one", "Sam")
        theirs = Boundary(owner_id=sam, category="money")
        mine = Boundary(owner_id=jordan, category="money")
        db.session.add_all([theirs, mine])
        db.session.flush()
        db.session.add_all([
            BoundaryVersion(boundary_id=theirs.id, number=1, situation="Sam's old situation words",
                            my_action="Sam's action words", need="Sam's need", request=""),
            BoundaryVersion(boundary_id=theirs.id, number=2, situation="Sam's newer situation words",
                            my_action="Sam's action words", need="Sam's need", request=""),
            BoundaryVersion(boundary_id=mine.id, number=1, situation="My own situation",
                            my_action="My own action", need="", request=""),
        ])
        copied = ConversationPlan(owner_id=jordan, script_id="hearing-a-boundary", title="About Sam's boundary",
                                  boundary_id=theirs.id,
                                  answers={"what": "Sam's old situation words", "action": "Sam's action words ",
                                           "feel": "I feel hopeful and I will listen."})
        own = ConversationPlan(owner_id=jordan, script_id="stating-a-boundary", title="My boundary",
                               boundary_id=mine.id, answers={"situation": "My own situation"})
        db.session.add_all([copied, own])
        db.session.flush()
        copied_id, own_id = copied.id, own.id
        db.session.commit()
        db.session.close()

        upgrade()

        db.session.expire_all()
        answers = {p.id: p.answers for p in db.session.scalars(sa.select(ConversationPlan))}
        assert answers[copied_id] == {"what": "", "action": "", "feel": "I feel hopeful and I will listen."}
        assert answers[own_id] == {"situation": "My own situation"}
        db.engine.dispose()
