"""Concurrent clicks on PostgreSQL: one co-sponsorship per municipality, unique need numbers."""
import threading
import time

import pytest
from sqlalchemy import func, select

from app.discovery import services
from app.discovery.models import Need, NeedCoSponsor
from app.extensions import db
from app.services import RuleViolation
from tests.concurrency import in_parallel
from tests.discovery.conftest import NEED_TEXTS

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]


def test_concurrent_co_sponsorships_by_one_municipality_leave_one(app, disc):
    need_id = disc.need.id
    user_ids = [disc.po.id, disc.contributor.id, disc.po.id, disc.contributor.id]
    db.session.commit()

    def cosponsor(i):
        from app.accounts.models import User

        need = db.session.get(Need, need_id)
        services.cosponsor(need, db.session.get(User, user_ids[i]), f"Klik {i}")
        time.sleep(0.2)  # hold the transaction open so the others' inserts meet this row
        db.session.commit()
        return "ok"

    results = in_parallel(app, len(user_ids), cosponsor)
    assert results.count("ok") == 1, results
    refused = [r for r in results if r != "ok"]
    assert all(isinstance(r, RuleViolation) and r.status == 409 for r in refused), refused
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(NeedCoSponsor)) == 1


def test_concurrent_submissions_get_distinct_consecutive_numbers(app, disc):
    project_id, user_id = disc.project.id, disc.contributor.id
    db.session.commit()

    def submit(i):
        from app.accounts.models import User
        from app.projects.models import Project

        need = services.create_need(db.session.get(Project, project_id),
                                    db.session.get(User, user_id),
                                    **{**NEED_TEXTS, "title": f"Samtidigt behov {i}"})
        time.sleep(0.05)
        db.session.commit()
        return need.number

    numbers = in_parallel(app, 6, submit)
    assert sorted(numbers) == [2, 3, 4, 5, 6, 7], numbers


def test_two_simultaneous_decisions_do_not_both_win(app, disc):
    need_id, user_id = disc.need.id, disc.po.id
    db.session.commit()
    loaded = threading.Barrier(2)
    targets = ["in_discovery", "declined"]

    def decide(i):
        from app.accounts.models import User

        need = db.session.get(Need, need_id)
        assert need.status == "submitted"
        loaded.wait(timeout=10)  # both have read "submitted" before either decides
        services.set_status(need, targets[i], actor=db.session.get(User, user_id),
                            rationale="Besluttet")
        time.sleep(0.2)
        db.session.commit()
        return need.status

    results = in_parallel(app, 2, decide)
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, RuleViolation)]
    assert len(winners) == 1 and len(losers) == 1 and losers[0].status == 409, results
    db.session.expire_all()
    need = db.session.get(Need, need_id)
    assert need.status == winners[0]
    assert [c.field for c in need.changes] == ["created", "status"]
