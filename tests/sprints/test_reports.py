"""Burndown, velocity and review figures checked against a scenario worked out by hand.

Sprint 3, Monday 2 March – Friday 13 March 2026 (ten working days), capacity 20:
  before the start  A 5, B 3, C 8 and D (1, re-estimated to 2) are committed   → 18 points
  Mon  2/3  started at 09:00
  Tue  3/3  A done                                        completed 5   → 13
  Wed  4/3  E (3) is created and added mid-sprint         scope +3      → 16
  Thu  5/3  C re-estimated from 8 to 5                    scope −3      → 13
  Fri  6/3  B done                                        completed 3   → 10
  Sat, Sun  nothing                                                     → 10
  Mon  9/3  B reopened                                    completed −3  → 13
  Tue 10/3  D taken out of the sprint                     scope −2      → 11
  Wed 11/3  B and E done                                  completed 6   →  5
  Thu, Fri  nothing                                                     →  5
  Fri 13/3  closed at 16:00; C (5) goes back to the backlog
  after     C is done the week after: the closed sprint does not change
Committed 18, completed A + B + E = 11. The ideal line falls 1.8 a working day.
The points add up: 18 committed + 3 added (E) − 5 taken out (C's 3, D's 2) = 11 done + 5 open.
Velocity: earlier sprints completed 30, 10 and 12, so the last three average (10+12+11)/3 = 11.
"""
from datetime import date

import pytest

from app.extensions import db
from app.sprints import reports, services
from tests.sprints.helpers import (change_estimate, closed_sprint, deliver, item, reopen, utc)

EN = {"Accept-Language": "en"}

EXPECTED = [
    # day, completed, scope, remaining, ideal
    (date(2026, 3, 2), 0, 0, 18, 16.2),
    (date(2026, 3, 3), 5, 0, 13, 14.4),
    (date(2026, 3, 4), 0, 3, 16, 12.6),
    (date(2026, 3, 5), 0, -3, 13, 10.8),
    (date(2026, 3, 6), 3, 0, 10, 9.0),
    (date(2026, 3, 7), 0, 0, 10, 9.0),
    (date(2026, 3, 8), 0, 0, 10, 9.0),
    (date(2026, 3, 9), -3, 0, 13, 7.2),
    (date(2026, 3, 10), 0, -2, 11, 5.4),
    (date(2026, 3, 11), 6, 0, 5, 3.6),
    (date(2026, 3, 12), 0, 0, 5, 1.8),
    (date(2026, 3, 13), 0, 0, 5, 0.0),
]


@pytest.fixture
def scenario(world):
    project = world.project_a
    po, lead, dev = (world.users[r] for r in ("product_owner", "delivery_lead", "developer"))
    closed_sprint(project, lead, dev, po, "Sprint 0", date(2026, 1, 19), date(2026, 1, 30), 30)
    closed_sprint(project, lead, dev, po, "Sprint 1", date(2026, 2, 2), date(2026, 2, 13), 10)
    closed_sprint(project, lead, dev, po, "Sprint 2", date(2026, 2, 16), date(2026, 2, 27), 12)
    sprint = services.create_sprint(project, lead, "Sprint 3", date(2026, 3, 2),
                                    date(2026, 3, 13), 20, goal="Eksport til regneark")
    a = item(project, po, "A", 5, utc(2026, 2, 25))
    b = item(project, po, "B", 3, utc(2026, 2, 25))
    c = item(project, po, "C", 8, utc(2026, 2, 25))
    d = item(project, po, "D", 1, utc(2026, 2, 25))
    for it in (a, b, c, d):
        services.commit_item(sprint, lead, it, at=utc(2026, 3, 1, 12))
    change_estimate(d, lead, 2, utc(2026, 3, 1, 13))
    services.start_sprint(sprint, lead, at=utc(2026, 3, 2, 8))
    deliver(a, dev, po, utc(2026, 3, 3))
    e = item(project, po, "E", 3, utc(2026, 3, 4, 9))
    services.commit_item(sprint, lead, e, at=utc(2026, 3, 4))
    change_estimate(c, lead, 5, utc(2026, 3, 5))
    deliver(b, dev, po, utc(2026, 3, 6))
    reopen(b, po, utc(2026, 3, 9))
    services.remove_item(sprint, lead, d, at=utc(2026, 3, 10))
    deliver(b, dev, po, utc(2026, 3, 11))
    deliver(e, dev, po, utc(2026, 3, 11, 11))
    moved = services.close_sprint(sprint, lead, "backlog", at=utc(2026, 3, 13, 15))
    assert moved == [c]
    deliver(c, dev, po, utc(2026, 3, 18))
    db.session.commit()
    return {"sprint": sprint, "items": dict(a=a, b=b, c=c, d=d, e=e), "po": po, "world": world}


