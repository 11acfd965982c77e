"""Digest subscriptions and deliveries."""
import secrets
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.projects.models import Project


class Frequency(StrEnum):
    OFF = "off"
    DAILY = "daily"
    WEEKLY = "weekly"


class DeliveryState(StrEnum):
    PENDING = "pending"      # written, not tried yet
    RETRYING = "retrying"    # a temporary failure; tried again at next_attempt_at
    SENDING = "sending"      # the content is going to the mail server (see delivery.py)
    SENT = "sent"
    FAILED = "failed"        # a permanent failure, or too many temporary ones
    UNCERTAIN = "uncertain"  # may have been delivered; never sent again without a person
    SKIPPED = "skipped"      # nothing to say, or the recipient left before it went out


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class DigestSubscription(db.Model):
    """A user's explicit choice for a project; without a row the role's default applies."""

    __tablename__ = "digest_subscription"
    __table_args__ = (
        UniqueConstraint("user_id", "project_id"),
        CheckConstraint("frequency IN ('off', 'daily', 'weekly')", name="frequency"),
        # The scheduler's planning reads the subscriptions of the frequencies due now.
        Index("ix_digest_subscription_frequency", "frequency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    frequency: Mapped[str] = mapped_column(String(10))
    # Unsubscribe links carry it: a new one when the person changes their choice makes the
    # links in earlier e-mails stale, so an old link cannot undo a later choice.
    nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped["User"] = relationship()
    project: Mapped["Project"] = relationship()


DELIVERY_STATES = ("state IN ('pending', 'retrying', 'sending', 'sent', 'failed', "
                   "'uncertain', 'skipped')")


class DeliveryColumns:
    """What the delivery machinery (app/digests/delivery.py) needs of an e-mail it sends exactly
    once: its state, attempts and claim, and the message as written before sending. Digests
    and notification e-mails both use it."""

    state: Mapped[str] = mapped_column(String(10), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    message_id: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DigestDelivery(DeliveryColumns, db.Model):
    """One digest for one recipient, project and period, written (committed) before sending.

    The unique (user, project, period_key) row is what makes sending idempotent: however many
    scheduler processes run, only one can create it and only one can claim it.
    """

    __tablename__ = "digest_delivery"
    __table_args__ = (
        UniqueConstraint("user_id", "project_id", "period_key"),
        CheckConstraint(DELIVERY_STATES, name="state"),
        Index("ix_digest_delivery_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    frequency: Mapped[str] = mapped_column(String(10))
    period_key: Mapped[str] = mapped_column(String(12))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime] = mapped_column(UTCDateTime())
    # The sections as data, so the browser archive renders them with page templates.
    content: Mapped[list] = mapped_column(JSON, default=list)

    user: Mapped["User"] = relationship()
    project: Mapped["Project"] = relationship()
