"""Code forges: a project's receiving address and secret for GitHub and GitLab, and the
commits, pull/merge requests and releases that name its items

Revision ID: 7f3c2a9e1d64
Revises: d5a91c3e7b42
Create Date: 2026-12-02 10:48:37

New tables only: no indexed table is touched, so the search triggers need no reinstalling.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f3c2a9e1d64'
down_revision = 'd5a91c3e7b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('forge_receiver',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('moves_to_review', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('secret_made_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_forge_receiver_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forge_receiver')),
    sa.UniqueConstraint('project_id', name=op.f('uq_forge_receiver_project_id')),
    sa.UniqueConstraint('token', name=op.f('uq_forge_receiver_token'))
    )
    op.create_table('development_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('repository', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['backlog_item.id'], name=op.f('fk_development_link_item_id_backlog_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_development_link_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_link')),
    sa.UniqueConstraint('item_id', 'provider', 'kind', 'repository', 'reference', name=op.f('uq_development_link_item_id_provider_kind_repository_reference'))
    )
    with op.batch_alter_table('development_link', schema=None) as batch_op:
        batch_op.create_index('ix_development_link_item_id_created_at', ['item_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_development_link_project_id'), ['project_id'], unique=False)



def downgrade():
    with op.batch_alter_table('development_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_development_link_project_id'))
        batch_op.drop_index('ix_development_link_item_id_created_at')

    op.drop_table('development_link')
    op.drop_table('forge_receiver')
