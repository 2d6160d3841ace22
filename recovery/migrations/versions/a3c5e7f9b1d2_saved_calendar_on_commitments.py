"""saved calendar squares on commitments, so a calendar reads only the days since its saved progress

Revision ID: a3c5e7f9b1d2
Revises: 9f5b2c4d6e83
Create Date: 2026-12-02 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = '9f5b2c4d6e83'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('calendar_days', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_column('calendar_days')
        batch_op.drop_column('calendar_from')
