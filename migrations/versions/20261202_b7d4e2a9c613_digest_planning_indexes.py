"""Indexes for the scheduler's digest planning and the public roadmap

Revision ID: b7d4e2a9c613
Revises: 5b6248c7f7ce
Create Date: 2026-12-02 14:30:00

The scheduler plans due digests every few minutes; it now reads only what is due: the
subscriptions of a due frequency, and the members whose roles default to the weekly digest
(issue 27). The public roadmap reads each section's newest needs, and counts each section,
from an index of the live needs by status and time of the last status change. Indexes only.
"""
import sqlalchemy as sa
from alembic import op

LIVE = sa.text("archived_at IS NULL")

revision = "b7d4e2a9c613"
down_revision = "5b6248c7f7ce"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_digest_subscription_frequency", "digest_subscription", ["frequency"])
    op.create_index("ix_membership_role_role", "membership_role", ["role", "membership_id"])
    op.create_index("ix_need_roadmap", "need",
                    ["project_id", "status", "status_changed_at", "number"],
                    postgresql_include=["is_rationale_public", "id"],
                    postgresql_where=LIVE, sqlite_where=LIVE)


def downgrade():
    op.drop_index("ix_need_roadmap", table_name="need")
    op.drop_index("ix_membership_role_role", table_name="membership_role")
    op.drop_index("ix_digest_subscription_frequency", table_name="digest_subscription")
