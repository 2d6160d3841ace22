"""looking after me: a loved one's wellbeing checks and CRAFT worksheets

Wellbeing checks: eight 1-10 answers (sleep, work or daily tasks, friends and fun, health, time for
myself, money, feelings, the relationship) and a private note, at most one a week per loved one.
Worksheets: noticing good days, stepping back (with the day its safety questions were last all "no")
and problem-solving, their words kept as JSON by part. Private to their owner; nothing is shared.

Revision ID: 8e4a1b3c5d72
Revises: 7d3f0a2b4c61
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e4a1b3c5d72'
down_revision = '7d3f0a2b4c61'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('wellbeing_checks',
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('sleep', sa.Integer(), nullable=False),
    sa.Column('daily', sa.Integer(), nullable=False),
    sa.Column('friends', sa.Integer(), nullable=False),
    sa.Column('health', sa.Integer(), nullable=False),
    sa.Column('me_time', sa.Integer(), nullable=False),
    sa.Column('money', sa.Integer(), nullable=False),
    sa.Column('feelings', sa.Integer(), nullable=False),
    sa.Column('relationship', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('daily BETWEEN 1 AND 10', name=op.f('ck_wellbeing_checks_daily')),
    sa.CheckConstraint('feelings BETWEEN 1 AND 10', name=op.f('ck_wellbeing_checks_feelings')),
    sa.CheckConstraint('friends BETWEEN 1 AND 10', name=op.f('ck_wellbeing_checks_friends')),
    sa.CheckConstraint('health BETWEEN 1 AND 10', name=op.f('ck_wellbeing_checks_health')),
    sa.CheckConstraint('me_time BETWEEN 1 AND 10', name=op.f('ck_wellbeing_checks_me_time')),
    sa.CheckConstraint('money BETWEEN 1 AND 10', name=op.f('ck_wellbeing_checks_money')),
    sa.CheckConstraint('relationship BETWEEN 1 AND 10', name=op.f('ck_wellbeing_checks_relationship')),
    sa.CheckConstraint('sleep BETWEEN 1 AND 10', name=op.f('ck_wellbeing_checks_sleep')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_wellbeing_checks_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wellbeing_checks'))
    )
    with op.batch_alter_table('wellbeing_checks', schema=None) as batch_op:
        batch_op.create_index('ix_wellbeing_checks_owner_date', ['owner_id', 'local_date'], unique=False)

    op.create_table('wellbeing_worksheets',
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('safe_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('good_days', 'stepping_back', 'problem_solving')", name=op.f('ck_wellbeing_worksheets_kind')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_wellbeing_worksheets_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wellbeing_worksheets'))
    )
    with op.batch_alter_table('wellbeing_worksheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wellbeing_worksheets_owner_id'), ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('wellbeing_worksheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wellbeing_worksheets_owner_id'))

    op.drop_table('wellbeing_worksheets')
    with op.batch_alter_table('wellbeing_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_wellbeing_checks_owner_date')

    op.drop_table('wellbeing_checks')
