"""Notifications, who watches what, each person's e-mail choices, and notification e-mails."""
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.digests.models import DELIVERY_STATES, DeliveryColumns
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.projects.models import Project


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Notification(db.Model):
    """Something that happened which the recipient should see: one row per recipient.

    The target is named by kind and id (an item, a need) with the number and label it had, so
    the list needs no join per kind and the framework imports no area."""

    __tablename__ = "notification"
    __table_args__ = (
        # The bell: unread of one recipient; the list: a recipient's newest first.
        Index("ix_notification_recipient_id_read_at", "recipient_id", "read_at"),
        Index("ix_notification_recipient_id_id", "recipient_id", "id"),
        Index("ix_notification_email_pending", "email_pending", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id",
                                                            ondelete="SET NULL"))
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int] = mapped_column()
    target_number: Mapped[int] = mapped_column()
    target_label: Mapped[str] = mapped_column(String(255))
    # A short excerpt or the new status, shown under the line ("Blocked: waiting for …").
    detail: Mapped[str] = mapped_column(String(255), default="")
    # Waiting for the batched e-mail (kinds the recipient receives by e-mail, not yet sent).
    email_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    recipient: Mapped["User"] = relationship(foreign_keys=[recipient_id])
    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])
    project: Mapped["Project"] = relationship()


class Watch(db.Model):
    """A person's choice to follow an item or a need (or, with is_watching false, not to: an
    explicit Unwatch is not undone by the next automatic watch)."""

    __tablename__ = "watch"
    __table_args__ = (UniqueConstraint("user_id", "target_kind", "target_id"),
                      Index("ix_watch_target_kind_target_id", "target_kind", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int] = mapped_column()
    is_watching: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NotificationPreference(db.Model):
    """A person's explicit choice for one kind of notification by e-mail; without a row the
    kind's default (on) applies. The nonce makes older unsubscribe links stale."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    is_email: Mapped[bool] = mapped_column(Boolean, default=True)
    nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ProjectWatchDefault(db.Model):
    """Per person and project: follow every need of my municipality (submitted or
    co-sponsored) without watching each one."""

    __tablename__ = "project_watch_default"
    __table_args__ = (UniqueConstraint("user_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    is_watching_organisation_needs: Mapped[bool] = mapped_column(Boolean, default=False)


class NotificationEmail(DeliveryColumns, db.Model):
    """One notification e-mail (a single urgent one, or a batch), written before sending and
    sent exactly once by the same machinery as digests (app/digests/delivery.py)."""

    __tablename__ = "notification_email"
    __table_args__ = (
        CheckConstraint(DELIVERY_STATES, name="state"),
        Index("ix_notification_email_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_notification_email_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    is_batch: Mapped[bool] = mapped_column(Boolean, default=False)
    # The kind of a single e-mail (for its unsubscribe link); "" for a batch.
    kind: Mapped[str] = mapped_column(String(30), default="")

    user: Mapped["User"] = relationship()


class TextReference(db.Model):
    """A text (an item's description, a comment, a need, a note, a decision) that names an item
    or a need: the "Mentioned in …" backlinks. Rewritten whenever that text is saved.

    The source is named like a notification's target: by kind and id, with the number (of the
    item or need it belongs to, for the link) and a label."""

    __tablename__ = "text_reference"
    __table_args__ = (
        UniqueConstraint("source_kind", "source_id", "target_kind", "target_id"),
        Index("ix_text_reference_target_kind_target_id", "target_kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    source_kind: Mapped[str] = mapped_column(String(10))
    source_id: Mapped[int] = mapped_column()
    # Where the source is shown: an item or a need (a comment on item 12 → item 12).
    source_page_kind: Mapped[str] = mapped_column(String(10))
    source_page_number: Mapped[int] = mapped_column()
    source_label: Mapped[str] = mapped_column(String(255))
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
