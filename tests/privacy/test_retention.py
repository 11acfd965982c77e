"""Retention: the nightly job purges audit events, notifications and the archive of sent
e-mails older than their period, in batches; e-mails still on their way stay."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from app.audit.models import AuditEvent
from app.audit.services import record
from app.digests.models import DeliveryState, DigestDelivery
from app.extensions import db
from app.notifications.models import Notification, NotificationEmail
from app.privacy import retention
from app.privacy.retention import months_before, purge_expired
from tests.digests.helpers import make_delivery

NOW = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)


def ago(months: int, days: int = 0) -> datetime:
    return months_before(NOW, months) - timedelta(days=days)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_at(at: datetime, label: str) -> None:
    record("user.viewed", target_label=label, at=at)


def notification_at(world, at: datetime) -> None:
    db.session.add(Notification(recipient_id=world.users["observer"].id,
                                project_id=world.project_a.id, kind="mentioned",
                                target_kind="item", target_id=1, target_number=1,
                                target_label="Et punkt", created_at=at))


def email_at(world, at: datetime, state=DeliveryState.SENT) -> None:
    db.session.add(NotificationEmail(
        user_id=world.users["observer"].id, state=state, recipient="observer@a.example",
        locale="da", message_id="<n@samspil.test>", subject="Nyt", body_text="Tekst",
        body_html="<p>Tekst</p>", created_at=at))


@pytest.fixture
def aged(world):
    """Rows of every kind, just past and just within 24 months, and e-mails on their way."""
    db.session.execute(text("DELETE FROM audit_event"))  # the world's own, made today
    for n in range(5):
        audit_at(ago(24, days=1 + n), f"gammel {n}")
    audit_at(ago(23), "ny")
    notification_at(world, ago(30))
    notification_at(world, ago(1))
    email_at(world, ago(25))
    email_at(world, ago(25), state=DeliveryState.RETRYING)
    email_at(world, ago(2))
    steering = world.users["steering"]
    make_delivery(steering, world.project_a, period_key="2024-W40", created_at=ago(26))
    make_delivery(steering, world.project_a, period_key="2024-W41", created_at=ago(26),
                  state=DeliveryState.PENDING)
    make_delivery(steering, world.project_a, period_key="2026-W40", created_at=ago(2))
    db.session.commit()


def test_rows_older_than_the_period_go_in_batches_and_the_rest_stay(app, aged, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_BATCH", 2)
    report = purge_expired(NOW)
    assert report.purged == {"audit_events": 5, "notifications": 1, "digest_deliveries": 1,
                             "notification_emails": 1}
    db.session.expire_all()
    assert list(db.session.scalars(select(AuditEvent.target_label))) == ["ny"]
    assert count(Notification) == 1
    # An e-mail still on its way is never purged, however old.
    assert sorted(db.session.scalars(select(DigestDelivery.period_key))) == ["2024-W41",
                                                                             "2026-W40"]
    assert sorted(db.session.scalars(select(NotificationEmail.state))) == ["retrying", "sent"]
    assert purge_expired(NOW).purged == dict.fromkeys(report.purged, 0)  # nothing left to do


def test_each_kind_has_its_own_period_and_0_keeps_it(app, aged, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_AUDIT_MONTHS", 0)
    monkeypatch.setitem(app.config, "RETENTION_NOTIFICATION_MONTHS", 36)
    report = purge_expired(NOW)
    assert "audit_events" not in report.purged and report.purged["notifications"] == 0
    assert count(AuditEvent) == 6 and count(Notification) == 2
    assert report.purged["notification_emails"] == 1


def test_the_default_period_is_24_months(app):
    assert app.config["RETENTION_MONTHS"] == 24
    for kind in retention.KINDS:
        assert app.config[kind.setting] == 24


@pytest.mark.parametrize(("moment", "months", "expected"), [
    (datetime(2026, 12, 2, 3, 30), 24, datetime(2024, 12, 2, 3, 30)),
    (datetime(2026, 3, 31), 1, datetime(2026, 2, 28)),
    (datetime(2024, 3, 31), 1, datetime(2024, 2, 29)),
    (datetime(2026, 1, 15), 13, datetime(2024, 12, 15)),
])
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


def test_a_second_scheduler_waits_for_the_first(app, aged, postgres_only):
    with retention.job_lock("privacy.retention") as first:
        assert first is True
        assert purge_expired(NOW).locked_out is True
    assert count(AuditEvent) == 6


def test_the_scheduler_runs_it_nightly_outside_the_clock_change_hour(app):
    [(job_id, func, trigger)] = retention.retention_jobs(app.config)
    assert job_id == "privacy.retention" and func is purge_expired
    fire = trigger.get_next_fire_time(None, datetime(2026, 3, 29, 0, 0, tzinfo=UTC))
    assert (fire.hour, fire.minute) == (3, 30) and str(fire.tzinfo) == "Europe/Copenhagen"
