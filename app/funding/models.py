"""Estimates and funding: the vendor's estimates of needs, the coordination group's budget per
year and its orders, the municipalities' pledges to needs and their loans to the project.

Amounts are kroner with two decimals (`Money`: NUMERIC(12, 2), read back as Decimal)."""
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (CheckConstraint, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Money, UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.discovery.models import Need
    from app.organisations.models import Organisation
    from app.projects.models import Project


class PledgeStatus(StrEnum):
    PLEDGED = "pledged"
    CONFIRMED = "confirmed"
    INVOICED = "invoiced"
    WITHDRAWN = "withdrawn"


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class NeedEstimate(db.Model):
    """The vendor's estimate of a need: hours and/or kroner as a low–high range, with the
    assumptions behind it. Every estimate is kept; the newest is the need's current one."""

    __tablename__ = "need_estimate"
    __table_args__ = (Index("ix_need_estimate_need_id_created_at", "need_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"))
    hours_low: Mapped[int | None] = mapped_column(Integer)
    hours_high: Mapped[int | None] = mapped_column(Integer)
    amount_low: Mapped[Decimal | None] = mapped_column(Money())
    amount_high: Mapped[Decimal | None] = mapped_column(Money())
    assumptions: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    need: Mapped["Need"] = relationship()
    created_by: Mapped["User | None"] = relationship()

    @property
    def cost(self) -> Decimal | None:
        """What the need is expected to cost at most: the high end, else the low end."""
        return self.amount_high if self.amount_high is not None else self.amount_low


class ProjectBudget(db.Model):
    """The coordination group's budget for a project in a calendar year."""

    __tablename__ = "project_budget"
    __table_args__ = (UniqueConstraint("project_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped["Project"] = relationship()


class NeedOrder(db.Model):
    """A need ordered ("bestilt") from the vendor by the coordination group, paid from the
    budget of `year`. `round_id` names the prioritisation round it came from (no foreign key:
    rounds are an area above funding) and `position` its place in the round's order."""

    __tablename__ = "need_order"
    __table_args__ = (Index("ix_need_order_project_id_year", "project_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Money())
    year: Mapped[int] = mapped_column(Integer)
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ordered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    round_id: Mapped[int | None] = mapped_column(Integer, index=True)
    position: Mapped[int | None] = mapped_column(Integer)

    need: Mapped["Need"] = relationship()
    ordered_by: Mapped["User | None"] = relationship()


class Pledge(db.Model):
    """A municipality's promise to pay an amount towards a need: pledged → confirmed →
    invoiced, or withdrawn. One live (not withdrawn) pledge per municipality and need."""

    __tablename__ = "pledge"
    __table_args__ = (
        CheckConstraint(_in("status", PledgeStatus), name="status"),
        Index("ix_pledge_project_id_organisation_id", "project_id", "organisation_id"),
        Index("ix_pledge_live_need_id_organisation_id", "need_id", "organisation_id",
              unique=True, postgresql_where=text("status <> 'withdrawn'"),
              sqlite_where=text("status <> 'withdrawn'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    status: Mapped[str] = mapped_column(String(20), default=PledgeStatus.PLEDGED)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    need: Mapped["Need"] = relationship()
    organisation: Mapped["Organisation"] = relationship()
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])
    repayments: Mapped[list["LoanRepayment"]] = relationship(back_populates="pledge")

    @property
    def is_live(self) -> bool:
        return self.status != PledgeStatus.WITHDRAWN


class Loan(db.Model):
    """Money a municipality advances to the project, repaid from later pledges."""

    __tablename__ = "loan"
    __table_args__ = (Index("ix_loan_project_id_organisation_id", "project_id",
                            "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    lent_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped["Project"] = relationship()
    organisation: Mapped["Organisation"] = relationship()
    repayments: Mapped[list["LoanRepayment"]] = relationship(
        back_populates="loan", cascade="all, delete-orphan", order_by="LoanRepayment.id")

    @property
    def repaid(self) -> Decimal:
        return sum((r.amount for r in self.repayments), Decimal("0.00"))

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.repaid


class LoanRepayment(db.Model):
    """Part of a loan paid back to the lender, usually from a pledge that was invoiced."""

    __tablename__ = "loan_repayment"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), index=True)
    pledge_id: Mapped[int | None] = mapped_column(
        ForeignKey("pledge.id", ondelete="SET NULL"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    repaid_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    loan: Mapped[Loan] = relationship(back_populates="repayments")
    pledge: Mapped["Pledge | None"] = relationship(back_populates="repayments")
