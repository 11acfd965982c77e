"""Projects, the organisations taking part in them, and people's roles in them."""
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.organisations.models import Organisation


class Role(StrEnum):
    PRODUCT_OWNER = "product_owner"
    CONTRIBUTOR = "contributor"
    DEVELOPER = "developer"
    DELIVERY_LEAD = "delivery_lead"
    SECRETARIAT = "secretariat"
    STEERING = "steering"
    OBSERVER = "observer"


class ParticipationKind(StrEnum):
    OWNER = "owner"
    MEMBER = "member"
    VENDOR = "vendor"


class Project(db.Model):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    is_roadmap_public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    participations: Mapped[list["ProjectOrganisation"]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Project {self.key}>"


class ProjectOrganisation(db.Model):
    """An organisation taking part in a project, as owner/secretariat, member or vendor."""

    __tablename__ = "project_organisation"
    __table_args__ = (
        UniqueConstraint("project_id", "organisation_id"),
        CheckConstraint("kind IN ('owner', 'member', 'vendor')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped[Project] = relationship(back_populates="participations")
    organisation: Mapped["Organisation"] = relationship(back_populates="participations")


class Membership(db.Model):
    """A user's membership of a project; the roles they hold there are rows of MembershipRole."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped[Project] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship(back_populates="memberships")
    roles: Mapped[list["MembershipRole"]] = relationship(
        back_populates="membership", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)


class MembershipRole(db.Model):
    __tablename__ = "membership_role"
    __table_args__ = (
        UniqueConstraint("membership_id", "role"),
        # Who holds a role in any project (the digests' planning: who gets the weekly digest
        # by their role's default).
        Index("ix_membership_role_role", "role", "membership_id"),
        CheckConstraint(
            "role IN ('product_owner', 'contributor', 'developer', 'delivery_lead', "
            "'secretariat', 'steering', 'observer')",
            name="role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))

    membership: Mapped[Membership] = relationship(back_populates="roles")
