"""Backlog items, their labels, comments and field-by-field history, and the per-project counter
that numbers items and tells the board when something changed."""
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (CheckConstraint, Column, Float, ForeignKey, Index, Integer, String, Table,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.projects.models import Project


class ItemType(StrEnum):
    EPIC = "epic"
    STORY = "story"
    BUG = "bug"
    TASK = "task"


class Status(StrEnum):
    """The workflow, in board order."""

    BACKLOG = "backlog"
    READY = "ready"
    IN_PROGRESS = "in_progress"
    REVIEW = "review"
    ACCEPTANCE = "acceptance"
    DONE = "done"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)

# Rank keys are base-62 fractional indexes ("a0", "a0V", ...) whose order is byte order, so
# PostgreSQL must compare them with the C collation (a locale collation sorts "B" after "a").
RANK_LENGTH = 255
RankString = String(RANK_LENGTH).with_variant(String(RANK_LENGTH, collation="C"), "postgresql")

MAX_TITLE = 200
MAX_TEXT = 20_000
MAX_REASON = 1_000
MAX_LABEL = 40
MAX_EXTERNAL_KEY = 100
MAX_EXTERNAL_URL = 500


item_label = Table(
    "backlog_item_label",
    db.metadata,
    Column("item_id", ForeignKey("backlog_item.id", ondelete="CASCADE"), primary_key=True),
    Column("label_id", ForeignKey("backlog_label.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


def item_key(project_key: str, number: int) -> str:
    """An item's key: its project's key and its number, e.g. "OVB-12"."""
    return f"{project_key}-{number}"


class BacklogCounter(db.Model):
    """One row per project: the last item number handed out (numbers are never reused) and a
    change number bumped by every change to the project's items, which the board polls."""

    __tablename__ = "backlog_counter"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    change_number: Mapped[int] = mapped_column(Integer, default=0)


class Item(db.Model):
    """A backlog item `<KEY>-<number>`: an epic, story, bug or task."""

    __tablename__ = "backlog_item"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        UniqueConstraint("project_id", "rank"),
        CheckConstraint("type IN ('epic', 'story', 'bug', 'task')", name="type"),
        CheckConstraint("status IN ('backlog', 'ready', 'in_progress', 'review', 'acceptance', "
                        "'done')", name="status"),
        CheckConstraint("estimate IS NULL OR estimate >= 0", name="estimate"),
        Index("ix_backlog_item_project_id_status_rank", "project_id", "status", "rank"),
        # The live items (not archived): the backlog, the board and their counts. On
        # PostgreSQL it carries what the board's column counts and points read, so that they
        # come from the index alone (half the time of reading 4,000 rows of a column).
        Index("ix_backlog_item_live_project_id_status_rank", "project_id", "status", "rank",
              postgresql_include=["type", "estimate", "updated_at"],
              postgresql_where=text("archived_at IS NULL"),
              sqlite_where=text("archived_at IS NULL")),
        # The live items by rank: a rank change's new position is counted index-only.
        Index("ix_backlog_item_live_project_id_rank", "project_id", "rank",
              postgresql_where=text("archived_at IS NULL"),
              sqlite_where=text("archived_at IS NULL")),
        # The live done items by the time of their last change: the board shows those done
        # in the last 14 days, and counts them, from a handful of rows, however many items
        # the project has finished over the years.
        Index("ix_backlog_item_live_done_updated_at", "project_id", "updated_at",
              postgresql_include=["type", "estimate", "rank"],
              postgresql_where=text("status = 'done' AND archived_at IS NULL"),
              sqlite_where=text("status = 'done' AND archived_at IS NULL")),
        # The live epics by rank: the board's swimlanes and every epic filter and choice read
        # a project's twenty epics, not its thousands of items.
        Index("ix_backlog_item_live_epics", "project_id", "rank",
              postgresql_where=text("type = 'epic' AND archived_at IS NULL"),
              sqlite_where=text("type = 'epic' AND archived_at IS NULL")),
        # The digest's "accepted / rejected in the period": a range, not every done item.
        Index("ix_backlog_item_project_id_accepted_at", "project_id", "accepted_at"),
        Index("ix_backlog_item_project_id_rejected_at", "project_id", "rejected_at"),
        # An imported item's key in the tool it came from: one item per key and project, so
        # importing the same file again skips what is already there.
        Index("ix_backlog_item_project_id_external_key", "project_id", "external_key",
              unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(10), default=ItemType.STORY.value)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    description: Mapped[str] = mapped_column(Text, default="")
    acceptance_criteria: Mapped[str] = mapped_column(Text, default="")
    # Story points; halves allowed, stored exactly in a float.
    estimate: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default=Status.BACKLOG.value)
    rank: Mapped[str] = mapped_column(RankString)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("backlog_item.id", ondelete="SET NULL"), index=True)
    is_blocked: Mapped[bool] = mapped_column(default=False)
    blocked_reason: Mapped[str] = mapped_column(String(MAX_REASON), default="")
    # The sprint the item is committed to (the sprints area owns the sprint table).
    sprint_id: Mapped[int | None] = mapped_column(ForeignKey("sprint.id", ondelete="SET NULL"),
                                                  index=True)
    # The municipality's acceptance record: the last acceptance, and the last rejection.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejected_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    rejected_reason: Mapped[str] = mapped_column(String(MAX_REASON), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # Where an imported item came from: its key there ("JIRA-123", "org/repo#45") and its
    # address, if known (http or https only).
    external_key: Mapped[str | None] = mapped_column(String(MAX_EXTERNAL_KEY))
    external_url: Mapped[str | None] = mapped_column(String(MAX_EXTERNAL_URL))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Archived items leave every list, board and digest but keep their history; restorable.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # Optimistic concurrency: every UPDATE checks and bumps it, so a stale writer fails.
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}

    project: Mapped["Project"] = relationship()
    assignee: Mapped["User | None"] = relationship(foreign_keys=[assignee_id])
    accepted_by: Mapped["User | None"] = relationship(foreign_keys=[accepted_by_id])
    rejected_by: Mapped["User | None"] = relationship(foreign_keys=[rejected_by_id])
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])
    archived_by: Mapped["User | None"] = relationship(foreign_keys=[archived_by_id])
    parent: Mapped["Item | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Item"]] = relationship(back_populates="parent")
    labels: Mapped[list["Label"]] = relationship(secondary=item_label, back_populates="items",
                                                 order_by="Label.name")
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Comment.created_at")
    history: Mapped[list["ItemHistory"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ItemHistory.id")

    @property
    def is_epic(self) -> bool:
        return self.type == ItemType.EPIC

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def key_in(self, project_key: str) -> str:
        """The item's key, e.g. "OVB-12" (see `item_key`)."""
        return item_key(project_key, self.number)

    def __repr__(self) -> str:
        return f"<Item {self.project_id}-{self.number}>"


class Label(db.Model):
    __tablename__ = "backlog_label"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(MAX_LABEL))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    items: Mapped[list[Item]] = relationship(secondary=item_label, back_populates="labels")


class Comment(db.Model):
    __tablename__ = "backlog_comment"
    __table_args__ = (Index("ix_backlog_comment_item_id_created_at", "item_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_item.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the author last changed the text (the earlier text is in the item's history).
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    item: Mapped[Item] = relationship(back_populates="comments")
    author: Mapped["User | None"] = relationship()


class ItemHistory(db.Model):
    """One changed field of one item: who changed it, from what, to what, when.

    Values are stored as text: statuses and types by their code, estimates as numbers,
    the assignee by user id, the parent by item key, labels as a comma-separated list.
    Creation writes a row for the status and the estimate too (old value empty), so the
    burndown can be computed from these rows alone. `change_number` is the project's change
    counter after the change; the board's polling asks for rows newer than what it has.
    """

    __tablename__ = "backlog_item_history"
    __table_args__ = (
        Index("ix_backlog_item_history_item_id_id", "item_id", "id"),
        Index("ix_backlog_item_history_project_id_change_number", "project_id", "change_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_item.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    field: Mapped[str] = mapped_column(String(30))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    # A rejection's reason and similar notes that belong to the change.
    note: Mapped[str] = mapped_column(String(MAX_REASON), default="")
    change_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    item: Mapped[Item] = relationship(back_populates="history")
    actor: Mapped["User | None"] = relationship()


class Tombstone(db.Model):
    """What remains of a permanently deleted item or need: its key, title, who deleted it and
    when. It outlives the audit log's retention, so "OVB-12" always says what became of it
    (and numbers are never handed out again: the counters only grow)."""

    __tablename__ = "tombstone"
    __table_args__ = (
        CheckConstraint("kind IN ('item', 'need')", name="kind"),
        UniqueConstraint("project_id", "kind", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    deleted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # Kept by name too, so the record still reads after the account is gone.
    deleted_by_label: Mapped[str] = mapped_column(String(254), default="")
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
