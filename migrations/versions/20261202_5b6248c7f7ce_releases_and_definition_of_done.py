"""Releases and the definition of done

Revision ID: 5b6248c7f7ce
Revises: 9d41c7e2a5b8
Create Date: 2026-12-02 14:20:00

Releases (versions the test municipalities sign off), their items and test municipalities;
the project's definition of done and each item's answers to it. New tables only.
"""
import sqlalchemy as sa
from alembic import op

revision = "5b6248c7f7ce"
down_revision = "9d41c7e2a5b8"
branch_labels = None
depends_on = None


def _fk(column, target, name, ondelete=None):
    return sa.ForeignKeyConstraint([column], [target], name=op.f(name), ondelete=ondelete)


def upgrade():
    op.create_table(
        "done_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        _fk("project_id", "project.id", "fk_done_criterion_project_id_project", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_done_criterion")),
        sa.UniqueConstraint("project_id", "position",
                            name=op.f("uq_done_criterion_project_id_position")))
    op.create_table(
        "product_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("test_from", sa.Date(), nullable=True),
        sa.Column("test_to", sa.Date(), nullable=True),
        sa.Column("notes_da", sa.Text(), nullable=False),
        sa.Column("notes_en", sa.Text(), nullable=False),
        sa.Column("is_notes_edited", sa.Boolean(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "state IN ('planned', 'in_test', 'accepted', 'released', 'cancelled')",
            name=op.f("ck_product_release_state")),
        sa.CheckConstraint("test_to IS NULL OR test_from IS NULL OR test_to >= test_from",
                           name=op.f("ck_product_release_test_window")),
        _fk("created_by_id", "user_account.id",
            "fk_product_release_created_by_id_user_account", "SET NULL"),
        _fk("project_id", "project.id", "fk_product_release_project_id_project", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_release")),
        sa.UniqueConstraint("project_id", "number",
                            name=op.f("uq_product_release_project_id_number")))
    op.create_table(
        "release_tester",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=30), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("decision IS NULL OR decision IN "
                           "('approved', 'approved_with_remarks', 'not_approved')",
                           name=op.f("ck_release_tester_decision")),
        _fk("organisation_id", "organisation.id",
            "fk_release_tester_organisation_id_organisation"),
        _fk("release_id", "product_release.id", "fk_release_tester_release_id_product_release",
            "CASCADE"),
        _fk("signed_by_id", "user_account.id", "fk_release_tester_signed_by_id_user_account",
            "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_tester")),
        sa.UniqueConstraint("release_id", "organisation_id",
                            name=op.f("uq_release_tester_release_id_organisation_id")))
    op.create_index(op.f("ix_release_tester_organisation_id"), "release_tester",
                    ["organisation_id"], unique=False)
    op.create_table(
        "done_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=300), nullable=False),
        sa.Column("is_met", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        _fk("checked_by_id", "user_account.id", "fk_done_check_checked_by_id_user_account",
            "SET NULL"),
        _fk("item_id", "backlog_item.id", "fk_done_check_item_id_backlog_item", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_done_check")),
        sa.UniqueConstraint("item_id", "position", name=op.f("uq_done_check_item_id_position")))
    op.create_table(
        "release_item",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        _fk("item_id", "backlog_item.id", "fk_release_item_item_id_backlog_item", "CASCADE"),
        _fk("release_id", "product_release.id", "fk_release_item_release_id_product_release",
            "CASCADE"),
        sa.PrimaryKeyConstraint("release_id", "item_id", name=op.f("pk_release_item")))
    op.create_index(op.f("ix_release_item_item_id"), "release_item", ["item_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_release_item_item_id"), table_name="release_item")
    op.drop_table("release_item")
    op.drop_table("done_check")
    op.drop_index(op.f("ix_release_tester_organisation_id"), table_name="release_tester")
    op.drop_table("release_tester")
    op.drop_table("product_release")
    op.drop_table("done_criterion")
