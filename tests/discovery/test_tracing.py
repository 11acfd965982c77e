"""Traceability: backlog items serving needs, and the needs' automatic status."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.backlog.models import Item
from app.backlog import providers
from app.backlog.services import create_item, items_changed_now
from app.board.services import move_item
from app.database import utcnow
from app.discovery import services, tracing
from app.discovery.models import NeedChange, NeedItemLink
from app.discovery.models import NeedStatus as S
from app.extensions import db
from app.services import RuleViolation
from tests.discovery.conftest import NEED_TEXTS, need_url
from tests.pages import shown

TO_ACCEPTANCE = ("ready", "in_progress", "review", "acceptance")


def _item(d, title="Et punkt", project=None):
    item = create_item(project or d.project, d.po, title)
    db.session.commit()
    return item


def _link(d, *items, need=None):
    for item in items:
        tracing.link_item(need or d.need, item, d.po)
    db.session.commit()


def enter_sprint(d, item):
    """Put the item into a sprint: through the sprints area once it exists, else directly."""
    try:
        from app.sprints import services as sprints
    except ImportError:
        item.sprint_id = 1
        items_changed_now([item])
    else:
        today = utcnow().date()
        sprint = sprints.create_sprint(d.project, d.po, "Sprint 1", today,
                                       today + timedelta(days=13), 20)
        sprints.commit_item(sprint, d.po, item)
    db.session.commit()


def accept(d, item):
    for status in TO_ACCEPTANCE:
        if item.status != status:
            move_item(item, d.developer, status)
    move_item(item, d.po, "done")
    db.session.commit()


def reopen(d, item):
    move_item(item, d.po, "in_progress", reason="Eksporten mangler felter.")
    db.session.commit()


def system_changes(need):
    return db.session.scalars(select(NeedChange).where(
        NeedChange.need_id == need.id, NeedChange.field == "status",
        NeedChange.is_by_system.is_(True)).order_by(NeedChange.id)).all()


# Automatic status ----------------------------------------------------------------------------

def test_a_need_becomes_planned_when_a_linked_item_enters_a_sprint(disc):
    first, second = _item(disc), _item(disc, "Andet punkt")
    _link(disc, first, second)
    assert disc.need.status == S.SUBMITTED  # linking alone plans nothing
    enter_sprint(disc, first)
    assert disc.need.status == S.PLANNED
    [change] = system_changes(disc.need)
    assert (change.old_value, change.new_value, change.actor_id) == ("submitted", "planned", None)


def test_a_need_is_delivered_when_all_linked_items_are_done_and_accepted(disc):
    first, second = _item(disc), _item(disc, "Andet punkt")
    _link(disc, first, second)
    accept(disc, first)
    assert disc.need.status == S.PLANNED  # half of it is delivered: it is under way
    accept(disc, second)
    assert disc.need.status == S.DELIVERED and disc.need.delivered_at is not None
    assert [c.new_value for c in system_changes(disc.need)] == ["planned", "delivered"]


def test_reopening_an_accepted_item_moves_a_delivered_need_back_to_planned(disc):
    item = _item(disc)
    _link(disc, item)
    accept(disc, item)
    assert disc.need.status == S.DELIVERED
    reopen(disc, item)
    assert disc.need.status == S.PLANNED and disc.need.delivered_at is None
    accept(disc, item)
    assert disc.need.status == S.DELIVERED


@pytest.mark.parametrize("status", [S.DECLINED, S.PARKED])
def test_declined_and_parked_needs_are_left_alone(disc, status):
    item = _item(disc)
    _link(disc, item)
    services.set_status(disc.need, status, actor=disc.po, rationale="Ikke nu.")
    db.session.commit()
    enter_sprint(disc, item)
    accept(disc, item)
    assert disc.need.status == status
    assert system_changes(disc.need) == []


def test_linking_and_unlinking_change_the_picture(disc):
    done, open_item = _item(disc), _item(disc, "Åbent punkt")
    accept(disc, done)
    _link(disc, done)
    assert disc.need.status == S.DELIVERED  # its only item is done and accepted
    _link(disc, open_item)
    assert disc.need.status == S.PLANNED  # there is more to do now
    tracing.unlink_item(disc.need, open_item, disc.po)
    db.session.commit()
    assert disc.need.status == S.DELIVERED


def test_one_item_serving_two_needs_moves_both(disc):
    other = services.create_need(disc.project, disc.po, **{**NEED_TEXTS, "title": "Andet behov"})
    item = _item(disc)
    _link(disc, item)
    _link(disc, item, need=other)
    accept(disc, item)
    assert disc.need.status == S.DELIVERED and other.status == S.DELIVERED


# Linking rules and bad input -----------------------------------------------------------------

@pytest.mark.parametrize("reference", ["OVB-{n}", "alpha-{n}", "ALPHA-{n}", "{n}", "#{n}",
                                       " ALPHA - {n} "])
def test_items_are_found_by_number_with_or_without_the_key(disc, reference):
    item = _item(disc)
    if reference.startswith("OVB"):
        with pytest.raises(RuleViolation, match="OVB-1") as refused:
            tracing.find_item(disc.project, reference.format(n=item.number))
        assert refused.value.status == 422
    else:
        assert tracing.find_item(disc.project, reference.format(n=item.number)) == item


@pytest.mark.parametrize("reference", ["", "   ", "abc", "ALPHA-", "12-ALPHA", "9" * 12, "0x1"])
def test_bad_item_references_are_refused_with_a_reason(disc, reference):
    with pytest.raises(RuleViolation) as refused:
        tracing.find_item(disc.project, reference)
    assert refused.value.status == 422 and refused.value.field == "item"


def test_an_item_of_another_project_cannot_be_linked(disc):
    foreign = _item(disc, project=disc.world.project_b)
    with pytest.raises(RuleViolation, match="ALPHA") as refused:
        tracing.link_item(disc.need, foreign, disc.po)
    assert refused.value.status == 422
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(NeedItemLink)) == 0


def test_an_item_serves_a_need_once(disc):
    item = _item(disc)
    _link(disc, item)
    with pytest.raises(RuleViolation, match="ALPHA-1") as refused:
        tracing.link_item(disc.need, item, disc.po)
    assert refused.value.status == 409


def test_links_are_recorded_in_the_need_history(disc):
    item = _item(disc)
    _link(disc, item)
    tracing.unlink_item(disc.need, item, disc.po)
    db.session.commit()
    rows = db.session.scalars(select(NeedChange).where(NeedChange.field == "item")
                            .order_by(NeedChange.id)).all()
    assert [(r.old_value, r.new_value) for r in rows] == [("", "ALPHA-1"), ("ALPHA-1", "")]


# Pages ---------------------------------------------------------------------------------------

def test_linking_by_number_on_the_need_page(disc, login):
    item = _item(disc, "Eksport til regneark")
    client = login(disc.developer)
    page = client.get(need_url(disc)).get_data(as_text=True)
    assert 'value="ALPHA-1"' in page  # suggested in the datalist
    response = client.post(need_url(disc, "/items"), data={"item": f"ALPHA-{item.number}"})
    assert response.status_code == 303
    page = client.get(need_url(disc)).get_data(as_text=True)
    assert "ALPHA-1 now serves this need." in page and "Eksport til regneark" in page
    assert "0 of 1 done" in page
    # The suggestions follow the backlog: a linked item is no longer among them, and an
    # item's new title shows at once.
    assert 'value="ALPHA-1"' not in _suggestions(page)
    other = _item(disc, "Import af adresser")
    assert "Import af adresser" in _suggestions(client.get(need_url(disc)).get_data(as_text=True))
    other.title = "Import af matrikler"
    db.session.commit()
    suggested = _suggestions(client.get(need_url(disc)).get_data(as_text=True))
    assert "Import af matrikler" in suggested and "Import af adresser" not in suggested


def _suggestions(page: str) -> str:
    return page[page.index('<datalist id="linkable-items">'):].split("</datalist>", 1)[0]


@pytest.mark.parametrize(("value", "status", "message"), [
    ("OVB-1", 422, "is an item of another project"),
    ("ALPHA-99", 422, "There is no item ALPHA-99."),
    ("hello", 422, "is not an item number"),
    ("", 422, "Give the item&#39;s number"),
])
def test_bad_links_answer_with_the_reason_and_change_nothing(disc, login, value, status,
                                                             message):
    _item(disc)
    response = login(disc.po).post(need_url(disc, "/items"), data={"item": value})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(NeedItemLink)) == 0


def test_linking_twice_answers_409(disc, login):
    item = _item(disc)
    _link(disc, item)
    response = login(disc.po).post(need_url(disc, "/items"), data={"item": str(item.number)})
    assert response.status_code == 409
    assert "ALPHA-1 already serves this need." in response.get_data(as_text=True)


def test_unlinking_on_the_need_page(disc, login):
    item = _item(disc)
    _link(disc, item)
    client = login(disc.secretariat)
    response = client.post(need_url(disc, f"/items/{item.number}/unlink"))
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(NeedItemLink)) == 0
    assert client.post(need_url(disc, f"/items/{item.number}/unlink")).status_code == 409


def test_observers_see_the_links_but_get_no_controls(disc, login):
    item = _item(disc)
    _link(disc, item)
    page = login(disc.observer).get(need_url(disc)).get_data(as_text=True)
    assert "ALPHA-1" in page and "Link the item" not in page and "Unlink" not in page
    assert "Create a backlog item from this need" not in page


def test_linked_items_show_status_and_acceptance(disc, login):
    accepted, rejected = _item(disc), _item(disc, "Afvist punkt")
    _link(disc, accepted, rejected)
    accept(disc, accepted)
    for status in TO_ACCEPTANCE:
        move_item(rejected, disc.developer, status)
    move_item(rejected, disc.po, "in_progress", reason="Mangler CSV-eksport.")
    db.session.commit()
    page = login(disc.observer).get(need_url(disc)).get_data(as_text=True)
    assert f"Accepted by {disc.po.name}" in shown(page)
    assert f"Rejected by {disc.po.name}" in shown(page) and "Mangler CSV-eksport." in page
    assert "1 of 2 done" in page


def test_a_new_item_pre_filled_from_the_need(disc, login):
    client = login(disc.po)
    form = client.get(need_url(disc, "/items/new")).get_data(as_text=True)
    assert NEED_TEXTS["title"] in form and NEED_TEXTS["desired_outcome"] in form
    assert need_url(disc) in form  # the description links back to the need
    response = client.post(need_url(disc, "/items/new"), data={
        "title": "Vis databehandleraftalen", "type": "story",
        "description": "Hvert system viser sin aftale."})
    assert response.status_code == 303
    item = db.session.scalar(select(Item).where(Item.title == "Vis databehandleraftalen"))
    assert item is not None and item.project_id == disc.project.id
    assert tracing.needs_of(item) == [disc.need]


def test_a_new_item_with_a_bad_title_is_refused(disc, login):
    response = login(disc.po).post(need_url(disc, "/items/new"),
                                   data={"title": "x" * 500, "type": "story"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Item)) == 0


def test_the_needs_list_shows_the_linked_items_progress(disc, login):
    first, second = _item(disc), _item(disc, "Andet punkt")
    _link(disc, first, second)
    accept(disc, first)
    html = login(disc.observer).get("/p/ALPHA/needs").get_data(as_text=True)
    assert "1 of 2 done" in html


def test_the_item_page_lists_the_needs_it_serves(disc, login):
    item = _item(disc)
    _link(disc, item)
    html = login(disc.developer).get(f"/p/ALPHA/items/{item.number}").get_data(as_text=True)
    assert f"#{disc.need.number} {NEED_TEXTS['title']}" in html
    assert need_url(disc) in html and "Submitted" in html


def test_board_cards_count_the_needs_they_serve(disc, login):
    other = services.create_need(disc.project, disc.po, **{**NEED_TEXTS, "title": "Andet behov"})
    item, lonely = _item(disc), _item(disc, "Ensomt punkt")
    _link(disc, item)
    _link(disc, item, need=other)
    counted = select(Item.id, providers.needs.count_column(Item.id)).where(
        Item.id.in_([item.id, lonely.id]))
    assert dict(db.session.execute(counted).all()) == {item.id: 2, lonely.id: 0}
    html = login(disc.developer).get("/p/ALPHA/board").get_data(as_text=True)
    card = html[html.index(f'id="card-{item.number}"'):]
    assert "2 needs" in card[:card.index("</li>")]
    card = html[html.index(f'id="card-{lonely.number}"'):]
    assert "0 needs" in card[:card.index("</li>")]


def test_the_board_does_not_grow_with_the_linked_needs(disc, login, count_statements):
    items = [_item(disc, f"Punkt {n}") for n in range(4)]
    client = login(disc.developer)
    _link(disc, items[0])
    with count_statements:
        assert client.get("/p/ALPHA/board").status_code == 200
    few = count_statements.count
    for n in range(6):
        need = services.create_need(disc.project, disc.po, **{**NEED_TEXTS, "title": f"B {n}"})
        _link(disc, *items, need=need)
    with count_statements:
        assert client.get("/p/ALPHA/board").status_code == 200
    assert count_statements.count == few, count_statements.statements
