"""Releases (versions the test municipalities sign off before they go out) and the project's
definition of done with each item's ticked checklist."""
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (Boolean, CheckConstraint, Column, Date, ForeignKey, Integer, String,
                        Table, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.backlog.models import Item
    from app.organisations.models import Organisation
    from app.projects.models import Project


class ReleaseState(StrEnum):
    PLANNED = "planned"
    IN_TEST = "in_test"
    ACCEPTED = "accepted"
    RELEASED = "released"
    CANCELLED = "cancelled"


class SignOff(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_REMARKS = "approved_with_remarks"
    NOT_APPROVED = "not_approved"


MAX_NAME = 100
MAX_TEXT = 20_000
MAX_NOTES = 50_000
MAX_CRITERION = 300
MAX_CRITERIA = 20


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


release_item = Table(
    "release_item",
    db.metadata,
    Column("release_id", ForeignKey("product_release.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", ForeignKey("backlog_item.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Release(db.Model):
    """A version of the product: the accepted items it ships, the municipalities that test it
    in production, their sign-offs and the release notes in Danish and English."""

    __tablename__ = "product_release"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        CheckConstraint(_in("state", ReleaseState), name="state"),
        CheckConstraint("test_to IS NULL OR test_from IS NULL OR test_to >= test_from",
                        name="test_window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    planned_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default=ReleaseState.PLANNED.value)
    test_from: Mapped[date | None] = mapped_column(Date)
    test_to: Mapped[date | None] = mapped_column(Date)
    notes_da: Mapped[str] = mapped_column(Text, default="")
    notes_en: Mapped[str] = mapped_column(Text, default="")
    # Once someone edits the notes, changing the items no longer regenerates them.
    is_notes_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why the secretariat accepted without every test municipality's approval.
    override_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    project: Mapped["Project"] = relationship()
    created_by: Mapped["User | None"] = relationship()
    items: Mapped[list["Item"]] = relationship(secondary=release_item, order_by="Item.number")
    testers: Mapped[list["ReleaseTester"]] = relationship(
        back_populates="release", cascade="all, delete-orphan", order_by="ReleaseTester.id")

    __mapper_args__ = {"version_id_col": version_id}

    def __repr__(self) -> str:
        return f"<Release {self.project_id}/{self.number}>"


class ReleaseTester(db.Model):
    """A test municipality of a release and its product owner's sign-off (none yet: pending)."""

    __tablename__ = "release_tester"
    __table_args__ = (
        UniqueConstraint("release_id", "organisation_id"),
        CheckConstraint("decision IS NULL OR " + _in("decision", SignOff), name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("product_release.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    decision: Mapped[str | None] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    release: Mapped[Release] = relationship(back_populates="testers")
    organisation: Mapped["Organisation"] = relationship()
    signed_by: Mapped["User | None"] = relationship()

    @property
    def project_id(self) -> int:
        return self.release.project_id

    @property
    def project(self):
        return self.release.project

    @property
    def is_approved(self) -> bool:
        return self.decision in (SignOff.APPROVED, SignOff.APPROVED_WITH_REMARKS)


class DoneCriterion(db.Model):
    """One point of a project's definition of done, in the checklist's order."""

    __tablename__ = "done_criterion"
    __table_args__ = (UniqueConstraint("project_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(MAX_CRITERION))


class DoneCheck(db.Model):
    """The vendor's answer on one point of the definition of done for an item: met, or not
    met with an explanation ("følg-eller-forklar"). The point's text is kept as it was, so the
    answer still reads after the project's checklist changes."""

    __tablename__ = "done_check"
    __table_args__ = (UniqueConstraint("item_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_item.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    criterion: Mapped[str] = mapped_column(String(MAX_CRITERION))
    is_met: Mapped[bool] = mapped_column(Boolean, default=False)
    explanation: Mapped[str] = mapped_column(Text, default="")
    checked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    checked_by: Mapped["User | None"] = relationship()
