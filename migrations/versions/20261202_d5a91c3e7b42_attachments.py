"""Attachments on needs, discovery notes, items, comments and decisions

Revision ID: d5a91c3e7b42
Revises: d9a3c71e4b52
Create Date: 2026-12-02 07:15:00

The attachment table names its container by kind and id, so no indexed table is touched and
the search triggers need no reinstalling.
"""
import sqlalchemy as sa
from alembic import op



revision = "d5a91c3e7b42"
down_revision = 'd9a3c71e4b52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("container_kind", sa.String(length=20), nullable=False),
        sa.Column("container_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("thumbnail_key", sa.String(length=100), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_label", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["deleted_by_id"], ["user_account.id"],
                                name=op.f("fk_attachment_deleted_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_attachment_project_id_project"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user_account.id"],
                                name=op.f("fk_attachment_uploaded_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index("ix_attachment_container",
                              ["project_id", "container_kind", "container_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_deleted_at"), ["deleted_at"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_uploaded_by_id"), ["uploaded_by_id"],
                              unique=False)


def downgrade():
    op.drop_table("attachment")
