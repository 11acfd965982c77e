"""Needs (behov): municipalities' problems to solve, co-sponsors, discovery log and history."""
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.backlog.models import Item
    from app.organisations.models import Organisation
    from app.projects.models import Project


class NeedStatus(StrEnum):
    SUBMITTED = "submitted"
    IN_DISCOVERY = "in_discovery"
    READY = "ready"
    PLANNED = "planned"
    DELIVERED = "delivered"
    DECLINED = "declined"
    PARKED = "parked"


class NoteKind(StrEnum):
    NOTE = "note"
    WORKSHOP = "workshop"
    QUESTION = "question"
    ANSWER = "answer"


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class NeedCounter(db.Model):
    """The last need number handed out in a project. Its row is locked while a number is taken,
    so concurrent submissions get consecutive numbers, and numbers are never reused."""

    __tablename__ = "need_counter"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Need(db.Model):
    __tablename__ = "need"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        CheckConstraint(_in("status", NeedStatus), name="status"),
        Index("ix_need_project_id_status", "project_id", "status"),
        # The live needs (not archived) per status: lists, counts and the overview ask for
        # these, and the index answers them alone.
        Index("ix_need_live_project_id_status", "project_id", "status",
              postgresql_where=text("archived_at IS NULL"),
              sqlite_where=text("archived_at IS NULL")),
        # The public roadmap: each section's newest needs, and its size, from the index
        # alone on PostgreSQL (with the columns it filters and returns included).
        Index("ix_need_roadmap", "project_id", "status", "status_changed_at", "number",
              postgresql_include=["is_rationale_public", "id"],
              postgresql_where=text("archived_at IS NULL"),
              sqlite_where=text("archived_at IS NULL")),
        # The needs list's page, newest first, and the count of all: from the index alone
        # (a need's row, with its texts, is kilobytes; the list reads 25 of them).
        Index("ix_need_live_newest", "project_id", "created_at", "number",
              postgresql_include=["id"],
              postgresql_where=text("archived_at IS NULL"),
              sqlite_where=text("archived_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    submitter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    background: Mapped[str] = mapped_column(Text)
    desired_outcome: Mapped[str] = mapped_column(Text)
    expected_value: Mapped[str] = mapped_column(Text)
    assumptions: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    out_of_scope: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=NeedStatus.SUBMITTED)
    # The rationale given with the latest status change; required for declined and parked.
    status_rationale: Mapped[str] = mapped_column(Text, default="")
    is_rationale_public: Mapped[bool] = mapped_column(Boolean, default=False)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the need became delivered: the public roadmap's delivery month.
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_escalated: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    escalation_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow,
                                                 index=True)
    # Archived needs leave the needs list, the roadmap and the digests; restorable.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    project: Mapped["Project"] = relationship()
    organisation: Mapped["Organisation"] = relationship()
    submitter: Mapped["User | None"] = relationship(foreign_keys=[submitter_id])
    escalated_by: Mapped["User | None"] = relationship(foreign_keys=[escalated_by_id])
    archived_by: Mapped["User | None"] = relationship(foreign_keys=[archived_by_id])
    cosponsors: Mapped[list["NeedCoSponsor"]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedCoSponsor.created_at")
    notes: Mapped[list["NeedNote"]] = relationship(
        back_populates="need", cascade="all, delete-orphan")
    changes: Mapped[list["NeedChange"]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedChange.id")

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def label(self) -> str:
        """How the need is named in logs and messages: the number and the title."""
        return f"#{self.number} {self.title}"[:254]

    def __repr__(self) -> str:
        return f"<Need {self.project_id}#{self.number}>"


class NeedCoSponsor(db.Model):
    """A municipality backing another municipality's need: one per organisation and need."""

    __tablename__ = "need_cosponsor"
    __table_args__ = (UniqueConstraint("need_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    is_willing_to_cofund: Mapped[bool] = mapped_column(Boolean, default=False)
    is_willing_to_test: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    need: Mapped[Need] = relationship(back_populates="cosponsors")
    organisation: Mapped["Organisation"] = relationship()
    created_by: Mapped["User | None"] = relationship()


class NeedNote(db.Model):
    """An entry in a need's discovery log: a note, workshop minutes, a question or an answer."""

    __tablename__ = "need_note"
    __table_args__ = (
        CheckConstraint(_in("kind", NoteKind), name="kind"),
        Index("ix_need_note_need_id_occurred_on", "need_id", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20), default=NoteKind.NOTE)
    occurred_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    need: Mapped[Need] = relationship(back_populates="notes")
    author: Mapped["User | None"] = relationship()


class NeedChange(db.Model):
    """One line of a need's history: who changed which field (or the status) from what to what."""

    __tablename__ = "need_change"
    # The digest's decisions of the period: a range, not the whole history of every project.
    __table_args__ = (Index("ix_need_change_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # Kept by name too, so the history still reads after an account is gone.
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    is_by_system: Mapped[bool] = mapped_column(Boolean, default=False)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")  # what the person wrote, if anything
    # What the system adds to the line, as values rather than words, so it reads in the
    # reader's language: {"decision": title} when a steering group decision made the change.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    need: Mapped[Need] = relationship(back_populates="changes")
    actor: Mapped["User | None"] = relationship()


class NeedItemLink(db.Model):
    """A backlog item serving a need (many-to-many; both of one project, which the services
    check and `project_id` records so the board and lists can ask per project)."""

    __tablename__ = "need_item_link"
    __table_args__ = (UniqueConstraint("need_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_item.id", ondelete="CASCADE"),
                                         index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    need: Mapped[Need] = relationship()
    item: Mapped["Item"] = relationship()
    created_by: Mapped["User | None"] = relationship()
