"""Concurrent planners on PostgreSQL: of sprints started at the same moment only one becomes
active, the others are refused with 409; overlapping sprints created at once do not both
land; a sprint closed twice at once is closed once."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.backlog.models import ItemHistory
from app.backlog.services import create_item
from app.extensions import db
from app.projects.models import Project
from app.services import RuleViolation
from app.sprints import services
from app.sprints.models import Sprint
from tests.concurrency import in_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]


def test_only_one_of_sprints_started_together_becomes_active(app, world):
    lead = world.users["delivery_lead"]
    starts = [date(2026, 11, 2) + timedelta(days=14 * n) for n in range(4)]
    ids = [services.create_sprint(world.project_a, lead, f"Sprint {n}", start,
                                  start + timedelta(days=11), 20).id
           for n, start in enumerate(starts)]
    db.session.commit()
    lead_id = lead.id  # read here: the test's session must not be used by the threads

    def work(i):
        services.start_sprint(db.session.get(Sprint, ids[i]), db.session.get(User, lead_id))
        db.session.commit()

    outcomes = in_parallel(app, 4, work)
    assert sum(o is None for o in outcomes) == 1, outcomes
    assert all(isinstance(o, RuleViolation) and o.status == 409 for o in outcomes if o), outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Sprint.id)).where(Sprint.state == "active")) == 1


def test_overlapping_sprints_created_together_do_not_both_land(app, world):
    lead_id, project_id = world.users["delivery_lead"].id, world.project_a.id

    def work(i):
        services.create_sprint(db.session.get(Project, project_id), db.session.get(User, lead_id),
                               f"Sprint {i}", date(2026, 12, 7 + i), date(2026, 12, 18 + i), 20)
        db.session.commit()

    outcomes = in_parallel(app, 4, work)
    assert sum(o is None for o in outcomes) == 1
    assert all(isinstance(o, RuleViolation) and o.status == 422 for o in outcomes if o)


def test_a_sprint_closed_twice_at_once_is_closed_once(app, world):
    lead = world.users["delivery_lead"]
    sprint = services.create_sprint(world.project_a, lead, "Sprint 1", date(2026, 11, 23),
                                    date(2026, 12, 4), 20)
    item = create_item(world.project_a, world.users["product_owner"], "Ufærdig", estimate=3)
    services.commit_item(sprint, lead, item)
    services.start_sprint(sprint, lead)
    db.session.commit()
    sprint_id, version, lead_id = sprint.id, sprint.version_id, lead.id

    def work(i):
        services.close_sprint(db.session.get(Sprint, sprint_id), db.session.get(User, lead_id),
                              expected_version=version)
        db.session.commit()

    outcomes = in_parallel(app, 3, work)
    assert sum(o is None for o in outcomes) == 1
    assert all(isinstance(o, RuleViolation) and o.status == 409 for o in outcomes if o)
    moves_out = db.session.scalar(select(func.count(ItemHistory.id)).where(
        ItemHistory.field == "sprint", ItemHistory.old_value == str(sprint_id)))
    assert moves_out == 1
