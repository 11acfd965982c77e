"""Concurrent clicks on PostgreSQL: one live pledge per municipality and need, one order per
need, and one budget row per year."""
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.discovery.models import Need
from app.extensions import db
from app.funding import services
from app.funding.models import NeedOrder, Pledge
from app.services import RuleViolation
from tests.concurrency import in_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]


def _user(user_id):
    from app.accounts.models import User

    return db.session.get(User, user_id)


def test_concurrent_pledges_by_one_municipality_leave_one(app, fund):
    need_id, po_id = fund.need.id, fund.po.id
    db.session.commit()

    def pledge(i):
        services.pledge(_user(po_id), db.session.get(Need, need_id), Decimal(1000 + i))
        time.sleep(0.2)  # hold the transaction open so the others' inserts meet this row
        db.session.commit()
        return "ok"

    results = in_parallel(app, 4, pledge)
    assert results.count("ok") == 1, results
    assert all(isinstance(r, RuleViolation) and r.status == 409
               for r in results if r != "ok"), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 1


def test_concurrent_orders_of_one_need_leave_one(app, fund):
    need_id, secretariat_id = fund.need.id, fund.secretariat.id
    db.session.commit()

    def order(i):
        services.record_order(_user(secretariat_id), db.session.get(Need, need_id),
                              Decimal("5000"), year=2027, position=i)
        time.sleep(0.2)
        db.session.commit()
        return "ok"

    results = in_parallel(app, 4, order)
    assert results.count("ok") == 1, results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(NeedOrder)) == 1
