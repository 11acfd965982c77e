"""The needs list's page chosen from an index: the live needs by project, newest first

Revision ID: a71c3e9d5f20
Revises: e8a4c2f71b90
Create Date: 2026-12-03 09:40:00

The needs list picks its page of 25 from the ids and sort keys alone, with the count of all
that match; a project's 1,500 needs were read whole for that (their texts make a need row
several kilobytes: 2.8 ms of reading on PostgreSQL). This index of the live needs by project,
creation time and number (with the id, on PostgreSQL) answers the newest-first page and the
count without reading a need. Indexes only.
"""
import sqlalchemy as sa
from alembic import op

LIVE = sa.text("archived_at IS NULL")

revision = "a71c3e9d5f20"
down_revision = "e8a4c2f71b90"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_need_live_newest", "need", ["project_id", "created_at", "number"],
                    postgresql_include=["id"], postgresql_where=LIVE, sqlite_where=LIVE)


def downgrade():
    op.drop_index("ix_need_live_newest", table_name="need")
