"""personal access tokens for the JSON API

Revision ID: d9a3c71e4b52
Revises: 5a3e1f0b7c21
Create Date: 2026-12-02 07:20:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'd9a3c71e4b52'
down_revision = '5a3e1f0b7c21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'access_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('hint', sa.String(length=12), nullable=False),
        sa.Column('can_write', sa.Boolean(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_access_token_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_token')),
        sa.UniqueConstraint('digest', name=op.f('uq_access_token_digest')),
    )
    with op.batch_alter_table('access_token', schema=None) as batch_op:
        batch_op.create_index('ix_access_token_user_id_created_at', ['user_id', 'created_at'],
                              unique=False)
    op.create_table(
        'access_token_project',
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_access_token_project_project_id_project'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['token_id'], ['access_token.id'],
                                name=op.f('fk_access_token_project_token_id_access_token'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_id', 'project_id', name=op.f('pk_access_token_project')),
    )
    with op.batch_alter_table('access_token_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_token_project_project_id'), ['project_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('access_token_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_token_project_project_id'))
    op.drop_table('access_token_project')
    with op.batch_alter_table('access_token', schema=None) as batch_op:
        batch_op.drop_index('ix_access_token_user_id_created_at')
    op.drop_table('access_token')
