"""digest subscription nonce for unsubscribe links

Revision ID: b7e2f0c3d914
Revises: 8a79c8583405
Create Date: 2026-12-02 09:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2f0c3d914'
down_revision = '8a79c8583405'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('digest_subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nonce', sa.String(length=32), nullable=True))

    # Every existing choice gets a nonce of its own: links already sent for it stop working,
    # as they would after the next change of that choice.
    subscription = sa.table('digest_subscription', sa.column('id', sa.Integer),
                            sa.column('nonce', sa.String))
    bind = op.get_bind()
    for (row_id,) in bind.execute(sa.select(subscription.c.id)).all():
        bind.execute(subscription.update().where(subscription.c.id == row_id)
                     .values(nonce=secrets.token_urlsafe(16)))

    with op.batch_alter_table('digest_subscription', schema=None) as batch_op:
        batch_op.alter_column('nonce', existing_type=sa.String(length=32), nullable=False)


def downgrade():
    with op.batch_alter_table('digest_subscription', schema=None) as batch_op:
        batch_op.drop_column('nonce')
