"""Two recorders settling the same escalated need at once on PostgreSQL: one decision wins,
the other is refused with 409 and leaves nothing behind."""
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from app.decisions import services
from app.decisions.models import Decision
from app.discovery.models import Need
from app.extensions import db
from app.services import RuleViolation
from tests.concurrency import in_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]


def test_one_of_two_simultaneous_decisions_settles_the_need(app, dec):
    need_id, project_id = dec.in_discovery.id, dec.project.id
    user_ids = [dec.steering.id, dec.secretariat.id]
    db.session.commit()

    def decide(i):
        from app.accounts.models import User
        from app.projects.models import Project

        need = db.session.get(Need, need_id)
        services.record_decision(
            db.session.get(Project, project_id), db.session.get(User, user_ids[i]),
            decided_on=date.today(), title=f"Beslutning {i}",
            outcomes=[services.OutcomeChoice(need, "approved", "ready")])
        time.sleep(0.2)  # hold the row lock so the other recorder meets it
        db.session.commit()
        return "ok"

    results = in_parallel(app, 2, decide)
    assert results.count("ok") == 1, results
    refused = [r for r in results if r != "ok"]
    assert all(isinstance(r, RuleViolation) and r.status == 409 for r in refused), refused
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 1
    assert db.session.get(Need, need_id).status == "ready"
