"""notifications: settings, sent notifications, circle alerts, push subscriptions

What each person chose to hear about (all off until chosen), one row per thing sent (unique per
person, kind and key, so a job that runs twice sends once), the quiet-days and reach-out choices
per connection, and the browsers subscribed to web push.

Revision ID: 6c2e9f4a1b57
Revises: 5b1d2e8f3a40
Create Date: 2026-12-01 03:35:19.257788

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c2e9f4a1b57'
down_revision = '5b1d2e8f3a40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('by_email', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('by_push', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('daily_on', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('daily_time', sa.Time(), nullable=False),
    sa.Column('weekly_on', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('weekly_day', sa.Integer(), server_default='6', nullable=False),
    sa.Column('circle_on', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('quiet_start', sa.Time(), nullable=True),
    sa.Column('quiet_end', sa.Time(), nullable=True),
    sa.Column('full_wording', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('calendar_alarm', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('prompt_done', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('weekly_day BETWEEN 0 AND 6', name=op.f('ck_notification_settings_weekly_day')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_settings'))
    )
    op.create_table('notifications',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('about_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('channels', sa.String(length=20), server_default='', nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['about_id'], ['users.id'], name=op.f('fk_notifications_about_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'kind', 'key', name='uq_notifications_once')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_about_id'), ['about_id'], unique=False)
        batch_op.create_index('ix_notifications_undelivered', ['delivered_at', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)

    op.create_table('push_subscriptions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=1000), nullable=False),
    sa.Column('endpoint_hash', sa.String(length=64), nullable=False),
    sa.Column('p256dh', sa.String(length=200), nullable=False),
    sa.Column('auth', sa.String(length=100), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_push_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
    sa.UniqueConstraint('endpoint_hash', name=op.f('uq_push_subscriptions_endpoint_hash'))
    )
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table('circle_alerts',
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('quiet_days', sa.Integer(), nullable=True),
    sa.Column('quiet_since', sa.DateTime(), nullable=True),
    sa.Column('reach_out', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('quiet_days IS NULL OR quiet_days BETWEEN 2 AND 14', name=op.f('ck_circle_alerts_quiet_days')),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_circle_alerts_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('connection_id', name=op.f('pk_circle_alerts'))
    )


def downgrade():
    op.drop_table('circle_alerts')
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_user_id'))

    op.drop_table('push_subscriptions')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_user_id'))
        batch_op.drop_index('ix_notifications_undelivered')
        batch_op.drop_index(batch_op.f('ix_notifications_about_id'))

    op.drop_table('notifications')
    op.drop_table('notification_settings')
