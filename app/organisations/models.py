"""Organisation: a municipality, a vendor or a community (secretariat)."""
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.projects.models import ProjectOrganisation


class OrganisationKind(StrEnum):
    MUNICIPALITY = "municipality"
    VENDOR = "vendor"
    COMMUNITY = "community"


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("kind IN ('municipality', 'vendor', 'community')", name="kind"),
        CheckConstraint(
            "(kind = 'municipality') = (municipality_code IS NOT NULL)", name="municipality_code"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    municipality_code: Mapped[int | None] = mapped_column(Integer, unique=True)
    cvr: Mapped[str | None] = mapped_column(String(8), unique=True)
    # Members signing in with a password must use two-factor sign-in (set by site admins).
    requires_two_factor: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Members sign in only through single sign-on; site administrators keep their password.
    requires_sso: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="organisation")
    participations: Mapped[list["ProjectOrganisation"]] = relationship(
        back_populates="organisation"
    )

    @property
    def is_municipality(self) -> bool:
        return self.kind == OrganisationKind.MUNICIPALITY

    @property
    def is_vendor(self) -> bool:
        return self.kind == OrganisationKind.VENDOR

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"
