"""Benefit realisation (gevinstrealisering): the follow-ups that ask each municipality behind a
delivered need what value it realised, at set months after the delivery."""
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.discovery.models import Need
    from app.organisations.models import Organisation
    from app.projects.models import Project


class Rating(StrEnum):
    BELOW = "below"
    AS_EXPECTED = "as"
    ABOVE = "above"


MAX_TEXT = 10_000
MAX_UNIT = 40


class FollowUp(db.Model):
    """One municipality's account, `months` after a need's delivery, of the value it realised.
    Scheduled when the need is delivered (one per municipality and month count); answered by
    the municipality's product owner; reminded once when due."""

    __tablename__ = "value_follow_up"
    __table_args__ = (
        UniqueConstraint("need_id", "organisation_id", "months"),
        CheckConstraint("rating IS NULL OR rating IN ('below', 'as', 'above')", name="rating"),
        # The reminder job: due and not yet reminded.
        Index("ix_value_follow_up_due_on_reminded_at", "due_on", "reminded_at"),
        Index("ix_value_follow_up_organisation_id_due_on", "organisation_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    months: Mapped[int] = mapped_column(Integer)
    # The Copenhagen calendar day the follow-up falls due.
    due_on: Mapped[date] = mapped_column(Date)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # Kept by name too, so the report still reads after an account is gone.
    answered_by_label: Mapped[str] = mapped_column(String(254), default="")
    realised_value: Mapped[str] = mapped_column(Text, default="")
    measured_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    measured_unit: Mapped[str] = mapped_column(String(MAX_UNIT), default="")
    rating: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped["Project"] = relationship()
    need: Mapped["Need"] = relationship()
    organisation: Mapped["Organisation"] = relationship()
    answered_by: Mapped["User | None"] = relationship()

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def label(self) -> str:
        return f"#{self.need.number} {self.need.title}"[:254]

    def __repr__(self) -> str:
        return f"<FollowUp {self.need_id}/{self.organisation_id}/{self.months}>"
