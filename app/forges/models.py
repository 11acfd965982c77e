"""A project's connection to its code forges (GitHub, GitLab), and what arrives through it:
commits, pull or merge requests and releases that name an item, shown on the item's page."""
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.projects.models import Project

MAX_TITLE = 500
MAX_URL = 1000


class ForgeReceiver(db.Model):
    """The project's receiving address (`/hooks/github/<token>`, `/hooks/gitlab/<token>`)
    and the secret the forges sign with (GitHub) or send (GitLab). The secret is kept as it
    is, because checking a GitHub signature needs it; it is shown once, when it is made."""

    __tablename__ = "forge_receiver"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    secret: Mapped[str] = mapped_column(String(100))
    # A merged pull request that says "fixes OVB-12" moves the item to review.
    moves_to_review: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    secret_made_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped["Project"] = relationship()


class DevelopmentLink(db.Model):
    """A commit, pull/merge request or release that names an item: one row per item and
    thing, however often it arrives (the same commit in several pushes)."""

    __tablename__ = "development_link"
    __table_args__ = (
        UniqueConstraint("item_id", "provider", "kind", "repository", "reference"),
        Index("ix_development_link_item_id_created_at", "item_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_item.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(10))  # github, gitlab
    kind: Mapped[str] = mapped_column(String(20))  # commit, pull_request, release
    repository: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(100))  # SHA, request number, tag
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    author: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(MAX_URL), default="")
    state: Mapped[str] = mapped_column(String(20), default="")  # open, closed, merged, …
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
