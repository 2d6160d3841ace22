"""saved progress on commitments, so pages don't replay all of history

Revision ID: 5e0c7d2b9a41
Revises: 13a0b2a664d3
Create Date: 2026-11-22 23:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e0c7d2b9a41'
down_revision = '13a0b2a664d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progress_through', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('progress_score', sa.Float(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('progress_current', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('progress_best', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('progress_settled', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('progress_key', sa.String(length=40), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_column('progress_key')
        batch_op.drop_column('progress_settled')
        batch_op.drop_column('progress_best')
        batch_op.drop_column('progress_current')
        batch_op.drop_column('progress_score')
        batch_op.drop_column('progress_through')
