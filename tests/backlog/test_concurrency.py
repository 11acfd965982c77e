"""Concurrent writers on PostgreSQL: item numbers stay unique and gap-free, and moves into
the same gap of the ranking all land, each with its own rank key."""
import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.backlog.models import Item
from app.backlog.services import create_item, rank_item
from app.extensions import db
from app.projects.models import Project
from tests.concurrency import failures, in_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]


def test_concurrent_creation_numbers_every_item_once(app, world):
    project_id, user_id = world.project_a.id, world.users["developer"].id

    def work(i):
        project, user = db.session.get(Project, project_id), db.session.get(User, user_id)
        for k in range(5):
            create_item(project, user, f"Punkt {i}-{k}")
            db.session.commit()

    assert not failures(in_parallel(app, 8, work))
    db.session.expire_all()
    numbers = sorted(db.session.scalars(select(Item.number).where(Item.project_id == project_id)))
    assert numbers == list(range(1, 41))
    ranks = db.session.scalars(select(Item.rank).where(Item.project_id == project_id)).all()
    assert len(set(ranks)) == 40


def test_concurrent_moves_into_one_gap_all_land(app, world, make_item):
    first, _last = make_item("first"), make_item("last")
    movers = [make_item(f"m{i}").id for i in range(6)]
    po_id, first_id = world.users["product_owner"].id, first.id

    def work(i):
        user = db.session.get(User, po_id)
        rank_item(db.session.get(Item, movers[i]), user, "after", db.session.get(Item, first_id))
        db.session.commit()

    assert not failures(in_parallel(app, 6, work))
    db.session.expire_all()
    titles = list(db.session.scalars(select(Item.title).where(
        Item.project_id == world.project_a.id).order_by(Item.rank)))
    assert titles[0] == "first" and titles[-1] == "last"
    assert sorted(titles[1:-1]) == [f"m{i}" for i in range(6)]
