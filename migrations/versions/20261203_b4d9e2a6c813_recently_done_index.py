"""Board: the recently done items from an index of the done ones by their last change

Revision ID: b4d9e2a6c813
Revises: a71c3e9d5f20
Create Date: 2026-12-03 22:20:00

Without an active sprint the board shows the open items and those done in the last 14 days.
Its done column and its counts found those by reading every done item of the project (2,000
in the bench's project, a millisecond of the database's time twice a board, and growing with
every item finished). A partial index of the live done items by the time of their last change
answers from the recent ones. Index only.
"""
import sqlalchemy as sa
from alembic import op

LIVE_DONE = sa.text("status = 'done' AND archived_at IS NULL")

revision = "b4d9e2a6c813"
down_revision = "a71c3e9d5f20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_backlog_item_live_done_updated_at", "backlog_item",
                    ["project_id", "updated_at"], postgresql_include=["type", "estimate", "rank"],
                    postgresql_where=LIVE_DONE, sqlite_where=LIVE_DONE)


def downgrade():
    op.drop_index("ix_backlog_item_live_done_updated_at", table_name="backlog_item")
