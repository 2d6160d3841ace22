"""supporters: a third role, supporters' ties with consent, consent history and supporters' notes

Users: the role may be "supporter", with a kind (sponsor, counsellor, coach, other) and the day a host
approved them. Connections: a supporter's tie has supporter_id and exactly one of person_id or
loved_one_id (the person who chose them), and the instant its consent ends; a circle connection keeps
both members and no end. Invitations: a kind (circle or support) and the consent offered. Consents: one
row per version, never changed. Supporter notes: the supporter's own, shared only if they choose.

Revision ID: 9f5b2c4d6e83
Revises: 8e4a1b3c5d72
Create Date: 2026-12-01 08:16:39.718113

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9f5b2c4d6e83'
down_revision = '8e4a1b3c5d72'
branch_labels = None
depends_on = None

MEMBERS = ("(supporter_id IS NULL AND person_id IS NOT NULL AND loved_one_id IS NOT NULL"
           " AND consent_ends_at IS NULL)"
           " OR (supporter_id IS NOT NULL AND consent_ends_at IS NOT NULL"
           " AND ((person_id IS NULL AND loved_one_id IS NOT NULL)"
           " OR (person_id IS NOT NULL AND loved_one_id IS NULL)))")


def upgrade():
    op.create_table('supporter_notes',
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('about_id', sa.Integer(), nullable=True),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('shared', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['about_id'], ['users.id'], name=op.f('fk_supporter_notes_about_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_supporter_notes_author_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supporter_notes'))
    )
    with op.batch_alter_table('supporter_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supporter_notes_about_id'), ['about_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supporter_notes_author_id'), ['author_id'], unique=False)

    op.create_table('consents',
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('purpose', sa.String(length=300), nullable=False),
    sa.Column('supported_name', sa.String(length=60), nullable=False),
    sa.Column('supporter_name', sa.String(length=60), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_consents_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_consents_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_connection_id'), ['connection_id'], unique=False)

    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supporter_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('consent_ends_at', sa.DateTime(), nullable=True))
        batch_op.alter_column('person_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('loved_one_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_connections_supporter_id'), ['supporter_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_connections_loved_one_id_supporter_id'), ['loved_one_id', 'supporter_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_connections_person_id_supporter_id'), ['person_id', 'supporter_id'])
        batch_op.create_foreign_key(batch_op.f('fk_connections_supporter_id_users'), 'users', ['supporter_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(batch_op.f('ck_connections_members'), MEMBERS)

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='circle', nullable=False))
        batch_op.add_column(sa.Column('consent', sa.JSON(), server_default='{}', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supporter_kind', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), "role IN ('person', 'loved_one', 'supporter')")



def downgrade():
    # The old checks can't hold supporters' ties or accounts: the ties (and their consents, and any rows
    # pointing at them) go, and a supporter's account becomes a loved one's, keeping its own rows whole.
    support = "SELECT id FROM connections WHERE supporter_id IS NOT NULL"
    for table in ("consents", "share_grants", "circle_alerts"):
        op.execute(f"DELETE FROM {table} WHERE connection_id IN ({support})")
    for table in ("amends_entries", "conversation_plans", "commitments"):
        op.execute(f"UPDATE {table} SET connection_id = NULL WHERE connection_id IN ({support})")
    op.execute("DELETE FROM connections WHERE supporter_id IS NOT NULL")
    op.execute("UPDATE users SET role = 'loved_one' WHERE role = 'supporter'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), "role IN ('person', 'loved_one')")
        batch_op.drop_column('approved_at')
        batch_op.drop_column('supporter_kind')

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('consent')
        batch_op.drop_column('kind')

    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_connections_members'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_connections_supporter_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_connections_person_id_supporter_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_connections_loved_one_id_supporter_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_connections_supporter_id'))
        batch_op.alter_column('loved_one_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.alter_column('person_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('consent_ends_at')
        batch_op.drop_column('supporter_id')

    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_connection_id'))

    op.drop_table('consents')
    with op.batch_alter_table('supporter_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supporter_notes_author_id'))
        batch_op.drop_index(batch_op.f('ix_supporter_notes_about_id'))

    op.drop_table('supporter_notes')
