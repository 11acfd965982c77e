"""Two scheduler processes at once on PostgreSQL: every (endpoint, event) is sent once."""
import json
from collections import Counter

import pytest
from sqlalchemy import select

from app.backlog.services import create_item
from app.extensions import db
from app.webhooks.models import WebhookDelivery
from app.webhooks.sending import send_due
from tests.concurrency import failures, in_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]


def test_two_schedulers_deliver_each_event_once(app, world, receiver, endpoint_for):
    first, second = receiver(), receiver()
    endpoint_for(first, ["item.created"])
    endpoint_for(second, ["item.created"])
    for n in range(15):
        create_item(world.project_a, world.users["product_owner"], f"Punkt {n}")
    db.session.commit()

    # Small batches, so that the two senders keep meeting over the same rows.
    outcomes = in_parallel(app, 2, lambda _i: send_due(limit=3))
    assert not failures(outcomes)
    assert sum(int(outcome.split()[0]) for outcome in outcomes) == 30

    for r in (first, second):
        ids = Counter(json.loads(got["body"])["id"] for got in r.received)
        assert len(ids) == 15 and set(ids.values()) == {1}
        assert all(got["signed"] for got in r.received)
    db.session.expire_all()
    states = db.session.scalars(select(WebhookDelivery.state).order_by(WebhookDelivery.id))
    assert list(states) == ["delivered"] * 30
    attempts = db.session.scalars(select(WebhookDelivery.attempts).order_by(WebhookDelivery.id))
    assert set(attempts) == {1}
