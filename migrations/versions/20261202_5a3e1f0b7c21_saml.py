"""single sign-on with SAML 2.0: the identity provider's metadata and attribute names on a
provider, and the assertions already used (replay protection)

Revision ID: 5a3e1f0b7c21
Revises: c4d18e5f7a20
Create Date: 2026-12-02 06:50:00
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5a3e1f0b7c21'
down_revision = 'c4d18e5f7a20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saml_seen_assertion',
    sa.Column('assertion_id', sa.String(length=255), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('assertion_id', name=op.f('pk_saml_seen_assertion'))
    )
    with op.batch_alter_table('saml_seen_assertion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saml_seen_assertion_expires_at'), ['expires_at'],
                              unique=False)

    with op.batch_alter_table('sign_in_provider', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idp_metadata', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('idp_metadata_url', sa.String(length=500),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('claim_privileges', sa.String(length=200),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('claim_loa', sa.String(length=200), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('sign_in_provider', schema=None) as batch_op:
        batch_op.drop_column('claim_loa')
        batch_op.drop_column('claim_privileges')
        batch_op.drop_column('idp_metadata_url')
        batch_op.drop_column('idp_metadata')

    with op.batch_alter_table('saml_seen_assertion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saml_seen_assertion_expires_at'))

    op.drop_table('saml_seen_assertion')
