"""safety first: a loved one can say no to amends contact, help lines by country, children opt in to confirming

Revision ID: 7c3e91d0a5b2
Revises: 5e0c7d2b9a41
Create Date: 2026-11-30 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e91d0a5b2'
down_revision = '5e0c7d2b9a41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), server_default='', nullable=False))
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('loved_one_confirms', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
    # A child of the person is never asked to confirm by default.
    op.execute("UPDATE connections SET loved_one_confirms = false WHERE relationship = 'child'")
    with op.batch_alter_table('amends_openness', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_amends_openness_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_amends_openness_status'), "status IN ('not_yet', 'maybe_later', 'yes', 'no')")


def downgrade():
    op.execute("UPDATE amends_openness SET status = 'not_yet' WHERE status = 'no'")
    with op.batch_alter_table('amends_openness', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_amends_openness_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_amends_openness_status'), "status IN ('not_yet', 'maybe_later', 'yes')")
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.drop_column('loved_one_confirms')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('country')
