"""Estimates and funding: need estimates, budgets per year, orders, pledges, loans and repayments

Revision ID: 67186973639b
Revises: 9d41c7e2a8b5
Create Date: 2026-12-02 14:10:52

New tables only. `need_order.round_id` has no foreign key: the rounds table belongs to an area
above funding and arrives in its own migration.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '67186973639b'
down_revision = '9d41c7e2a8b5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('loan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(12, 2), nullable=False),
    sa.Column('lent_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_loan_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_loan_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_loan_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan'))
    )
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.create_index('ix_loan_project_id_organisation_id', ['project_id', 'organisation_id'], unique=False)

    op.create_table('project_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(12, 2), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_budget_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_project_budget_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_budget')),
    sa.UniqueConstraint('project_id', 'year', name=op.f('uq_project_budget_project_id_year'))
    )
    op.create_table('need_estimate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('hours_low', sa.Integer(), nullable=True),
    sa.Column('hours_high', sa.Integer(), nullable=True),
    sa.Column('amount_low', sa.Numeric(12, 2), nullable=True),
    sa.Column('amount_high', sa.Numeric(12, 2), nullable=True),
    sa.Column('assumptions', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_need_estimate_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_estimate_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_estimate'))
    )
    with op.batch_alter_table('need_estimate', schema=None) as batch_op:
        batch_op.create_index('ix_need_estimate_need_id_created_at', ['need_id', 'created_at'], unique=False)

    op.create_table('need_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(12, 2), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ordered_by_id', sa.Integer(), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_order_need_id_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ordered_by_id'], ['user_account.id'], name=op.f('fk_need_order_ordered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_need_order_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_order')),
    sa.UniqueConstraint('need_id', name=op.f('uq_need_order_need_id'))
    )
    with op.batch_alter_table('need_order', schema=None) as batch_op:
        batch_op.create_index('ix_need_order_project_id_year', ['project_id', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_order_round_id'), ['round_id'], unique=False)

    op.create_table('pledge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(12, 2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_changed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pledged', 'confirmed', 'invoiced', 'withdrawn')", name=op.f('ck_pledge_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_pledge_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_pledge_need_id_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_pledge_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_pledge_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_changed_by_id'], ['user_account.id'], name=op.f('fk_pledge_status_changed_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge'))
    )
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_pledge_live_need_id_organisation_id', ['need_id', 'organisation_id'], unique=True, postgresql_where=sa.text("status <> 'withdrawn'"), sqlite_where=sa.text("status <> 'withdrawn'"))
        batch_op.create_index(batch_op.f('ix_pledge_need_id'), ['need_id'], unique=False)
        batch_op.create_index('ix_pledge_project_id_organisation_id', ['project_id', 'organisation_id'], unique=False)

    op.create_table('loan_repayment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(12, 2), nullable=False),
    sa.Column('repaid_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_loan_repayment_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], name=op.f('fk_loan_repayment_loan_id_loan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_loan_repayment_pledge_id_pledge'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_repayment'))
    )
    with op.batch_alter_table('loan_repayment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_repayment_loan_id'), ['loan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loan_repayment_pledge_id'), ['pledge_id'], unique=False)



def downgrade():
    with op.batch_alter_table('loan_repayment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_repayment_pledge_id'))
        batch_op.drop_index(batch_op.f('ix_loan_repayment_loan_id'))

    op.drop_table('loan_repayment')
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.drop_index('ix_pledge_project_id_organisation_id')
        batch_op.drop_index(batch_op.f('ix_pledge_need_id'))
        batch_op.drop_index('ix_pledge_live_need_id_organisation_id', postgresql_where=sa.text("status <> 'withdrawn'"), sqlite_where=sa.text("status <> 'withdrawn'"))
        batch_op.drop_index(batch_op.f('ix_pledge_created_at'))

    op.drop_table('pledge')
    with op.batch_alter_table('need_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_order_round_id'))
        batch_op.drop_index('ix_need_order_project_id_year')

    op.drop_table('need_order')
    with op.batch_alter_table('need_estimate', schema=None) as batch_op:
        batch_op.drop_index('ix_need_estimate_need_id_created_at')

    op.drop_table('need_estimate')
    op.drop_table('project_budget')
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_project_id_organisation_id')

    op.drop_table('loan')
