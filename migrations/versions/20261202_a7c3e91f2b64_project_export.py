"""Project archives made for download (app/archive)

Revision ID: a7c3e91f2b64
Revises: 7e4c2a9b1d60
Create Date: 2026-12-02 10:30:00

A new table only: no indexed table is touched, so the search triggers need no reinstalling.
"""
import sqlalchemy as sa
from alembic import op

revision = "a7c3e91f2b64"
down_revision = "7e4c2a9b1d60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "project_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("file_name", sa.String(length=40), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'running', 'ready', 'failed')",
                           name=op.f("ck_project_export_state")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_project_export_project_id_project"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["user_account.id"],
                                name=op.f("fk_project_export_requested_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_export")),
        sa.UniqueConstraint("file_name", name=op.f("uq_project_export_file_name")),
    )
    with op.batch_alter_table("project_export", schema=None) as batch_op:
        batch_op.create_index("ix_project_export_project_id_created_at",
                              ["project_id", "created_at"], unique=False)
        batch_op.create_index("ix_project_export_state", ["state"], unique=False)


def downgrade():
    op.drop_table("project_export")
