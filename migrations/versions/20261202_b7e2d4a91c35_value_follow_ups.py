"""Benefit realisation: follow-ups of delivered needs per municipality

Revision ID: b7e2d4a91c35
Revises: 4d7e2b9c1a58
Create Date: 2026-12-02 14:30:00

A new table only. Needs delivered before this revision get no follow-ups (their delivery is
reported without them); those delivered from now on get them scheduled.
"""
import sqlalchemy as sa
from alembic import op

revision = "b7e2d4a91c35"
down_revision = "4d7e2b9c1a58"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "value_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_by_label", sa.String(length=254), nullable=False),
        sa.Column("realised_value", sa.Text(), nullable=False),
        sa.Column("measured_value", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("measured_unit", sa.String(length=40), nullable=False),
        sa.Column("rating", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating IS NULL OR rating IN ('below', 'as', 'above')",
                           name=op.f("ck_value_follow_up_rating")),
        sa.ForeignKeyConstraint(["answered_by_id"], ["user_account.id"],
                                name=op.f("fk_value_follow_up_answered_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["need_id"], ["need.id"],
                                name=op.f("fk_value_follow_up_need_id_need"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_value_follow_up_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_value_follow_up_project_id_project"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_follow_up")),
        sa.UniqueConstraint("need_id", "organisation_id", "months",
                            name=op.f("uq_value_follow_up_need_id_organisation_id_months")),
    )
    op.create_index("ix_value_follow_up_due_on_reminded_at", "value_follow_up",
                    ["due_on", "reminded_at"])
    op.create_index("ix_value_follow_up_organisation_id_due_on", "value_follow_up",
                    ["organisation_id", "due_on"])
    op.create_index(op.f("ix_value_follow_up_project_id"), "value_follow_up", ["project_id"])


def downgrade():
    op.drop_index(op.f("ix_value_follow_up_project_id"), table_name="value_follow_up")
    op.drop_index("ix_value_follow_up_organisation_id_due_on", table_name="value_follow_up")
    op.drop_index("ix_value_follow_up_due_on_reminded_at", table_name="value_follow_up")
    op.drop_table("value_follow_up")
