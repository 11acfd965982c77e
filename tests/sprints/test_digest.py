"""The sprints' section of the steering group's digest."""
from datetime import date, timedelta

from flask_babel import force_locale

from app.digests.registry import DigestContext
from app.extensions import db
from app.sprints import services
from app.sprints.digest import sprint_progress
from tests.sprints.helpers import deliver, item, utc


def context(world, start, end, role="steering"):
    return DigestContext(user=world.users[role], project=world.project_a,
                         roles=frozenset({role}), period_start=start, period_end=end,
                         locale="en", frequency="weekly")


def test_steering_sees_goal_progress_days_left_and_a_compact_burndown(world, app):
    po, lead, dev = (world.users[r] for r in ("product_owner", "delivery_lead", "developer"))
    sprint = services.create_sprint(world.project_a, lead, "Sprint 9", date(2026, 11, 23),
                                    date(2026, 12, 4), 20, goal="Eksport til regneark")
    a, b = item(world.project_a, po, "A", 5, utc(2026, 11, 20)), item(
        world.project_a, po, "B", 3, utc(2026, 11, 20))
    for it in (a, b):
        services.commit_item(sprint, lead, it, at=utc(2026, 11, 20, 12))
    services.start_sprint(sprint, lead, at=utc(2026, 11, 23, 8))
    deliver(a, dev, po, utc(2026, 11, 25))
    db.session.commit()
    end = utc(2026, 11, 27, 6)
    with app.test_request_context(), force_locale("en"):
        section = sprint_progress(context(world, end - timedelta(days=7), end))
    assert section.summary == "Sprint goal: Eksport til regneark"
    figures = {f.label: (f.value, f.total) for f in section.figures}
    assert figures["Points done"] == (5, 8)
    assert figures["Working days left"] == (5, None)
    assert [v for label, v in figures.items() if label.startswith("Remaining")] == [
        (8, 8), (8, 8), (3, 8), (3, 8), (3, 8)]
    assert section.figures[0].percent == 62
    assert section.more_link == f"/p/ALPHA/sprints/{sprint.id}/review"


def test_a_sprint_closed_in_the_period_is_reported_and_nothing_else_is_quiet(world, app):
    lead = world.users["delivery_lead"]
    end = utc(2026, 11, 27, 6)
    with app.test_request_context():
        assert sprint_progress(context(world, end - timedelta(days=7), end)) is None
    sprint = services.create_sprint(world.project_a, lead, "Sprint 8", date(2026, 11, 9),
                                    date(2026, 11, 20), 20)
    services.start_sprint(sprint, lead, at=utc(2026, 11, 9, 8))
    services.close_sprint(sprint, lead, at=utc(2026, 11, 20, 15))
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        section = sprint_progress(context(world, end - timedelta(days=7), end))
    assert [i.text for i in section.items] == ["Sprint 8 closed: 0 of 0 points completed."]
