"""plan for hard days: one plan per person in recovery, section by section

Warning signs, triggers, coping on my own, people and places, people to ask, professionals, a safer place
and reasons to keep going (lists kept as JSON), and a note for the people the plan is shared with.

Revision ID: 7d3f0a2b4c61
Revises: 6c2e9f4a1b57
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3f0a2b4c61'
down_revision = '6c2e9f4a1b57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hard_days_plans',
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('warning_signs', sa.JSON(), nullable=False),
    sa.Column('coping', sa.JSON(), nullable=False),
    sa.Column('comfort', sa.JSON(), nullable=False),
    sa.Column('safer', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('triggers', sa.JSON(), nullable=False),
    sa.Column('helpers', sa.JSON(), nullable=False),
    sa.Column('professionals', sa.JSON(), nullable=False),
    sa.Column('how_to_help', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_hard_days_plans_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hard_days_plans')),
    sa.UniqueConstraint('owner_id', name=op.f('uq_hard_days_plans_owner_id'))
    )


def downgrade():
    op.drop_table('hard_days_plans')
