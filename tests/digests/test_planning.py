"""The scheduler's planning reads only what is due (issue 27): exactly the members whose
digest period is due now and has no delivery row yet — explicit daily and weekly
subscriptions, and the weekly default of steering members and product owners — and nothing
when no period is due; in one statement however many members there are."""
import random
from datetime import time, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from app.database import utcnow
from app.digests.delivery import plan_due
from app.digests.models import DigestDelivery, DigestSubscription, Frequency
from app.digests.schedule import SendSettings, due_period
from app.digests.services import default_frequency, set_subscription
from app.extensions import db
from app.projects.models import Membership, Role
from tests.digests.conftest import next_local


def _delivery(user, project, frequency, key, now):
    db.session.add(DigestDelivery(
        user_id=user.id, project_id=project.id, frequency=frequency, period_key=key,
        period_start=now - timedelta(days=7), period_end=now, recipient=user.email,
        locale="da", message_id=f"<{user.id}-{key}@test>", subject="s", body_text="t",
        body_html="h", content=[], state="sent"))


def expected(now, project_key=None) -> set:
    """What is due, worked out the long way: every membership, its frequency and period."""
    settings = SendSettings.from_config(current_app.config)
    subscriptions = {(s.user_id, s.project_id): s.frequency
                     for s in db.session.scalars(select(DigestSubscription))}
    written = {(d.user_id, d.project_id, d.period_key)
               for d in db.session.scalars(select(DigestDelivery))}
    due = set()
    for m in db.session.scalars(select(Membership)):
        if not m.user.is_active or (project_key and m.project.key != project_key):
            continue
        frequency = subscriptions.get((m.user_id, m.project_id)) \
            or default_frequency(m.role_names)
        period = due_period(frequency, now, settings)
        if period and (m.user_id, m.project_id, period.key) not in written:
            due.add((m.user.email, m.project.key, str(frequency), period.key, m.role_names))
    return due


def planned(now, project_key=None) -> set:
    return {(d.user.email, d.project.key, str(d.frequency), d.period.key, d.roles)
            for d in plan_due(now, project_key)}


def test_planning_picks_exactly_the_due_deliveries(world, monday_morning):
    users, a = world.users, world.project_a
    set_subscription(users["developer"], a, Frequency.DAILY)
    set_subscription(users["contributor"], a, Frequency.WEEKLY)
    set_subscription(users["product_owner"], a, Frequency.OFF)  # overrides the default
    set_subscription(users["observer"], a, Frequency.WEEKLY)
    users["observer"].is_active = False
    week = due_period(Frequency.WEEKLY, monday_morning,
                      SendSettings.from_config(current_app.config)).key
    _delivery(users["steering"], a, Frequency.WEEKLY, week, monday_morning)  # sent already
    db.session.commit()

    due = planned(monday_morning)
    day = monday_morning.date().isoformat()
    assert due == {
        ("developer@a.example", "ALPHA", "daily", day, frozenset({Role.DEVELOPER})),
        ("contributor@a.example", "ALPHA", "weekly", week, frozenset({Role.CONTRIBUTOR})),
        ("outsider@b.example", "BETA", "weekly", week, frozenset({Role.PRODUCT_OWNER})),
    }
    assert due == expected(monday_morning)
    assert planned(monday_morning, "BETA") == {d for d in due if d[1] == "BETA"}
    # The explicit subscription's nonce comes along, for the unsubscribe link.
    developer = next(d for d in plan_due(monday_morning) if d.frequency == Frequency.DAILY)
    assert developer.nonce and developer.user == users["developer"] and developer.project == a

    # Saturday: no daily digests; the week's are still due to whoever has none yet.
    saturday = next_local({5}, at=time(10, 0), after=monday_morning)
    assert {d[0] for d in planned(saturday)} == {"contributor@a.example", "outsider@b.example"}
    # Once written, nothing is due any more.
    for d in plan_due(monday_morning):
        _delivery(d.user, d.project, d.frequency, d.period.key, monday_morning)
    db.session.commit()
    assert planned(monday_morning + timedelta(minutes=5)) == set()


def test_before_the_send_moment_nothing_is_read(world, count_statements, monday_morning):
    before = monday_morning.replace(hour=6, minute=0)
    with count_statements:
        assert plan_due(before) == []
    assert count_statements.count == 0


@pytest.mark.parametrize("weekday, at", [(0, time(7, 5)), (2, time(18, 0)), (6, time(23, 0))])
def test_planning_agrees_with_the_long_way_on_a_mixed_community(world, factory, weekday, at):
    rnd = random.Random(weekday)
    projects = [world.project_a, world.project_b]
    for i in range(40):
        project = projects[i % 2]
        role = rnd.choice(list(Role))
        org = world.vendor if role in (Role.DEVELOPER, Role.DELIVERY_LEAD) else (
            world.muni_a if project is world.project_a else world.muni_b)
        user = factory.user(org, email=f"p{i}@x.example", roles=[role], project=project)
        choice = rnd.choice([None, Frequency.OFF, Frequency.DAILY, Frequency.WEEKLY])
        if choice:
            set_subscription(user, project, choice)
        user.is_active = rnd.random() > .1
    db.session.commit()
    now = next_local({weekday}, at=at, after=utcnow())
    assert planned(now) == expected(now)
    for d in rnd.sample(plan_due(now), 10):
        _delivery(d.user, d.project, d.frequency, d.period.key, now)
    db.session.commit()
    assert planned(now) == expected(now)
    assert planned(now, "BETA") == expected(now, "BETA")


def test_planning_is_one_statement_however_many_are_due(world, factory, count_statements,
                                                        monday_morning):
    def add(n):
        for _ in range(n):
            factory.user(world.muni_a, roles=[Role.STEERING], project=world.project_a)
        db.session.commit()

    add(2)
    with count_statements:
        small = len(plan_due(monday_morning))
    statements = count_statements.count
    add(30)
    db.session.expunge_all()
    with count_statements:
        assert len(plan_due(monday_morning)) == small + 30
    assert count_statements.count == statements == 1, count_statements.statements
