"""Decision records: a decision's type, state, consequences and the decisions it supersedes

Revision ID: c5f1a8e3d27b
Revises: b7e2d4a91c35
Create Date: 2026-12-02 14:35:00

Existing decisions were taken and stand: they become accepted, of an unspecified type (NULL),
without consequences. Plain ADD COLUMN (no batch rebuild of `decision`), so SQLite's search
triggers on the table stay as they are; the state and type checks are added on PostgreSQL,
where a table keeps its rows while a constraint is added.
"""
import sqlalchemy as sa
from alembic import op

revision = "c5f1a8e3d27b"
down_revision = "b7e2d4a91c35"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("decision", sa.Column("decision_type", sa.String(length=20), nullable=True))
    op.add_column("decision", sa.Column("state", sa.String(length=20), nullable=False,
                                        server_default="accepted"))
    op.add_column("decision", sa.Column("consequences", sa.Text(), nullable=False,
                                        server_default=""))
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("decision", "state", server_default=None)
        op.alter_column("decision", "consequences", server_default=None)
        op.create_check_constraint(
            op.f("ck_decision_state"), "decision",
            "state IN ('proposed', 'accepted', 'superseded', 'rejected')")
        op.create_check_constraint(
            op.f("ck_decision_decision_type"), "decision",
            "decision_type IS NULL OR decision_type IN ('strategic', 'architecture', "
            "'operational')")
    op.create_table(
        "decision_supersession",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("superseded_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decision.id"],
                                name=op.f("fk_decision_supersession_decision_id_decision"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["superseded_id"], ["decision.id"],
                                name=op.f("fk_decision_supersession_superseded_id_decision"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("decision_id", "superseded_id",
                                name=op.f("pk_decision_supersession")),
    )
    op.create_index(op.f("ix_decision_supersession_superseded_id"), "decision_supersession",
                    ["superseded_id"])


def downgrade():
    op.drop_index(op.f("ix_decision_supersession_superseded_id"),
                  table_name="decision_supersession")
    op.drop_table("decision_supersession")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_decision_decision_type"), "decision", type_="check")
        op.drop_constraint(op.f("ck_decision_state"), "decision", type_="check")
    op.drop_column("decision", "consequences")
    op.drop_column("decision", "state")
    op.drop_column("decision", "decision_type")
