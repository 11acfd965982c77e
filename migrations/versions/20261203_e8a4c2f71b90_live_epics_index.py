"""Board indexes: the live epics by rank, and the column counts from the index alone

Revision ID: e8a4c2f71b90
Revises: c5f1a8e3d27b
Create Date: 2026-12-03 09:00:00

The board, the backlog's filters and the item form read a project's epics in rank order; they
were found by reading every item of the project (3 ms of a 3,000-item project's board on
PostgreSQL). A partial index of the live epics answers from a handful of rows.

The board counts each column's cards and points over the whole column; on PostgreSQL the live
items' (project, status, rank) index now includes the type, estimate and time of the last
change those counts read, so they are read from the index alone (5 ms to 2.4 ms for a column
of 4,000 cards). Indexes only.
"""
import sqlalchemy as sa
from alembic import op

LIVE = sa.text("archived_at IS NULL")
LIVE_EPICS = sa.text("type = 'epic' AND archived_at IS NULL")
BY_STATUS = "ix_backlog_item_live_project_id_status_rank"

revision = "e8a4c2f71b90"
down_revision = "c5f1a8e3d27b"
branch_labels = None
depends_on = None


def _by_status(**include):
    op.drop_index(BY_STATUS, table_name="backlog_item")
    op.create_index(BY_STATUS, "backlog_item", ["project_id", "status", "rank"],
                    postgresql_where=LIVE, sqlite_where=LIVE, **include)


def upgrade():
    op.create_index("ix_backlog_item_live_epics", "backlog_item", ["project_id", "rank"],
                    postgresql_where=LIVE_EPICS, sqlite_where=LIVE_EPICS)
    if op.get_bind().dialect.name == "postgresql":
        _by_status(postgresql_include=["type", "estimate", "updated_at"])


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _by_status()
    op.drop_index("ix_backlog_item_live_epics", table_name="backlog_item")
