"""Archiving items and needs, edited comments, and tombstones of deleted items and needs

Revision ID: 7e4c2a9b1d60
Revises: f2b8c4d61e07
Create Date: 2026-12-02 10:40:00

Items, needs and comments are indexed for search: on SQLite the batch alter rebuilds their
tables and loses the FTS triggers, so they are installed again afterwards.
"""
import sqlalchemy as sa
from alembic import op

from app.search.schema import IndexedTable, install

revision = "7e4c2a9b1d60"
down_revision = "f2b8c4d61e07"
branch_labels = None
depends_on = None

# The indexed columns as they stand at this revision.
TABLES = [
    IndexedTable("backlog_item", "title", ("description", "acceptance_criteria")),
    IndexedTable("backlog_comment", None, ("body",)),
    IndexedTable("need", "title", ("background", "desired_outcome", "expected_value",
                                   "assumptions", "risks", "out_of_scope", "status_rationale",
                                   "escalation_reason")),
]


def _reinstall_search():
    if op.get_bind().dialect.name == "sqlite":
        install(op.get_bind(), TABLES)


def upgrade():
    op.create_table(
        "tombstone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("deleted_by_label", sa.String(length=254), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('item', 'need')", name=op.f("ck_tombstone_kind")),
        sa.ForeignKeyConstraint(["deleted_by_id"], ["user_account.id"],
                                name=op.f("fk_tombstone_deleted_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_tombstone_project_id_project"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstone")),
        sa.UniqueConstraint("project_id", "kind", "number",
                            name=op.f("uq_tombstone_project_id_kind_number")),
    )
    with op.batch_alter_table("tombstone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tombstone_deleted_at"), ["deleted_at"], unique=False)
    for table in ("backlog_item", "need"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True),
                                          nullable=True))
            batch_op.add_column(sa.Column("archived_by_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_archived_by_id_user_account"),
                                        "user_account", ["archived_by_id"], ["id"],
                                        ondelete="SET NULL")
    with op.batch_alter_table("backlog_comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
    _reinstall_search()


def downgrade():
    with op.batch_alter_table("backlog_comment", schema=None) as batch_op:
        batch_op.drop_column("edited_at")
    for table in ("need", "backlog_item"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_archived_by_id_user_account"),
                                     type_="foreignkey")
            batch_op.drop_column("archived_by_id")
            batch_op.drop_column("archived_at")
    _reinstall_search()
    with op.batch_alter_table("tombstone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tombstone_deleted_at"))
    op.drop_table("tombstone")
