"""Partial indexes of the live (not archived) items and needs

Revision ID: 3c8e5a1f9b27
Revises: 7b2e4c9d1f30
Create Date: 2026-12-02 12:20:00

Since items and needs can be archived, the backlog, the board, the needs list and the
overview count and list only the live ones; these indexes answer those questions alone (the
overview's needs by status went from a scan of the project's needs to an index-only scan).
Indexes only: no table is rebuilt, so the search triggers need no reinstalling.
"""
import sqlalchemy as sa
from alembic import op

revision = "3c8e5a1f9b27"
down_revision = "7b2e4c9d1f30"
branch_labels = None
depends_on = None

LIVE = sa.text("archived_at IS NULL")


def upgrade():
    op.create_index("ix_need_live_project_id_status", "need", ["project_id", "status"],
                    postgresql_where=LIVE, sqlite_where=LIVE)
    op.create_index("ix_backlog_item_live_project_id_status_rank", "backlog_item",
                    ["project_id", "status", "rank"], postgresql_where=LIVE, sqlite_where=LIVE)


def downgrade():
    op.drop_index("ix_backlog_item_live_project_id_status_rank", table_name="backlog_item")
    op.drop_index("ix_need_live_project_id_status", table_name="need")
