"""The live items by rank: the backlog's position count and its first page, index-only

Revision ID: 9d41c7e2a5b8
Revises: 3c8e5a1f9b27
Create Date: 2026-12-02 15:00:00

A rank change announces the item's new position: the live items ranked above it, counted.
By (project_id, rank) that count read every one of up to thousands of rows from the table
to see whether it is archived (~9 ms at the bottom of 3,000 on the shared bench machine); by
this partial index it is an index-only scan (~0.8 ms). Index only: no table is rebuilt.
"""
import sqlalchemy as sa
from alembic import op

revision = "9d41c7e2a5b8"
down_revision = "3c8e5a1f9b27"
branch_labels = None
depends_on = None

LIVE = sa.text("archived_at IS NULL")


def upgrade():
    op.create_index("ix_backlog_item_live_project_id_rank", "backlog_item",
                    ["project_id", "rank"], postgresql_where=LIVE, sqlite_where=LIVE)


def downgrade():
    op.drop_index("ix_backlog_item_live_project_id_rank", table_name="backlog_item")