def test_burndown_matches_the_hand_computed_scenario(scenario):
    data = reports.burndown(scenario["sprint"], now=utc(2026, 4, 1))
    assert data.committed == 18
    got = [(d.day, d.completed, d.scope, d.remaining, round(d.ideal, 1)) for d in data.days]
    assert got == EXPECTED
    assert [d.is_working_day for d in data.days].count(False) == 2
    assert data.remaining == 5 and data.completed == 11 and data.scope_change == -2


def test_the_closed_sprints_points_add_up(scenario, login):
    html = login(scenario["po"]).get(f"/p/ALPHA/sprints/{scenario['sprint'].id}",
                                     headers=EN).get_data(as_text=True)
    assert "18 committed + 3 added − 5 taken out = 11 done + 5 open points" in html
    assert "11 points <span class=\"muted\">(frozen at close; counts in the velocity)" in html
    data = reports.burndown(scenario["sprint"], now=utc(2026, 4, 1))
    assert (data.committed, data.added, data.removed, data.completed, data.open) == (
        18, 3, 5, 11, 5)


@pytest.fixture
def active(world):
    """Sprint 9, Monday 23 November – Friday 4 December 2026, still running:
      before the start  A 5, B 3 and C 2 are committed                 → committed 10
      Tue 24/11  D (4) added                                           added 4
      Wed 25/11  C re-estimated from 2 to 3; B taken out               added 1, taken out 3
      Thu 26/11  A done; E (2) added                                   done 5, added 2
      Fri 27/11  E re-estimated from 2 to 1                            taken out 1
      Mon 30/11  A reopened; Tue 1/12 A done again                     done −5, +5
    10 committed + 7 added − 4 taken out = 13 = 5 done + 8 open (C 3, D 4, E 1)."""
    project = world.project_a
    po, lead, dev = (world.users[r] for r in ("product_owner", "delivery_lead", "developer"))
    sprint = services.create_sprint(project, lead, "Sprint 9", date(2026, 11, 23),
                                    date(2026, 12, 4), 20)
    a, b, c = (item(project, po, t, p, utc(2026, 11, 20)) for t, p in (("A", 5), ("B", 3),
                                                                       ("C", 2)))
    for it in (a, b, c):
        services.commit_item(sprint, lead, it, at=utc(2026, 11, 20, 12))
    services.start_sprint(sprint, lead, at=utc(2026, 11, 23, 8))
    d = item(project, po, "D", 4, utc(2026, 11, 24, 9))
    services.commit_item(sprint, lead, d, at=utc(2026, 11, 24))
    change_estimate(c, lead, 3, utc(2026, 11, 25))
    services.remove_item(sprint, lead, b, at=utc(2026, 11, 25, 11))
    deliver(a, dev, po, utc(2026, 11, 26))
    e = item(project, po, "E", 2, utc(2026, 11, 26, 9))
    services.commit_item(sprint, lead, e, at=utc(2026, 11, 26, 11))
    change_estimate(e, lead, 1, utc(2026, 11, 27))
    reopen(a, po, utc(2026, 11, 30))
    deliver(a, dev, po, utc(2026, 12, 1))
    db.session.commit()
    return sprint


def test_the_active_sprints_points_add_up_on_both_pages(world, login, active):
    client = login(world.users["observer"])
    expected = "10 committed + 7 added − 4 taken out = 5 done + 8 open points"
    index = client.get("/p/ALPHA/sprints", headers=EN).get_data(as_text=True)
    assert expected in index and "4 items in the sprint." in index
    page = client.get(f"/p/ALPHA/sprints/{active.id}", headers=EN).get_data(as_text=True)
    assert expected in page
    data = reports.burndown(active)
    assert (data.committed, data.added, data.removed, data.completed, data.open) == (
        10, 7, 4, 5, 8)
    assert data.open == data.remaining


