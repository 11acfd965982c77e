"""Where a request sends the browser next: a `next` with a CR or LF (which would split the
Location header) is ignored before anything is done, the change is saved exactly once and the
answer is a redirect to the default. And a 500 after the request's commit never claims that
nothing was saved."""
import pytest
from sqlalchemy import func, select

from app.backlog.models import Item, ItemHistory
from app.backlog.services import create_item
from app.extensions import db
from app.organisations.models import Organisation
from app.organisations.services import create_organisation
from tests.conftest import PASSWORD

EN = {"Accept-Language": "en"}
SPLITTING = ["/p/ALPHA/board\r\nSet-Cookie: evil=1", "/p/ALPHA/board\nX: y", "/p/ALPHA/\r",
             "/p/ALPHA/backlog\x0bx", "/p/ALPHA/backlog\x7f"]


def history_rows(item_id, field) -> int:
    return db.session.scalar(select(func.count(ItemHistory.id)).where(
        ItemHistory.item_id == item_id, ItemHistory.field == field))


@pytest.fixture
def item(world):
    made = create_item(world.project_a, world.users["product_owner"], "Et kort")
    create_item(world.project_a, world.users["product_owner"], "Et andet kort")
    db.session.commit()
    return made


@pytest.mark.parametrize("target", SPLITTING)
def test_a_move_with_a_control_character_in_next_goes_to_the_board_once(world, client, login,
                                                                        item, target):
    login(world.users["developer"])
    item_id, before = item.id, history_rows(item.id, "status")
    response = client.post(f"/p/ALPHA/items/{item.number}/move", data={
        "status": "ready", "version": item.version_id, "from_status": "backlog",
        "next": target}, headers=EN)
    assert response.status_code == 303 and response.headers["Location"] == "/p/ALPHA/board"
    assert "evil" not in str(response.headers)
    db.session.expire_all()
    assert db.session.get(Item, item_id).status == "ready"
    assert history_rows(item_id, "status") == before + 1


@pytest.mark.parametrize("target", SPLITTING)
def test_a_rank_change_with_a_control_character_in_next_goes_to_the_backlog_once(
        world, client, login, item, target):
    login(world.users["product_owner"])
    item_id, rank_before, before = item.id, item.rank, history_rows(item.id, "rank")
    response = client.post(f"/p/ALPHA/items/{item.number}/rank", data={
        "where": "bottom", "version": item.version_id, "next": target}, headers=EN)
    assert response.status_code == 303
    assert response.headers["Location"] == "/p/ALPHA/backlog"
    db.session.expire_all()
    assert db.session.get(Item, item_id).rank != rank_before
    assert history_rows(item_id, "rank") == before + 1


@pytest.mark.parametrize("target", ["/settings\r\nSet-Cookie: evil=1", "/\n", "/settings\t"])
def test_sign_in_with_a_control_character_in_next_goes_home(world, client, target):
    response = client.post("/login", query_string={"next": target},
                           data={"email": "observer@a.example", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "evil" not in str(response.headers)


@pytest.fixture
def committing_app(make_app):
    """An app whose test route commits a change and then fails, as a late error would."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.post("/commit-then-boom")
    def commit_then_boom():
        create_organisation("Gemt Fællesskab", "community")
        db.session.commit()
        raise RuntimeError("after the commit")

    @app.post("/boom-before-commit")
    def boom_before_commit():
        create_organisation("Ikke gemt Fællesskab", "community")
        raise RuntimeError("before the commit")

    return app


@pytest.mark.parametrize("headers", [EN, {**EN, "HX-Request": "true"}])
def test_a_500_after_the_commit_says_the_change_may_have_been_saved(committing_app, headers):
    response = committing_app.test_client().post("/commit-then-boom", headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Nothing was saved" not in body
    assert "The change may have been saved; reload the page to see its current state." in body
    assert db.session.scalar(select(Organisation).where(
        Organisation.name == "Gemt Fællesskab")) is not None


def test_a_500_before_the_commit_still_says_nothing_was_saved(committing_app):
    client = committing_app.test_client()
    client.post("/commit-then-boom", headers=EN)  # the next request starts afresh
    response = client.post("/boom-before-commit", headers=EN)
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "Nothing was saved" in body
    assert "may have been saved" not in body
    assert db.session.scalar(select(Organisation).where(
        Organisation.name == "Ikke gemt Fællesskab")) is None
