"""Files attached to a project's needs, discovery notes, items, comments and decisions.

A row names its container by kind and id (the kinds the areas register, `registry`), never
by a foreign key into an area's table: this package sits below the areas and the indexed
tables stay untouched. The bytes live in storage under `storage_key` (their SHA-256, so a
file attached twice is stored once); a deleted attachment keeps its row, marked, until the
retention job removes it and, when no other row needs them, its bytes.
"""
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User

MAX_NAME = 255


class Attachment(db.Model):
    __tablename__ = "attachment"
    __table_args__ = (
        Index("ix_attachment_container", "project_id", "container_kind", "container_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    container_kind: Mapped[str] = mapped_column(String(20))
    container_id: Mapped[int] = mapped_column(Integer)
    # The name as the uploader's browser gave it, checked (no path, no control characters):
    # shown in lists and sent back in Content-Disposition. Storage never uses it.
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    size: Mapped[int] = mapped_column(BigInteger)
    # Decided from the content, never from the name or the browser's claim.
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    thumbnail_key: Mapped[str | None] = mapped_column(String(100))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # Kept by name too, so the list still reads after an account is gone.
    uploaded_by_label: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    uploaded_by: Mapped["User | None"] = relationship(foreign_keys=[uploaded_by_id])

    @property
    def storage_key(self) -> str:
        return self.sha256

    @property
    def is_image(self) -> bool:
        return self.thumbnail_key is not None

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.container_kind}/{self.container_id}>"
