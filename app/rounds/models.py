"""The coordination group's round: evaluation criteria and the municipalities' score sheets,
prioritisation rounds with one ballot per municipality, and the order in which the round's
needs were ordered ("bestilt")."""
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (CheckConstraint, Column, Date, ForeignKey, Integer, String, Table,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Money, UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.backlog.models import Item
    from app.discovery.models import Need
    from app.organisations.models import Organisation
    from app.projects.models import Project


class RoundState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class OrderState(StrEnum):
    ORDERED = "ordered"
    # Beyond the remaining budget: escalated to the steering group, waiting for its decision.
    WAITING = "waiting"


MAX_NAME = 120
MAX_SCALE_TEXT = 500
SCALE = (1, 5)
MAX_WEIGHT = 10


class EvaluationCriterion(db.Model):
    """One criterion of a project's evaluation matrix: scored 1–5, weighted."""

    __tablename__ = "evaluation_criterion"
    __table_args__ = (CheckConstraint(f"weight BETWEEN 1 AND {MAX_WEIGHT}", name="weight"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    low_text: Mapped[str] = mapped_column(String(MAX_SCALE_TEXT), default="")  # what 1 means
    high_text: Mapped[str] = mapped_column(String(MAX_SCALE_TEXT), default="")  # what 5 means
    weight: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped["Project"] = relationship()


class ScoreSheet(db.Model):
    """One municipality's scores of one need (one sheet per municipality and need)."""

    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("need_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    scored_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    need: Mapped["Need"] = relationship()
    organisation: Mapped["Organisation"] = relationship()
    scored_by: Mapped["User | None"] = relationship()
    scores: Mapped[list["Score"]] = relationship(back_populates="sheet",
                                                 cascade="all, delete-orphan")


class Score(db.Model):
    __tablename__ = "evaluation_score"
    __table_args__ = (UniqueConstraint("sheet_id", "criterion_id"),
                      CheckConstraint(f"value BETWEEN {SCALE[0]} AND {SCALE[1]}", name="value"))

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_criterion.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(Integer)

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[EvaluationCriterion] = relationship()


round_need = Table(
    "round_need",
    db.metadata,
    Column("round_id", ForeignKey("priority_round.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("need.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Round(db.Model):
    """A prioritisation round: the needs on the table, each municipality's points, the budget."""

    __tablename__ = "priority_round"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        CheckConstraint("state IN ('open', 'closed')", name="state"),
        CheckConstraint("points_per_municipality > 0", name="points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    # The last day of voting, in Copenhagen (inclusive).
    deadline: Mapped[date] = mapped_column(Date)
    points_per_municipality: Mapped[int] = mapped_column(Integer, default=100)
    budget_amount: Mapped[Decimal | None] = mapped_column(Money())
    # The capacity in the vendor's estimated hours, where the group budgets in time.
    budget_hours: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default=RoundState.OPEN)
    opened_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    project: Mapped["Project"] = relationship()
    needs: Mapped[list["Need"]] = relationship(secondary=round_need, order_by="Need.number")
    ballots: Mapped[list["Ballot"]] = relationship(back_populates="round",
                                                   cascade="all, delete-orphan")
    orders: Mapped[list["RoundOrder"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundOrder.position")

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN

    @property
    def label(self) -> str:
        return self.name[:254]


class Ballot(db.Model):
    """One municipality's ballot in a round: cast once, by one of its product owners."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("priority_round.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    cast_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    round: Mapped[Round] = relationship(back_populates="ballots")
    organisation: Mapped["Organisation"] = relationship()
    cast_by: Mapped["User | None"] = relationship()
    points: Mapped[list["BallotPoints"]] = relationship(back_populates="ballot",
                                                        cascade="all, delete-orphan")


class BallotPoints(db.Model):
    __tablename__ = "ballot_points"
    __table_args__ = (CheckConstraint("points >= 0", name="points"),)

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"),
                                           primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    points: Mapped[int] = mapped_column(Integer)

    ballot: Mapped[Ballot] = relationship(back_populates="points")
    need: Mapped["Need"] = relationship()


class RoundOrder(db.Model):
    """A need of a closed round marked as ordered ("bestilt"), in the secretariat's order; or
    waiting for the steering group when it did not fit the budget."""

    __tablename__ = "round_order"
    __table_args__ = (UniqueConstraint("round_id", "need_id"),
                      CheckConstraint("state IN ('ordered', 'waiting')", name="state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("priority_round.id", ondelete="CASCADE"))
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
    state: Mapped[str] = mapped_column(String(10), default=OrderState.ORDERED)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("backlog_item.id", ondelete="SET NULL"))
    ordered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    round: Mapped[Round] = relationship(back_populates="orders")
    need: Mapped["Need"] = relationship()
    item: Mapped["Item | None"] = relationship()


class RoundReminder(db.Model):
    """A municipality reminded to vote in a round: written before notifying, so once only."""

    __tablename__ = "round_reminder"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("priority_round.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
