"""No N+1 in the API: listing items, reading one, a sprint's items and a move cost the same
number of statements whatever the number of items."""
import pytest

from tests.api.conftest import bearer_for
from tests.board.test_statement_counts import fill


def statements(client, count_statements, method, url, **kwargs):
    with count_statements:
        response = client.open(url, method=method, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.json)
    return count_statements.count


@pytest.mark.parametrize("url", ["/api/v1/projects/ALPHA/items?limit=100",
                                 "/api/v1/projects/ALPHA/items?type=story&label=1",
                                 "/api/v1/projects/ALPHA/items/2",
                                 "/api/v1/projects/ALPHA/members"])
def test_reads_do_not_grow_with_the_data(world, client, count_statements, url):
    headers = bearer_for(world.users["product_owner"], [world.project_a])
    client.get("/api/v1/projects", headers=headers)  # the token's first use is written once
    fill(world, 6)
    small = statements(client, count_statements, "GET", url, headers=headers)
    fill(world, 70)
    large = statements(client, count_statements, "GET", url, headers=headers)
    assert small == large, count_statements.statements


def test_a_sprints_items_and_a_move_do_not_grow_with_the_data(world, client, count_statements):
    from datetime import date

    from app.extensions import db
    from app.sprints.services import commit_item, create_sprint

    headers = bearer_for(world.users["developer"], [world.project_a])
    client.get("/api/v1/projects", headers=headers)
    sprint = create_sprint(world.project_a, world.users["delivery_lead"], "Sprint 1",
                           date(2026, 12, 7), date(2026, 12, 18), 20)
    counts = []
    for size in (6, 70):
        for item in fill(world, size):
            if item.sprint_id is None and item.status != "done":
                commit_item(sprint, world.users["delivery_lead"], item)
        db.session.commit()
        counts.append(statements(client, count_statements, "GET",
                                 f"/api/v1/projects/ALPHA/sprints/{sprint.id}", headers=headers))
    assert counts[0] == counts[1], count_statements.statements
    moves = []
    for number in (4, 73):  # alike: backlog column, the sprint, the developer's, an epic's
        moves.append(statements(client, count_statements, "POST",
                                f"/api/v1/projects/ALPHA/items/{number}/move",
                                headers={**headers, "If-Match": "*"}, json={"status": "ready"}))
    assert moves[0] == moves[1]
