"""Several senders at once on PostgreSQL: exactly one message per recipient and period."""
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from app.digests import delivery as delivery_module
from app.digests.delivery import send_due
from app.digests.models import DeliveryState, DigestDelivery
from app.extensions import db
from app.projects.models import Role
from tests.concurrency import failures, in_parallel

# Advisory locks, one guard against double sending, exist only on PostgreSQL.
pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]


def _many_steering_members(factory, world, n=12):
    for i in range(n):
        factory.user(world.muni_a, email=f"styregruppe{i}@a.example", roles=[Role.STEERING],
                     project=world.project_a)
    db.session.commit()


def _expected_recipients(world):
    return sorted([f"styregruppe{i}@a.example" for i in range(12)]
                  + ["steering@a.example", "product_owner@a.example", "outsider@b.example"])


def test_parallel_scheduler_processes_send_each_digest_once(
        app, factory, world, smtp, monday_morning):
    _many_steering_members(factory, world)
    assert not failures(in_parallel(app, 4, lambda _i: send_due(now=monday_morning)))

    assert smtp.recipients == _expected_recipients(world)
    assert db.session.scalar(select(func.count(DigestDelivery.id))) == len(smtp.recipients)


def test_without_the_advisory_lock_rows_and_claims_still_prevent_duplicates(
        app, factory, world, smtp, monday_morning, monkeypatch):
    @contextmanager
    def no_lock(_name):
        yield True

    monkeypatch.setattr(delivery_module, "job_lock", no_lock)
    _many_steering_members(factory, world)
    assert not failures(in_parallel(app, 4, lambda _i: send_due(now=monday_morning)))

    assert smtp.recipients == _expected_recipients(world)
    states = db.session.scalars(select(DigestDelivery.state)).all()
    assert states == [DeliveryState.SENT] * len(smtp.recipients)
