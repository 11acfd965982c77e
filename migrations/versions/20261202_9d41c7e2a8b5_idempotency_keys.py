"""Idempotency keys of creation forms

Revision ID: 9d41c7e2a8b5
Revises: b7d4e2a9c613
Create Date: 2026-12-02 14:40:00

A creation form (an item, a need) carries a random key; a form sent again after a connection
error finds its key here and answers with what the first sending made, never a duplicate.
A new table only: no table is rebuilt, so the search triggers need no reinstalling.
"""
import sqlalchemy as sa
from alembic import op

revision = "9d41c7e2a8b5"
down_revision = "b7d4e2a9c613"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "idempotency_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_idempotency_key_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_key")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_idempotency_key_user_id_key")),
    )
    op.create_index(op.f("ix_idempotency_key_created_at"), "idempotency_key", ["created_at"],
                    unique=False)


def downgrade():
    op.drop_index(op.f("ix_idempotency_key_created_at"), table_name="idempotency_key")
    op.drop_table("idempotency_key")
