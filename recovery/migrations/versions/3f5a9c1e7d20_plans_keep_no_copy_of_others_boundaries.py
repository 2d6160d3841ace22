"""plans keep no copy of someone else's boundary: clear answers copied from another person's words

A plan started from a loved one's shared boundary used to copy their words into its answers, so the
words outlived the sharing. Plans now keep only the link and show the words while they are shared
(SECURITY.md 26). This clears every answer that is, word for word, one version of a linked boundary
that belongs to someone else. The plan's owner's own words stay.

Revision ID: 3f5a9c1e7d20
Revises: 7872e64fb3bb
Create Date: 2026-11-30 22:10:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f5a9c1e7d20'
down_revision = '7872e64fb3bb'
branch_labels = None
depends_on = None

plans = sa.table('conversation_plans', sa.column('id', sa.Integer), sa.column('owner_id', sa.Integer),
                 sa.column('boundary_id', sa.Integer), sa.column('answers', sa.JSON))
boundaries = sa.table('boundaries', sa.column('id', sa.Integer), sa.column('owner_id', sa.Integer))
versions = sa.table('boundary_versions', sa.column('boundary_id', sa.Integer), sa.column('situation', sa.String),
                    sa.column('my_action', sa.String), sa.column('need', sa.String), sa.column('request', sa.String))


def upgrade():
    conn = op.get_bind()
    linked = conn.execute(
        sa.select(plans.c.id, plans.c.boundary_id, plans.c.answers)
        .join(boundaries, boundaries.c.id == plans.c.boundary_id)
        .where(boundaries.c.owner_id != plans.c.owner_id)
    ).all()
    for plan_id, boundary_id, answers in linked:
        if isinstance(answers, str):
            answers = json.loads(answers)
        words = set()
        for row in conn.execute(sa.select(versions.c.situation, versions.c.my_action, versions.c.need,
                                          versions.c.request).where(versions.c.boundary_id == boundary_id)):
            words.update(w.strip() for w in row if w and w.strip())
        kept = {key: ("" if isinstance(value, str) and value.strip() in words else value)
                for key, value in (answers or {}).items()}
        if kept != answers:
            conn.execute(sa.update(plans).where(plans.c.id == plan_id).values(answers=kept))


def downgrade():
    pass  # the cleared words are gone for good, as they should be
