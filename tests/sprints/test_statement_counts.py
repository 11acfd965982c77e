"""No N+1: the sprint pages issue as many SQL statements for a sprint of a few items as for
one of many, and the sprints page as many for a few closed sprints as for many."""
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.sprints import services
from tests.sprints.helpers import closed_sprint, deliver, item, reject, utc


def grow(world, sprint, count, start):
    """`count` more items in the sprint, some done, some rejected, with assignees."""
    project, po, dev = world.project_a, world.users["product_owner"], world.users["developer"]
    lead = world.users["delivery_lead"]
    for n in range(count):
        it = item(project, po, f"Punkt {start + n}", n % 5 + 1, utc(2026, 11, 20))
        it.assignee_id = (dev if n % 2 else po).id
        services.commit_item(sprint, lead, it, at=utc(2026, 11, 20, 12))
        if n % 3 == 0:
            deliver(it, dev, po, utc(2026, 11, 24))
        elif n % 3 == 1:
            from app.board.services import move_item

            move_item(it, dev, "acceptance", at=utc(2026, 11, 24))
            reject(it, po, utc(2026, 11, 25))
        item(project, po, f"Backlog {start + n}", 2, utc(2026, 11, 20))
    db.session.commit()


def count(client, counter, url):
    with counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


@pytest.mark.parametrize("page", ["", "/review"])
def test_sprint_pages_do_not_grow_with_the_sprint(world, login, count_statements, page):
    lead = world.users["delivery_lead"]
    sprint = services.create_sprint(world.project_a, lead, "Sprint 9", date(2026, 11, 23),
                                    date(2026, 12, 4), 20)
    grow(world, sprint, 3, 0)
    services.start_sprint(sprint, lead, at=utc(2026, 11, 23, 8))
    db.session.commit()
    client = login(lead)
    url = f"/p/ALPHA/sprints/{sprint.id}{page}"
    small = count(client, count_statements, url)
    grow(world, sprint, 30, 100)
    assert count(client, count_statements, url) == small, count_statements.statements


def test_sprints_page_does_not_grow_with_the_sprints(world, login, count_statements):
    lead, dev, po = (world.users[r] for r in ("delivery_lead", "developer", "product_owner"))
    start = date(2026, 1, 5)

    def add(n, first):
        for k in range(first, first + n):
            s = start + timedelta(days=14 * k)
            closed_sprint(world.project_a, lead, dev, po, f"Sprint {k}", s,
                          s + timedelta(days=11), 3)
        db.session.commit()

    add(2, 0)
    client = login(po)
    small = count(client, count_statements, "/p/ALPHA/sprints")
    add(12, 2)
    assert count(client, count_statements, "/p/ALPHA/sprints") == small, \
        count_statements.statements
