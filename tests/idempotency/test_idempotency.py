"""A creation form sent twice (a retry after a connection error, a double click) creates once:
the form carries an idempotency key, and its second sending answers with the first result."""
import re

import pytest
from sqlalchemy import func, select

from app.backlog.models import Item
from app.backlog.services import create_item_once
from app.discovery.models import Need
from app.extensions import db
from app.idempotency.models import IdempotencyKey
from app.idempotency.services import purge
from tests.concurrency import in_parallel
from tests.discovery.conftest import NEED_TEXTS

HX = {"HX-Request": "true"}
KEY = "k3y-0f-the-f0rm-sh0wn-0nce"


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_backlog_page_gives_each_create_form_a_key_of_its_own(world, login):
    page = login(world.users["developer"]).get("/p/ALPHA/backlog").get_data(as_text=True)
    keys = re.findall(r'name="(top|bottom)-idempotency_key"[^>]*value="([^"]+)"', page)
    assert {position for position, _key in keys} == {"top", "bottom"}
    assert len({key for _position, key in keys}) == 2


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_item_form_sent_twice_creates_one_item(world, login, headers):
    client = login(world.users["developer"])
    data = {"bottom-title": "Kun én gang", "bottom-type": "story", "bottom-idempotency_key": KEY}
    first = client.post("/p/ALPHA/backlog/items", data=data, headers=headers)
    again = client.post("/p/ALPHA/backlog/items", data=data, headers=headers)
    assert first.status_code == again.status_code and first.status_code in (200, 303)
    assert _count(Item) == 1
    if headers:
        assert 'id="row-1"' in again.get_data(as_text=True)
    else:
        assert first.headers["Location"] == again.headers["Location"]


def test_forms_with_other_keys_or_none_create_each_time(world, login):
    client = login(world.users["developer"])
    for key in ("a" * 20, "b" * 20, "", "not valid!"):
        client.post("/p/ALPHA/backlog/items", data={
            "bottom-title": "Igen", "bottom-type": "story", "bottom-idempotency_key": key})
    assert _count(Item) == 4


def test_a_key_is_each_persons_own(world, login, client):
    for person in ("developer", "product_owner"):
        login(world.users[person]).post("/p/ALPHA/backlog/items", data={
            "bottom-title": f"Fra {person}", "bottom-type": "story",
            "bottom-idempotency_key": KEY})
    assert _count(Item) == 2


def test_a_need_form_sent_twice_submits_one_need(world, login):
    client = login(world.users["product_owner"])
    data = {**NEED_TEXTS, "idempotency_key": KEY}
    first = client.post("/p/ALPHA/needs/new", data=data)
    again = client.post("/p/ALPHA/needs/new", data=data)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert _count(Need) == 1


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_comment_sent_twice_is_added_once_and_the_next_form_has_a_new_key(world, login,
                                                                              headers):
    from app.backlog.models import Comment
    from app.backlog.services import create_item

    item = create_item(world.project_a, world.users["product_owner"], "Med kommentarer")
    db.session.commit()
    client = login(world.users["developer"])
    url = f"/p/ALPHA/items/{item.number}/comments"
    data = {"body": "Kun én gang", "idempotency_key": KEY}
    first = client.post(url, data=data, headers=headers)
    again = client.post(url, data=data, headers=headers)
    assert first.status_code == again.status_code and first.status_code in (200, 303)
    assert _count(Comment) == 1
    page = (again if headers else client.get(again.headers["Location"])).get_data(as_text=True)
    fresh = re.findall(r'name="idempotency_key"[^>]*value="([^"]+)"', page)
    assert fresh and KEY not in fresh  # the next comment is a new one
    client.post(url, data={"body": "En til", "idempotency_key": fresh[0]}, headers=headers)
    assert _count(Comment) == 2


def test_a_refused_form_can_be_sent_again_with_its_key(world, login):
    client = login(world.users["developer"])
    refused = client.post("/p/ALPHA/backlog/items", data={
        "bottom-title": "", "bottom-type": "story", "bottom-idempotency_key": KEY})
    assert refused.status_code == 422
    client.post("/p/ALPHA/backlog/items", data={
        "bottom-title": "Nu med titel", "bottom-type": "story", "bottom-idempotency_key": KEY})
    assert _count(Item) == 1


def test_old_keys_are_forgotten(world, login):
    from datetime import timedelta

    from app.database import utcnow

    login(world.users["developer"]).post("/p/ALPHA/backlog/items", data={
        "bottom-title": "X", "bottom-type": "story", "bottom-idempotency_key": KEY})
    assert purge(utcnow() - timedelta(days=1)) == 0
    assert purge(utcnow() + timedelta(seconds=1)) == 1
    assert _count(IdempotencyKey) == 0


@pytest.mark.postgres
def test_the_same_form_sent_four_times_at_once_creates_one_item(app, world, postgres_only):
    project_id, user_id = world.project_a.id, world.users["developer"].id
    db.session.commit()

    def send(_i):
        from app.accounts.models import User
        from app.projects.models import Project

        project, actor = db.session.get(Project, project_id), db.session.get(User, user_id)
        item = create_item_once(KEY, project, actor, "Samtidig")
        db.session.commit()
        return item.id

    outcomes = in_parallel(app, 4, send)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert len(set(outcomes)) == 1 and _count(Item) == 1
