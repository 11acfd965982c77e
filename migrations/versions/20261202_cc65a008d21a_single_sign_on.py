"""single sign-on: identity providers, identities, organisations requiring single sign-on,
and accounts without a password (created just in time by a sign-in)

Revision ID: cc65a008d21a
Revises: 297bd512133f
Create Date: 2026-12-02 03:47:48.949592
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'cc65a008d21a'
down_revision = '297bd512133f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('protocol', sa.String(length=10), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('client_id', sa.String(length=200), nullable=False),
    sa.Column('client_secret', sa.Text(), nullable=False),
    sa.Column('scopes', sa.String(length=300), nullable=False),
    sa.Column('claim_email', sa.String(length=100), nullable=False),
    sa.Column('claim_name', sa.String(length=100), nullable=False),
    sa.Column('claim_cvr', sa.String(length=100), nullable=False),
    sa.Column('claim_municipality', sa.String(length=100), nullable=False),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("protocol IN ('oidc', 'saml')", name=op.f('ck_sign_in_provider_protocol')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_provider')),
    sa.UniqueConstraint('key', name=op.f('uq_sign_in_provider_key'))
    )
    op.create_table('identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_identity_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity')),
    sa.UniqueConstraint('provider', 'subject', name=op.f('uq_identity_provider_subject'))
    )
    with op.batch_alter_table('identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires_sso', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('password_hash',
               existing_type=sa.VARCHAR(length=255),
               nullable=True)



def downgrade():
    # "!" is no hash werkzeug accepts: such accounts stay without a usable password.
    op.execute("UPDATE user_account SET password_hash = '!' WHERE password_hash IS NULL")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('password_hash',
               existing_type=sa.VARCHAR(length=255),
               nullable=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('requires_sso')

    with op.batch_alter_table('identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_user_id'))

    op.drop_table('identity')
    op.drop_table('sign_in_provider')
