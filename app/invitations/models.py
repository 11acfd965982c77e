"""Invitations: an e-mail address asked to join a project, with the organisation and roles it
will have there, until the link is used, revoked or expires."""
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.organisations.models import Organisation
    from app.projects.models import Project


class Invitation(db.Model):
    __tablename__ = "invitation"
    __table_args__ = (Index("ix_invitation_project_id_email", "project_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 index=True)
    email: Mapped[str] = mapped_column(String(254))
    roles: Mapped[list] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(5), default="da")
    # Only the digest of the link's token (app/tokens.py); a resend replaces it.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    project: Mapped["Project"] = relationship()
    organisation: Mapped["Organisation"] = relationship()
    invited_by: Mapped["User | None"] = relationship(foreign_keys=[invited_by_id])
    accepted_by: Mapped["User | None"] = relationship(foreign_keys=[accepted_by_id])

    def is_pending(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now

    def __repr__(self) -> str:
        return f"<Invitation {self.email} to project {self.project_id}>"
