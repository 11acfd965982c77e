"""digest delivery states sending and uncertain

Revision ID: 5c1d7e9a4b20
Revises: b7e2f0c3d914
Create Date: 2026-12-02 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1d7e9a4b20'
down_revision = 'b7e2f0c3d914'
branch_labels = None
depends_on = None

OLD_STATES = "state IN ('pending', 'retrying', 'sent', 'failed', 'skipped')"
NEW_STATES = ("state IN ('pending', 'retrying', 'sending', 'sent', 'failed', 'uncertain', "
              "'skipped')")


def upgrade():
    with op.batch_alter_table('digest_delivery', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_digest_delivery_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_digest_delivery_state'), sa.text(NEW_STATES))


def downgrade():
    # The new states have no older equivalent that keeps their meaning: a digest that may have
    # been delivered must not be sent again by itself, so it is recorded as failed for a person
    # to judge.
    delivery = sa.table('digest_delivery', sa.column('state', sa.String))
    op.execute(delivery.update().where(delivery.c.state.in_(['sending', 'uncertain']))
               .values(state='failed'))
    with op.batch_alter_table('digest_delivery', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_digest_delivery_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_digest_delivery_state'), sa.text(OLD_STATES))
