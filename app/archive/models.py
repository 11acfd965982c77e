"""Project archives made for download: one row per export a person asked for, the file it
produced and when it expires. Small projects are archived within the request; big ones wait
here (state "pending") for the scheduler process, which writes the file and e-mails the link."""
import secrets
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.projects.models import Project


class ExportState(StrEnum):
    PENDING = "pending"   # waiting for the scheduler process
    RUNNING = "running"   # being written (claimed until `claimed_until`)
    READY = "ready"       # the file can be downloaded until `expires_at`
    FAILED = "failed"


def new_file_name() -> str:
    """The file's name in the export folder: random, so it is never guessed or typed."""
    return f"{secrets.token_hex(16)}.zip"


class ProjectExport(db.Model):
    __tablename__ = "project_export"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'running', 'ready', 'failed')", name="state"),
        Index("ix_project_export_project_id_created_at", "project_id", "created_at"),
        Index("ix_project_export_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(10), default=ExportState.PENDING)
    file_name: Mapped[str] = mapped_column(String(40), default=new_file_name, unique=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    item_count: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    project: Mapped["Project"] = relationship()
    requested_by: Mapped["User | None"] = relationship()

    @property
    def is_ready(self) -> bool:
        return self.state == ExportState.READY

    def __repr__(self) -> str:
        return f"<ProjectExport {self.id} {self.state}>"
