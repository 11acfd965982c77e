"""Retention: what Samspil keeps about people only for a while (the data processing
agreement's deletion periods). Every night the scheduler purges audit events, notifications
and the archive of sent digest and notification e-mails older than their period
(RETENTION_*_MONTHS in config.py), in batches with a commit after each, so a first run over
years of rows never holds one long transaction or a lock on the whole table.

E-mails still on their way (pending, retrying, being sent) are never purged, whatever their
age: deleting one would lose it, or send it twice."""
import calendar
import logging
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.triggers.cron import CronTrigger
from flask import current_app
from sqlalchemy import delete, select

from app.audit.models import AuditEvent
from app.database import utcnow
from app.digests.delivery import job_lock
from app.digests.models import DeliveryState, DigestDelivery
from app.digests.schedule import TZ
from app.extensions import db
from app.notifications.models import Notification, NotificationEmail

log = logging.getLogger(__name__)

FINISHED = (DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.UNCERTAIN,
            DeliveryState.SKIPPED)


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    setting: str
    finished_only: bool = False  # e-mails: only those no longer on their way


KINDS = (
    Kind("audit_events", AuditEvent, "RETENTION_AUDIT_MONTHS"),
    Kind("notifications", Notification, "RETENTION_NOTIFICATION_MONTHS"),
    Kind("digest_deliveries", DigestDelivery, "RETENTION_EMAIL_MONTHS", finished_only=True),
    Kind("notification_emails", NotificationEmail, "RETENTION_EMAIL_MONTHS",
         finished_only=True),
)


@dataclass
class PurgeReport:
    locked_out: bool = False
    purged: dict[str, int] = field(default_factory=dict)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's
    last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _purge_kind(kind: Kind, cutoff: datetime, batch: int) -> int:
    """Delete the kind's rows created before `cutoff`, `batch` at a time, committing each."""
    model = kind.model
    old = select(model.id).where(model.created_at < cutoff)
    if kind.finished_only:
        old = old.where(model.state.in_(FINISHED))
    total = 0
    while True:
        ids = list(db.session.scalars(old.order_by(model.id).limit(batch)))
        if not ids:
            return total
        db.session.execute(delete(model).where(model.id.in_(ids)))
        db.session.commit()
        total += len(ids)


def purge_expired(now: datetime | None = None) -> PurgeReport:
    """Purge every kind's rows older than its retention period (a period of 0 keeps all)."""
    config = current_app.config
    now = now or utcnow()
    with job_lock("privacy.retention") as acquired:
        if not acquired:
            return PurgeReport(locked_out=True)
        report = PurgeReport()
        for kind in KINDS:
            months = config[kind.setting]
            if months > 0:
                report.purged[kind.name] = _purge_kind(kind, months_before(now, months),
                                                       max(1, config["RETENTION_BATCH"]))
        log.info("retention: purged %s", report.purged)
        return report


def retention_jobs(config) -> list[tuple[str, object, object]]:
    """(id, function, trigger): every night at 03:30 Copenhagen time (after the hour the
    clocks change in, before the morning's digests)."""
    return [("privacy.retention", purge_expired, CronTrigger(hour=3, minute=30, timezone=TZ))]
