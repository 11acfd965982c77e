"""Search index: generated tsvector columns with GIN indexes (PostgreSQL) or FTS5 tables kept in
step by triggers (SQLite) on items, comments, needs, discovery notes and decisions; filled
from the rows already there.

Revision ID: c4d18e5f7a20
Revises: 18f8b2e67ea8
Create Date: 2026-12-02 04:00:00
"""
from alembic import op

from app.search.schema import IndexedTable, install, uninstall

revision = 'c4d18e5f7a20'
down_revision = '18f8b2e67ea8'
branch_labels = None
depends_on = None

# The indexed columns as they stand at this revision (the areas' indexing modules name the same).
TABLES = [
    IndexedTable("backlog_item", "title", ("description", "acceptance_criteria")),
    IndexedTable("backlog_comment", None, ("body",)),
    IndexedTable("need", "title", ("background", "desired_outcome", "expected_value",
                                   "assumptions", "risks", "out_of_scope", "status_rationale",
                                   "escalation_reason")),
    IndexedTable("need_note", None, ("body",)),
    IndexedTable("decision", "title", ("text",)),
]


def upgrade():
    install(op.get_bind(), TABLES)


def downgrade():
    uninstall(op.get_bind(), TABLES)
