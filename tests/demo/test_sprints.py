"""The demo's boards and sprints, played through the board's and the sprints' services: weeks
of work that read like a team's, with burndowns on past days, and every move one its actor
may make."""
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.backlog.models import Item, ItemHistory, Status
from app.board.permissions import can_move_between, is_municipal_product_owner
from app.clock import COPENHAGEN, local_today
from app.database import utcnow
from app.demo.seed import seed_all
from app.extensions import db
from app.projects.models import Project
from app.sprints import reports
from app.sprints.models import Sprint


def _project(key: str) -> Project:
    return db.session.scalar(select(Project).where(Project.key == key))


def _sprints(project: Project) -> list[Sprint]:
    return list(db.session.scalars(select(Sprint).where(Sprint.project_id == project.id)
                                   .order_by(Sprint.start_date)))


def test_the_demo_sprints_tell_a_teams_story(app, db):
    now = utcnow()
    seed_all(now=now)
    db.session.commit()
    ovb = _project("OVB")
    sprints = _sprints(ovb)
    assert [(s.name, s.state) for s in sprints] == [
        ("Sprint 1", "closed"), ("Sprint 2", "closed"), ("Sprint 3", "closed"),
        ("Sprint 4", "active"), ("Sprint 5", "planned")]
    closed, active = sprints[:3], sprints[3]
    for sprint, following in zip(closed, sprints[1:4], strict=True):
        burndown = reports.burndown(sprint)
        assert sprint.committed_points == burndown.committed > 0
        assert sprint.completed_points == burndown.completed > 0
        assert all(day.remaining is not None for day in burndown.days)
        # One item did not make it: its points remain, and it went on to the next sprint.
        assert burndown.remaining > 0 and sprint.carried_to == following
    first, second, third = (reports.burndown(s).days for s in closed)
    assert any(day.scope > 0 for day in first[1:])  # an estimate raised mid-sprint
    assert any(day.scope > 0 for day in second[1:])  # an item added mid-sprint
    assert any(day.completed < 0 for day in third)  # a done item reopened
    verdicts = [v.kind for s in closed for e in reports.review(s).accepted for v in e.rejections]
    assert sorted(verdicts) == ["reject", "reopen"]

    today = local_today(now)
    burndown = reports.burndown(active, now=now)
    assert active.committed_points == burndown.committed > 0
    assert [d.remaining is not None for d in burndown.days] == [
        d.day <= today for d in burndown.days]
    assert {Status.READY, Status.IN_PROGRESS, Status.REVIEW, Status.ACCEPTANCE} <= set(
        db.session.scalars(select(Item.status).where(Item.sprint_id == active.id)))
    book_active = _sprints(_project("BOOK"))[2]
    assert Status.ACCEPTANCE in db.session.scalars(
        select(Item.status).where(Item.sprint_id == book_active.id)).all()

    # Work goes back from acceptance or done only by a municipality's product owner, with the
    # reason the vendor sees, on the item, in its history and in the audit log.
    rows = db.session.scalars(select(ItemHistory).where(
        ItemHistory.field == "status", ItemHistory.old_value.in_([Status.ACCEPTANCE, Status.DONE]),
        ItemHistory.new_value == Status.IN_PROGRESS)).all()
    assert len(rows) >= 4  # OVB: rejected in Sprint 2, reopened in Sprint 3; BOOK: both
    for row in rows:
        assert row.note
        assert is_municipal_product_owner(row.actor, row.item.project)
        assert row.item.rejected_by is not None and row.item.rejected_reason
    rejected = db.session.scalar(select(func.count()).where(
        AuditEvent.action.in_(["item.rejected", "item.reopened"])))
    assert rejected == len(rows)


def _last(weekday: int, hour: int, minute: int) -> datetime:
    """That weekday and local time, a week or more ago."""
    today = datetime.now(COPENHAGEN).date()
    day = today - timedelta(days=7 + (today.weekday() - weekday) % 7)
    return datetime.combine(day, time(hour, minute), tzinfo=COPENHAGEN)


@pytest.mark.parametrize("weekday, hour, minute", [(0, 7, 10), (6, 23, 50)],
                         ids=["monday-before-planning", "sunday-night"])
def test_the_story_holds_whatever_day_it_is_seeded(app, db, weekday, hour, minute):
    """The sprints' dates follow the calendar, the items' dates follow the clock: on the day
    before a sprint starts and late on a Sunday, each item's history still runs in order,
    from its creation on, and every move is one its actor may make."""
    seed_all(now=_last(weekday, hour, minute))
    db.session.commit()
    for item in db.session.scalars(select(Item)):
        moments = [row.created_at for row in item.history]
        assert moments == sorted(moments) and moments[0] == item.created_at, item.number
        for row in item.history:
            if row.field == "status" and row.old_value:
                assert can_move_between(row.actor, item.project, row.old_value,
                                        row.new_value), (item.number, row.new_value)