def test_closing_freezes_committed_and_completed(scenario):
    sprint = scenario["sprint"]
    assert (sprint.committed_points, sprint.completed_points) == (18, 11)
    assert sprint.closed_at == utc(2026, 3, 13, 15)
    c = scenario["items"]["c"]
    assert c.sprint_id is None and c.status == "done"  # done later, in no sprint
    assert reports.committed_and_completed(sprint) == (18, 11)


def test_velocity_and_the_average_of_the_last_three(scenario):
    project = scenario["world"].project_a
    rows = reports.velocity(project)
    assert [(r.sprint.name, r.committed, r.completed) for r in rows] == [
        ("Sprint 0", 30, 30), ("Sprint 1", 10, 10), ("Sprint 2", 12, 12), ("Sprint 3", 18, 11)]
    assert services.average_velocity(project) == 11


def test_active_sprint_burndown_stops_today(world):
    project = world.project_a
    po, lead, dev = (world.users[r] for r in ("product_owner", "delivery_lead", "developer"))
    sprint = services.create_sprint(project, lead, "Sprint 9", date(2026, 11, 23),
                                    date(2026, 12, 4), 20)
    a = item(project, po, "A", 5, utc(2026, 11, 20))
    b = item(project, po, "B", 8, utc(2026, 11, 20))
    services.commit_item(sprint, lead, a, at=utc(2026, 11, 20, 12))
    services.commit_item(sprint, lead, b, at=utc(2026, 11, 20, 12))
    services.start_sprint(sprint, lead, at=utc(2026, 11, 23, 8))
    deliver(a, dev, po, utc(2026, 11, 25))
    data = reports.burndown(sprint, now=utc(2026, 11, 27, 12))
    remaining = [d.remaining for d in data.days]
    assert remaining == [13, 13, 8, 8, 8] + [None] * 7
    assert data.days[-1].ideal == 0 and data.days[4].ideal == 6.5


def test_review_lists_acceptance_rejection_and_what_awaits(world):
    from tests.sprints.helpers import reject

    project = world.project_a
    po, lead, dev = (world.users[r] for r in ("product_owner", "delivery_lead", "developer"))
    sprint = services.create_sprint(project, lead, "Sprint 4", date(2026, 3, 16),
                                    date(2026, 3, 27), 20)
    accepted = item(project, po, "Godkendt", 3, utc(2026, 3, 10))
    rejected = item(project, po, "Afvist", 2, utc(2026, 3, 10))
    waiting = item(project, po, "Afventer", 1, utc(2026, 3, 10))
    started = item(project, po, "I gang", 5, utc(2026, 3, 10))
    for it in (accepted, rejected, waiting, started):
        services.commit_item(sprint, lead, it, at=utc(2026, 3, 13))
    services.start_sprint(sprint, lead, at=utc(2026, 3, 16, 8))
    deliver(accepted, dev, po, utc(2026, 3, 18))
    from app.board.services import move_item

    move_item(rejected, dev, "acceptance", at=utc(2026, 3, 19))
    reject(rejected, po, utc(2026, 3, 20), "Eksporten mangler kolonnen for ejer")
    move_item(waiting, dev, "acceptance", at=utc(2026, 3, 25))
    move_item(started, dev, "in_progress", at=utc(2026, 3, 17))
    services.close_sprint(sprint, lead, "backlog", at=utc(2026, 3, 27, 15))
    # After the close the waiting item is accepted: the review shows the sprint as it closed.
    move_item(waiting, po, "done", at=utc(2026, 3, 30))
    db.session.commit()

    review = reports.review(sprint)
    assert [e.item.title for e in review.accepted] == ["Godkendt"]
    verdict = review.accepted[0].accepted
    assert verdict.actor == po and verdict.actor.organisation.name == "Ballerup Kommune"
    assert verdict.at == utc(2026, 3, 18)
    assert [e.item.title for e in review.awaiting] == ["Afventer"]
    assert [e.item.title for e in review.rejected] == ["Afvist"]
    rejection = review.rejected[0].last_rejection
    assert (rejection.actor, rejection.reason, rejection.kind) == (
        po, "Eksporten mangler kolonnen for ejer", "reject")
    assert [e.item.title for e in review.unfinished] == ["I gang"]
    assert review.accepted_points == 3
