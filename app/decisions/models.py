"""The steering group's decision log: decisions, the needs and items they concern, and what
each decision did to the escalated needs it settled."""
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.backlog.models import Item
    from app.discovery.models import Need
    from app.projects.models import Project


class Outcome(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    PARKED = "parked"


class DecisionType(StrEnum):
    """What a decision is about, as communities' decision logs sort them (None: unspecified,
    the decisions recorded before types existed)."""

    STRATEGIC = "strategic"
    ARCHITECTURE = "architecture"
    OPERATIONAL = "operational"


class DecisionState(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"


MAX_TITLE = 200
MAX_TEXT = 20_000

decision_need = Table(
    "decision_need",
    db.metadata,
    Column("decision_id", ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("need.id", ondelete="CASCADE"), primary_key=True, index=True),
)

decision_item = Table(
    "decision_item",
    db.metadata,
    Column("decision_id", ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", ForeignKey("backlog_item.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


# "Decision A supersedes decision B": both of one project, never in a cycle (the services
# check both).
decision_supersession = Table(
    "decision_supersession",
    db.metadata,
    Column("decision_id", ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True),
    Column("superseded_id", ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Decision(db.Model):
    """One entry of the decision log: what the steering group decided, when, and on what; as a
    decision record also its type, state, consequences and the decisions it supersedes."""

    __tablename__ = "decision"
    __table_args__ = (
        Index("ix_decision_project_id_decided_on", "project_id", "decided_on"),
        CheckConstraint(_in("state", DecisionState), name="state"),
        CheckConstraint(f"decision_type IS NULL OR {_in('decision_type', DecisionType)}",
                        name="decision_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    decided_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    text: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # Kept by name too, so the log still reads after an account is gone.
    recorded_by_label: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    decision_type: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default=DecisionState.ACCEPTED)
    consequences: Mapped[str] = mapped_column(Text, default="")

    project: Mapped["Project"] = relationship()
    recorded_by: Mapped["User | None"] = relationship()
    supersedes: Mapped[list["Decision"]] = relationship(
        secondary=decision_supersession,
        primaryjoin="Decision.id == decision_supersession.c.decision_id",
        secondaryjoin="Decision.id == decision_supersession.c.superseded_id",
        back_populates="superseded_by", order_by="Decision.decided_on")
    superseded_by: Mapped[list["Decision"]] = relationship(
        secondary=decision_supersession,
        primaryjoin="Decision.id == decision_supersession.c.superseded_id",
        secondaryjoin="Decision.id == decision_supersession.c.decision_id",
        back_populates="supersedes", order_by="Decision.decided_on")
    needs: Mapped[list["Need"]] = relationship(
        secondary=decision_need, order_by="Need.number")
    items: Mapped[list["Item"]] = relationship(
        secondary=decision_item, order_by="Item.number")
    outcomes: Mapped[list["DecisionOutcome"]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionOutcome.id")

    def __repr__(self) -> str:
        return f"<Decision {self.project_id}/{self.id}>"


class DecisionOutcome(db.Model):
    """What a decision did to one escalated need: approved (and the status it moved to),
    declined or parked, with the rationale given."""

    __tablename__ = "decision_outcome"
    __table_args__ = (
        UniqueConstraint("decision_id", "need_id"),
        CheckConstraint("outcome IN ('approved', 'declined', 'parked')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"))
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    old_status: Mapped[str] = mapped_column(String(20))
    new_status: Mapped[str] = mapped_column(String(20))
    rationale: Mapped[str] = mapped_column(Text, default="")

    decision: Mapped[Decision] = relationship(back_populates="outcomes")
    need: Mapped["Need"] = relationship()
