"""Twenty people moving one card at the same moment, through the real pages on PostgreSQL:
with the version they all saw, exactly one move lands and the others are told someone else
moved it (409); without a version, none lands (400)."""
import pytest
from sqlalchemy import func, select

from app.backlog.models import Item, ItemHistory
from app.extensions import db
from tests.concurrency import failures, in_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]

MOVERS = 20
HX = {"HX-Request": "true"}


def parallel_moves(app, user, number: int, data: dict) -> list[int]:
    """The status of each of MOVERS simultaneous POSTs of `data` to the card's move address,
    each from its own signed-in client."""
    user_id = user.get_id()  # read here: the threads must not use the test's session

    def work(_i):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = user_id, True
        return client.post(f"/p/ALPHA/items/{number}/move", data=data, headers=HX).status_code

    outcomes = in_parallel(app, MOVERS, work)
    assert not failures(outcomes), failures(outcomes)
    return outcomes


def status_moves(item_id: int) -> int:
    return db.session.scalar(select(func.count(ItemHistory.id)).where(
        ItemHistory.item_id == item_id, ItemHistory.field == "status",
        ItemHistory.old_value.is_not(None)))


def test_of_twenty_moves_with_the_same_version_exactly_one_wins(app, world, make_item):
    item = make_item("Omstridt kort")
    db.session.commit()
    statuses = parallel_moves(app, world.users["developer"], item.number,
                              {"status": "ready", "version": item.version_id})
    assert sorted(statuses) == [200] + [409] * (MOVERS - 1), statuses
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "ready"
    assert status_moves(item.id) == 1


def test_twenty_moves_without_a_version_all_fail(app, world, make_item):
    item = make_item("Omstridt kort")
    db.session.commit()
    statuses = parallel_moves(app, world.users["developer"], item.number, {"status": "ready"})
    assert statuses == [400] * MOVERS, statuses
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "backlog"
    assert status_moves(item.id) == 0
