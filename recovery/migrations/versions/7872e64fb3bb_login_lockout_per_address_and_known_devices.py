"""login lockout per address and known devices: throttle rows tied to their email, and the known_devices table

Revision ID: 7872e64fb3bb
Revises: 7c3e91d0a5b2
Create Date: 2026-11-30 21:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7872e64fb3bb'
down_revision = '7c3e91d0a5b2'
branch_labels = None
depends_on = None


def upgrade():
    # Rows from before keep account_key empty: they expire within the lockout time, and deleting an
    # account also matches its rows by key.
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_login_throttles_account_key'), ['account_key'], unique=False)
    op.create_table('known_devices',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_known_devices_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_known_devices')),
    sa.UniqueConstraint('user_id', 'token_hash', name=op.f('uq_known_devices_user_id_token_hash'))
    )
    with op.batch_alter_table('known_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_known_devices_token_hash'), ['token_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_known_devices_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('known_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_known_devices_user_id'))
        batch_op.drop_index(batch_op.f('ix_known_devices_token_hash'))
    op.drop_table('known_devices')
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_account_key'))
        batch_op.drop_column('account_key')
