"""Sprints: a time box of the project's work with a goal, a capacity, the items committed to
it (Item.sprint_id), frozen figures once closed, and the team's retrospective notes."""
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.backlog.models import ItemHistory
from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.projects.models import Project

MAX_NAME = 100
MAX_GOAL = 1_000
MAX_RETRO = 10_000


class SprintState(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    CLOSED = "closed"


class Sprint(db.Model):
    """One sprint of a project: planned → active → closed. At most one is active per project
    (the service checks it; a partial unique index makes it hold under concurrent starts)."""

    __tablename__ = "sprint"
    __table_args__ = (
        CheckConstraint("state IN ('planned', 'active', 'closed')", name="state"),
        CheckConstraint("end_date > start_date", name="dates"),
        CheckConstraint("capacity >= 0", name="capacity"),
        Index("ix_sprint_project_id_start_date", "project_id", "start_date"),
        Index("uq_sprint_project_id_active", "project_id", unique=True,
              postgresql_where=text("state = 'active'"), sqlite_where=text("state = 'active'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    goal: Mapped[str] = mapped_column(Text, default="")
    # Calendar days in Europe/Copenhagen, both inclusive.
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # Story points the team expects to manage; halves allowed.
    capacity: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(10), default=SprintState.PLANNED.value)
    # Frozen figures: the open points of the sprint's items when it started, and the points
    # of its done items when it closed.
    committed_points: Mapped[float | None] = mapped_column(Float)
    completed_points: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # Where the unfinished items went at close: this sprint, or (None) back to the backlog.
    carried_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("sprint.id", ondelete="SET NULL"))
    retro_went_well: Mapped[str] = mapped_column(Text, default="")
    retro_to_improve: Mapped[str] = mapped_column(Text, default="")
    retro_actions: Mapped[str] = mapped_column(Text, default="")
    retro_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retro_updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Optimistic concurrency: closing twice at once, or two people saving the retrospective,
    # fails for the second writer instead of overwriting.
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}

    project: Mapped["Project"] = relationship()
    started_by: Mapped["User | None"] = relationship(foreign_keys=[started_by_id])
    closed_by: Mapped["User | None"] = relationship(foreign_keys=[closed_by_id])
    retro_updated_by: Mapped["User | None"] = relationship(
        foreign_keys=[retro_updated_by_id])
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])
    carried_to: Mapped["Sprint | None"] = relationship(remote_side=[id])

    @property
    def is_planned(self) -> bool:
        return self.state == SprintState.PLANNED

    @property
    def is_active(self) -> bool:
        return self.state == SprintState.ACTIVE

    @property
    def is_closed(self) -> bool:
        return self.state == SprintState.CLOSED

    @property
    def has_retrospective(self) -> bool:
        return bool(self.retro_went_well or self.retro_to_improve or self.retro_actions)

    def __repr__(self) -> str:
        return f"<Sprint {self.project_id} {self.name!r} {self.state}>"


# The burndown finds a sprint's items through the history rows that committed them: a small
# partial index over just those rows of the backlog's history.
Index("ix_backlog_item_history_sprint", ItemHistory.project_id, ItemHistory.new_value,
      postgresql_where=text("field = 'sprint'"), sqlite_where=text("field = 'sprint'"))
