"""Imported items keep their key and address in the tool they came from

Revision ID: f2b8c4d61e07
Revises: 7f3c2a9e1d64
Create Date: 2026-12-02 10:30:00

Plain ADD COLUMN and CREATE INDEX (no batch rebuild of backlog_item), so SQLite's search
triggers on the table stay as they are.
"""
import sqlalchemy as sa
from alembic import op

revision = "f2b8c4d61e07"
down_revision = "7f3c2a9e1d64"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("backlog_item", sa.Column("external_key", sa.String(length=100), nullable=True))
    op.add_column("backlog_item", sa.Column("external_url", sa.String(length=500), nullable=True))
    op.create_index("ix_backlog_item_project_id_external_key", "backlog_item",
                    ["project_id", "external_key"], unique=True)


def downgrade():
    op.drop_index("ix_backlog_item_project_id_external_key", table_name="backlog_item")
    op.drop_column("backlog_item", "external_url")
    op.drop_column("backlog_item", "external_key")
