"""Personal access tokens for the JSON API: a person's own key, limited to some of their
projects, to reading or to reading and writing, and to a date. Only the token's digest is
stored (app.tokens); the token itself is shown once, when it is made."""
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.projects.models import Project

MAX_TOKEN_NAME = 80
# What a token begins with, so that a token pasted where it should not be is recognisable
# (secret scanners look for such prefixes) and a bearer value that lacks it is refused early.
TOKEN_PREFIX = "smp_"

access_token_project = Table(
    "access_token_project",
    db.metadata,
    Column("token_id", ForeignKey("access_token.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class AccessToken(db.Model):
    """A personal access token: `Authorization: Bearer smp_…` acts as its user, within its
    projects and scope, until it expires or is revoked."""

    __tablename__ = "access_token"
    __table_args__ = (Index("ix_access_token_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(MAX_TOKEN_NAME))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, so that its owner can tell their tokens apart.
    hint: Mapped[str] = mapped_column(String(12))
    can_write: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped["User"] = relationship()
    projects: Mapped[list["Project"]] = relationship(secondary=access_token_project,
                                                     order_by="Project.key")

    @property
    def scope(self) -> str:
        return "read-write" if self.can_write else "read"

    def is_usable(self, now: datetime) -> bool:
        """Neither revoked nor expired (nor its user deactivated)."""
        return self.revoked_at is None and self.expires_at > now and self.user.is_active
