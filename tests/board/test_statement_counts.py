"""No N+1: the number of SQL statements of the board, the backlog, the item page and a move
does not grow with the number of cards, items or comments shown."""
import pytest

from app.backlog.services import add_comment, create_item, update_item
from app.board.services import move_item, set_wip_limits
from app.extensions import db

STATUSES = ("backlog", "ready", "in_progress", "review", "acceptance")


def fill(world, count):
    """`count` items spread over epics, assignees, labels and columns."""
    project, po, dev = world.project_a, world.users["product_owner"], world.users["developer"]
    people = [world.users[r] for r in ("developer", "delivery_lead", "product_owner")]
    epics = [create_item(project, po, f"Epos {n}", "epic") for n in range(3)]
    items = []
    for n in range(count):
        item = create_item(project, po, f"Punkt {n}", estimate=n % 5,
                           assignee_id=people[n % 3].id, parent_id=epics[n % 3].id,
                           labels=[f"etiket {n % 4}", "fælles"])
        for status in STATUSES[1:1 + n % 5]:
            move_item(item, dev, status)
        items.append(item)
    set_wip_limits(project, {"in_progress": "2"})
    db.session.commit()
    return items


def statements(client, count_statements, url, **kwargs):
    with count_statements:
        response = client.open(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return count_statements.count


@pytest.mark.parametrize("url", ["/p/ALPHA/board", "/p/ALPHA/board?lanes=epic",
                                 "/p/ALPHA/board?mine=1&label=1",
                                 "/p/ALPHA/board/more?status=ready&n_ready=1",
                                 "/p/ALPHA/board/changes?n_ready=60",
                                 "/p/ALPHA/backlog", "/p/ALPHA/backlog?q=Punkt&type=story"])
def test_pages_do_not_grow_with_the_data(world, login, count_statements, url):
    client = login(world.users["product_owner"])
    fill(world, 6)
    small = statements(client, count_statements, url)
    fill(world, 70)
    large = statements(client, count_statements, url)
    assert small == large, count_statements.statements
    if "/board" in url:
        assert large <= 13  # 12, and the project's active sprint (one query)


def test_item_page_does_not_grow_with_comments_and_history(world, login, count_statements):
    client = login(world.users["developer"])
    small, large = fill(world, 2)
    update_item(small, world.users["developer"], {"assignee": None})
    for n in range(40):
        add_comment(large, world.users["contributor"], f"Kommentar {n}")
        update_item(large, world.users["developer"], {"title": f"Titel {n}",
                                                      "assignee": world.users["developer"].id
                                                      if n % 2 else None})
    db.session.commit()
    few = statements(client, count_statements, f"/p/ALPHA/items/{small.number}")
    many = statements(client, count_statements, f"/p/ALPHA/items/{large.number}")
    assert few == many, count_statements.statements


def test_a_move_does_not_grow_with_the_board(world, login, count_statements):
    client = login(world.users["developer"])
    items = fill(world, 6)
    first = statements(client, count_statements, f"/p/ALPHA/items/{items[0].number}/move",
                       method="POST", headers={"HX-Request": "true"},
                       data={"status": "ready", "version": items[0].version_id})
    more = fill(world, 60)
    second = statements(client, count_statements, f"/p/ALPHA/items/{more[0].number}/move",
                        method="POST", headers={"HX-Request": "true"},
                        data={"status": "ready", "version": more[0].version_id})
    assert first == second, count_statements.statements
