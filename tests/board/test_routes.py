"""The board as people use it: columns and cards, moves with out-of-band updates, 409 on a
stale version, accept and reject, WIP limits, filters and polling with ETags."""
import json
import re

import pytest
from sqlalchemy import select

from app.backlog.models import Item, ItemHistory
from app.board.services import move_item, set_wip_limits
from app.extensions import db

HX = {"HX-Request": "true"}


def card_ids_in(html: str, status: str) -> list[str]:
    """The card numbers inside the column cell of one status (which must be in the html)."""
    match = re.search(rf'<ol class="board-cell" id="cell-all-{status}".*?</ol>', html, re.S)
    assert match, f"no {status} column in the answer"
    return re.findall(r'id="card-(\d+)"', match.group(0))


def placed(html: str) -> list[tuple[str, str]]:
    """Where a move's answer puts cards, out of band: (swap and target, card number)."""
    return re.findall(r'<div hx-swap-oob="((?:afterbegin|afterend|beforeend):[^"]+)">\s*'
                      r'<li class="card[^"]*" id="card-(\d+)"', html)


def to_acceptance(item, dev):
    for status in ("ready", "in_progress", "review", "acceptance"):
        move_item(item, dev, status)
    db.session.commit()


def test_board_shows_a_column_per_status_with_cards(world, login, make_item):
    dev = world.users["developer"]
    a = make_item("Kort A", estimate=3, assignee_id=dev.id)
    make_item("Kort B")
    make_item("Et epos", type="epic")
    move_item(a, dev, "ready")
    db.session.commit()
    response = login(world.users["observer"]).get("/p/ALPHA/board")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for status in ("backlog", "ready", "in_progress", "review", "acceptance", "done"):
        assert f'id="cell-all-{status}"' in html
    assert card_ids_in(html, "ready") == ["1"] and card_ids_in(html, "backlog") == ["2"]
    # The assignee's name is also in the filter's choices: look for it on the card.
    assert '<span class="card__assignee"><bdi>A developer</bdi></span>' in html
    assert "3 pt" in html and "0 needs" in html
    assert "Et epos" not in html.split('id="board-grid"')[1].split("board-poller")[0]
    assert "js-move-menu" not in html  # observers only look


def test_a_card_kept_from_an_earlier_view_follows_language_and_changes(world, login,
                                                                       make_item):
    """Cards' markup is kept between views (app/board/cards.py): the next reader in another
    language reads it in theirs, and a change to what the card shows shows at once."""
    dev = world.users["developer"]
    item = make_item("Kort A", estimate=3, assignee_id=dev.id)
    db.session.commit()
    client = login(world.users["observer"])

    def card(language):
        html = client.get("/p/ALPHA/board", headers={"Accept-Language": language}).text
        return html.split(f'id="card-{item.number}"')[1].split("</li>")[0]

    assert "3 pt" in card("en") and "0 needs" in card("en") and "A developer" in card("en")
    assert "3 p<" in card("da") and "0 behov" in card("da")
    dev.name, item.estimate, item.is_blocked = "Omdøbt Udvikler", 5, True
    db.session.commit()
    changed = card("da")
    assert "Omdøbt Udvikler" in changed and "5 p<" in changed and "Blokeret" in changed


def test_move_with_htmx_updates_both_columns_out_of_band(world, login, make_item):
    item = make_item("Flyt mig")
    response = login(world.users["developer"]).post(
        f"/p/ALPHA/items/{item.number}/move", headers=HX,
        data={"status": "in_progress", "version": item.version_id, "from_status": "backlog",
              "focus": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # The card leaves its place and takes its new one; the two columns' heads and "Show more"
    # come along; nothing else (untouched columns, other cards) does.
    assert f'<li id="card-{item.number}" hx-swap-oob="delete">' in html
    assert placed(html) == [("afterbegin:#cell-all-in_progress", str(item.number))]
    assert 'id="head-in_progress"' in html and 'id="head-backlog"' in html
    assert html.count('hx-swap-oob="true"') == 5  # two heads, two "Show more", the message
    assert 'id="head-review"' not in html and "board-cell" not in html
    assert "In progress" in json.loads(response.headers["HX-Trigger"])["samspil:announce"]
    assert response.headers["HX-Trigger-After-Settle"] == '{"samspil:focus": "card-link-1"}'
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "in_progress"
    row = db.session.scalar(select(ItemHistory).where(ItemHistory.field == "status",
                                                      ItemHistory.old_value == "backlog"))
    assert row.new_value == "in_progress" and row.actor_id == world.users["developer"].id


def test_move_without_javascript_redirects_to_the_board(world, login, make_item):
    item = make_item("Flyt mig")
    client = login(world.users["delivery_lead"])
    page = client.get(f"/p/ALPHA/items/{item.number}/move")
    assert page.status_code == 200 and 'value="ready"' in page.get_data(as_text=True)
    response = client.post(f"/p/ALPHA/items/{item.number}/move",
                           data={"status": "ready", "version": item.version_id})
    assert response.status_code == 303 and response.headers["Location"] == "/p/ALPHA/board"


def test_a_stale_move_answers_409_with_the_column_and_who_moved_it(world, login, make_item):
    item = make_item("Omstridt")
    seen = item.version_id
    move_item(item, world.users["delivery_lead"], "review")
    db.session.commit()
    response = login(world.users["developer"]).post(
        f"/p/ALPHA/items/{item.number}/move", headers=HX,
        data={"status": "in_progress", "version": seen, "from_status": "backlog"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "A delivery_lead" in html
    # The card goes back where it truly is, whatever the drag did with it.
    assert placed(html) == [("afterbegin:#cell-all-review", str(item.number))]
    assert all(f'id="head-{s}"' in html for s in ("backlog", "in_progress", "review"))
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "review"


def test_developers_cannot_accept(world, login, make_item):
    item = make_item("Til accept")
    to_acceptance(item, world.users["developer"])
    response = login(world.users["developer"]).post(
        f"/p/ALPHA/items/{item.number}/move", headers=HX,
        data={"status": "done", "version": item.version_id})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "acceptance"


def test_observers_and_contributors_cannot_move(world, login, make_item):
    item = make_item("x")
    for role in ("observer", "contributor", "steering", "secretariat"):
        response = login(world.users[role]).post(f"/p/ALPHA/items/{item.number}/move",
                                                 headers=HX, data={"status": "ready"})
        assert response.status_code == 403, role
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "backlog"


def test_product_owner_accepts_and_rejects(world, login, make_item):
    a, b = make_item("Godkend mig"), make_item("Afvis mig")
    to_acceptance(a, world.users["developer"])
    to_acceptance(b, world.users["developer"])
    client = login(world.users["product_owner"])
    accepted = client.post(f"/p/ALPHA/items/{a.number}/move", headers=HX,
                           data={"status": "done", "version": a.version_id})
    assert accepted.status_code == 200 and "accepted" in accepted.headers["HX-Trigger"]
    no_reason = client.post(f"/p/ALPHA/items/{b.number}/move", headers=HX,
                            data={"status": "in_progress", "version": b.version_id})
    assert no_reason.status_code == 422
    assert "Say why" in no_reason.get_data(as_text=True)
    assert placed(no_reason.get_data(as_text=True)) == [("afterbegin:#cell-all-acceptance",
                                                         str(b.number))]
    rejected = client.post(f"/p/ALPHA/items/{b.number}/move", headers=HX,
                           data={"status": "in_progress", "version": b.version_id,
                                 "reason": "Eksporten mangler kolonnen CVR"})
    assert rejected.status_code == 200
    db.session.expire_all()
    a, b = db.session.get(Item, a.id), db.session.get(Item, b.id)
    assert a.status == "done" and a.accepted_by_id == world.users["product_owner"].id
    assert b.status == "in_progress" and b.rejected_reason == "Eksporten mangler kolonnen CVR"
    page = client.get(f"/p/ALPHA/items/{b.number}").get_data(as_text=True)
    assert "Eksporten mangler kolonnen CVR" in page


def test_accept_from_the_item_page_answers_with_the_item(world, login, make_item):
    item = make_item("Punkt")
    to_acceptance(item, world.users["developer"])
    client = login(world.users["product_owner"])
    page = client.get(f"/p/ALPHA/items/{item.number}").get_data(as_text=True)
    assert "Accept (done)" in page and "Why is it rejected?" in page
    response = client.post(f"/p/ALPHA/items/{item.number}/move", headers=HX,
                           data={"status": "done", "version": item.version_id,
                                 "context": "item"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="item-detail"' in html
    assert "is accepted" in html


def test_bad_moves_change_nothing(world, login, make_item):
    item = make_item("x")
    foreign = make_item("y", project=world.project_b, actor=world.users["outsider"])
    client = login(world.users["product_owner"])
    seen = item.version_id
    for data, status in (({"status": "finished", "version": seen}, 422),
                         ({"status": "done", "version": seen}, 422),
                         ({"status": "ready", "version": "abc"}, 400),
                         ({"status": "ready", "version": seen, "after": foreign.id}, 422),
                         ({"status": "ready", "version": seen, "before": "-1"}, 400)):
        response = client.post(f"/p/ALPHA/items/{item.number}/move", headers=HX, data=data)
        assert response.status_code == status, data
    assert client.post("/p/ALPHA/items/4242/move", data={"status": "ready"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "backlog"


@pytest.mark.parametrize("headers", [HX, {}])
@pytest.mark.parametrize("version", [None, ""])
def test_a_move_without_the_version_is_refused(world, login, make_item, headers, version):
    """Without the version the mover saw, of 20 people moving one card at once 7 "won"."""
    item = make_item("x")
    data = {"status": "ready"} if version is None else {"status": "ready", "version": version}
    response = login(world.users["developer"]).post(
        f"/p/ALPHA/items/{item.number}/move", data=data,
        headers={**headers, "Accept-Language": "en"})
    assert response.status_code == 400
    assert "did not say which version of the item you saw" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "backlog"
    assert not db.session.scalar(select(ItemHistory.id).where(ItemHistory.field == "status",
                                                              ItemHistory.old_value.is_not(None)))


def test_every_way_to_move_a_card_sends_its_version(world, login, make_item):
    """The cards carry the version drags post (board.js), and the "Move to…" menu, on the
    board and on the item page, posts it with every choice."""
    item = make_item("x")
    move_item(item, world.users["developer"], "acceptance")
    db.session.commit()
    client = login(world.users["product_owner"])
    board = client.get("/p/ALPHA/board").get_data(as_text=True)
    assert f'id="card-{item.number}"\n    data-id="{item.id}" data-number="{item.number}" ' \
           f'data-version="{item.version_id}"' in board
    for url in (f"/p/ALPHA/items/{item.number}/move", f"/p/ALPHA/items/{item.number}"):
        html = client.get(url).get_data(as_text=True)
        forms = re.findall(r'<form method="post" action="/p/ALPHA/items/\d+/move".*?</form>',
                           html, re.S)
        assert len(forms) == 2, url  # accept, and reject with a reason
        for form in forms:
            assert f'name="version" value="{item.version_id}"' in form, url


def test_product_owners_drop_cards_at_a_place(world, login, make_item):
    a, b, c = make_item("a"), make_item("b"), make_item("c")
    for item in (a, b):
        move_item(item, world.users["developer"], "ready")
    db.session.commit()
    login(world.users["product_owner"]).post(
        f"/p/ALPHA/items/{c.number}/move", headers=HX,
        data={"status": "ready", "version": c.version_id, "after": a.id, "before": b.id})
    titles = list(db.session.scalars(select(Item.title).where(Item.status == "ready")
                                     .order_by(Item.rank)))
    assert titles == ["a", "c", "b"]


def test_developers_moves_keep_the_rank(world, login, make_item):
    a, b = make_item("a"), make_item("b")
    move_item(a, world.users["developer"], "ready")
    db.session.commit()
    login(world.users["developer"]).post(
        f"/p/ALPHA/items/{b.number}/move", headers=HX,
        data={"status": "ready", "version": b.version_id, "before": a.id})
    titles = list(db.session.scalars(select(Item.title).where(Item.status == "ready")
                                     .order_by(Item.rank)))
    assert titles == ["a", "b"]


def test_wip_limit_exceeded_is_shown(world, login, make_item):
    set_wip_limits(world.project_a, {"in_progress": "1"})
    for title in ("a", "b"):
        move_item(make_item(title), world.users["developer"], "in_progress")
    db.session.commit()
    html = login(world.users["developer"]).get("/p/ALPHA/board").get_data(as_text=True)
    assert "column-head--over" in html and "Over the WIP limit: 2 of 1" in html


def test_secretariat_sets_wip_limits(world, login):
    client = login(world.users["secretariat"])
    response = client.post("/p/ALPHA/board/wip", data={"wip_in_progress": "4", "wip_review": ""})
    assert response.status_code == 303
    bad = client.post("/p/ALPHA/board/wip", data={"wip_in_progress": "-4"})
    assert bad.status_code == 422 and "whole number" in bad.get_data(as_text=True)
    from app.board.services import wip_limits
    assert wip_limits(world.project_a) == {"in_progress": 4}
    assert login(world.users["developer"]).post("/p/ALPHA/board/wip",
                                                data={"wip_review": "1"}).status_code == 403


def test_filters_and_swimlanes(world, login, make_item):
    dev = world.users["developer"]
    epic = make_item("Kontraktstyring", type="epic")
    make_item("Mit kort", assignee_id=dev.id, parent_id=epic.id)
    make_item("Andres kort")
    client = login(dev)
    html = client.get("/p/ALPHA/board?mine=1").get_data(as_text=True)
    assert "Mit kort" in html and "Andres kort" not in html and "(1 shown)" in html
    html = client.get(f"/p/ALPHA/board?epic={epic.id}", headers=HX).get_data(as_text=True)
    assert "Mit kort" in html and "Andres kort" not in html and "<html" not in html
    html = client.get("/p/ALPHA/board?lanes=epic").get_data(as_text=True)
    assert f'id="cell-{epic.id}-backlog"' in html and 'id="cell-none-backlog"' in html
    assert client.get("/p/ALPHA/board?assignee=zz&label=-3").status_code == 200


def test_polling_costs_a_304_until_something_changes(world, login, make_item, count_statements):
    item = make_item("x")
    client = login(world.users["observer"])
    first = client.get("/p/ALPHA/board/changes", headers=HX)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    with count_statements:
        same = client.get("/p/ALPHA/board/changes", headers={**HX, "If-None-Match": etag})
    assert same.status_code == 304 and same.get_data() == b""
    assert count_statements.count <= 6
    move_item(item, world.users["developer"], "review")
    db.session.commit()
    changed = client.get("/p/ALPHA/board/changes", headers={**HX, "If-None-Match": etag})
    html = changed.get_data(as_text=True)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert card_ids_in(html, "review") == [str(item.number)]
    assert 'id="cell-all-backlog"' in html and 'id="cell-all-ready"' not in html



def poller_in(html: str) -> tuple[str, bool] | None:
    """The If-None-Match the board's poller sends, and whether it came out of band."""
    match = re.search(r'<div id="board-poller"[^>]*>', html)
    if not match:
        return None
    headers = json.loads(re.search(r"hx-headers='([^']*)'", match.group(0)).group(1))
    return headers["If-None-Match"], 'hx-swap-oob="true"' in match.group(0)


def test_the_poller_sends_the_number_it_shows_and_a_poll_moves_it_on(world, login, make_item):
    item = make_item("x")
    client = login(world.users["developer"])
    etag = client.get("/p/ALPHA/board/changes", headers=HX).headers["ETag"]
    assert poller_in(client.get("/p/ALPHA/board").get_data(as_text=True)) == (etag, False)
    moved = client.post(f"/p/ALPHA/items/{item.number}/move", headers=HX, data={
        "status": "ready", "version": item.version_id, "from_status": "backlog"})
    # A move's answer shows only the columns it touched: the poller keeps its number.
    assert moved.status_code == 200 and poller_in(moved.get_data(as_text=True)) is None
    polled = client.get("/p/ALPHA/board/changes", headers={**HX, "If-None-Match": etag})
    assert polled.headers["ETag"] != etag
    assert poller_in(polled.get_data(as_text=True)) == (polled.headers["ETag"], True)

def test_the_board_page_sends_vary(world, login):
    response = login(world.users["developer"]).get("/p/ALPHA/board", headers=HX)
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in response.get_data(as_text=True)


def card_in(html: str, number: int) -> str:
    match = re.search(rf'<li class="card[^"]*" id="card-{number}".*?</li>', html, re.S)
    assert match, f"no card {number}"
    return match.group(0)


def link_text(card: str) -> str:
    """What a screen reader says for the card's link (its text, tags stripped)."""
    link = re.search(r'<a class="card__link.*?</a>', card, re.S).group(0)
    return re.sub(r"<[^>]+>", "", link)


def test_a_rejected_card_says_so_with_the_reason_until_it_moves_on(world, login, make_item):
    dev, po = world.users["developer"], world.users["product_owner"]
    rejected, reopened, moved_on, plain = (make_item(t) for t in (
        "Afvist kort", "Genåbnet kort", "Videre kort", "Almindeligt kort"))
    for item in (rejected, moved_on):
        to_acceptance(item, dev)
        move_item(item, po, "in_progress", reason='Mangler "CVR" <kolonnen>')
    to_acceptance(reopened, dev)
    move_item(reopened, po, "done")
    move_item(reopened, po, "in_progress", reason="Virker ikke i Safari")
    move_item(moved_on, dev, "review")
    move_item(moved_on, dev, "in_progress")  # back again, but not by a rejection
    move_item(plain, dev, "in_progress")
    db.session.commit()
    html = login(world.users["observer"]).get("/p/ALPHA/board").get_data(as_text=True)
    assert card_ids_in(html, "in_progress") == [str(i.number) for i in (
        rejected, reopened, moved_on, plain)]
    card = card_in(html, rejected.number)
    reason = "Mangler &#34;CVR&#34; &lt;kolonnen&gt;"
    assert "card--sent-back" in card
    assert f'title="Rejected: {reason}" aria-hidden="true">Rejected</span>' in card
    assert link_text(card) == f"ALPHA-{rejected.number} Afvist kort. Rejected: {reason}"
    card = card_in(html, reopened.number)
    assert 'title="Reopened: Virker ikke i Safari"' in card
    assert link_text(card).endswith(". Reopened: Virker ikke i Safari")
    for item in (moved_on, plain):
        card = card_in(html, item.number)
        assert "card--sent-back" not in card and "Rejected" not in card, item.title


def test_the_marker_comes_with_the_rejection_and_goes_with_the_next_move(world, login,
                                                                         make_item):
    item = make_item("Til accept")
    to_acceptance(item, world.users["developer"])
    client = login(world.users["product_owner"])
    rejected = client.post(f"/p/ALPHA/items/{item.number}/move", headers=HX, data={
        "status": "in_progress", "version": item.version_id, "from_status": "acceptance",
        "reason": "Eksporten mangler kolonnen CVR"})
    assert rejected.status_code == 200
    assert "Rejected: Eksporten mangler kolonnen CVR" in card_in(
        rejected.get_data(as_text=True), item.number)
    db.session.expire_all()
    item = db.session.get(Item, item.id)
    moved = login(world.users["developer"]).post(
        f"/p/ALPHA/items/{item.number}/move", headers=HX,
        data={"status": "review", "version": item.version_id, "from_status": "in_progress"})
    assert moved.status_code == 200
    assert "Rejected" not in card_in(moved.get_data(as_text=True), item.number)


def many_in_ready(world, count, estimate=1):
    """`count` items in the ready column (rank order = creation order), committed."""
    from app.backlog.services import create_item

    items = [create_item(world.project_a, world.users["product_owner"], f"Kort {n}",
                         estimate=estimate, status="ready") for n in range(count)]
    db.session.commit()
    return items


def test_a_long_column_shows_its_first_cards_and_exact_counts(world, login):
    from app.board.services import PAGE

    items = many_in_ready(world, PAGE + 7, estimate=2)
    set_wip_limits(world.project_a, {"ready": "10"})
    db.session.commit()
    client = login(world.users["developer"])
    html = client.get("/p/ALPHA/board").get_data(as_text=True)
    shown = card_ids_in(html, "ready")
    assert shown == [str(i.number) for i in items[:PAGE]]
    head = html.split('id="head-ready"')[1].split("</div>")[0]
    assert f"{PAGE + 7} cards" in head and f"{2 * (PAGE + 7)} points" in head
    assert f"Over the WIP limit: {PAGE + 7} of 10" in head
    more = html.split('id="more-ready"')[1].split("</div>")[0]
    assert "Show more (7)" in more
    # Without JavaScript the link is the board again with this column shown further.
    link = re.search(r'href="([^"]+)"', more).group(1).replace("&amp;", "&")
    assert link == f"/p/ALPHA/board?n_ready={2 * PAGE}#card-{items[PAGE].number}"
    longer = client.get(link.split("#")[0]).get_data(as_text=True)
    assert card_ids_in(longer, "ready") == [str(i.number) for i in items]
    assert 'id="more-ready">\n  \n</div>' in longer  # nothing more to show
    # With htmx, the next cards go to the end of the column and the link goes away.
    answer = client.get(f"/p/ALPHA/board/more?status=ready&n_ready={PAGE}", headers=HX)
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert body.count('hx-swap-oob="beforeend:#cell-all-ready"') == 1
    assert re.findall(r'id="card-(\d+)"', body) == [str(i.number) for i in items[PAGE:]]
    assert "Show more" not in body and 'id="more-ready" hx-swap-oob="true"' in body
    assert answer.headers["HX-Trigger-After-Settle"] == (
        f'{{"samspil:focus": "card-link-{items[PAGE].number}"}}')  # the first it brought
    assert client.get("/p/ALPHA/board/more?status=nowhere", headers=HX).status_code == 400


def test_a_poll_refreshes_as_many_cards_as_the_column_shows(world, login):
    from app.board.services import PAGE

    items = many_in_ready(world, PAGE + 5)
    client = login(world.users["developer"])
    polled = client.get(f"/p/ALPHA/board/changes?n_ready={PAGE + 2}", headers=HX)
    assert card_ids_in(polled.get_data(as_text=True), "ready") == [
        str(i.number) for i in items[:PAGE + 2]]
    assert "Show more (3)" in polled.get_data(as_text=True)


def test_a_move_answers_only_what_changed_however_long_the_columns(world, login):
    from app.board.services import PAGE

    items = many_in_ready(world, PAGE + 30)
    client = login(world.users["developer"])
    first, last = items[0], items[-1]
    # The first card moves within reach of what the board shows: it is placed, in a small
    # answer that holds no other card.
    answer = client.post(f"/p/ALPHA/items/{first.number}/move", headers=HX,
                         data={"status": "in_progress", "version": first.version_id,
                               "context": "board", "n_ready": str(PAGE - 1),
                               "n_in_progress": "0"})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and len(body.encode()) < 5000
    assert placed(body) == [("afterbegin:#cell-all-in_progress", str(first.number))]
    assert re.findall(r'<li class="card[^"]*" id="card-(\d+)"', body) == [str(first.number)]
    assert "Show more (30)" in body  # the ready column: 79 cards, 49 shown
    # The last card goes back to ready, where it stands beyond the 49 the board shows: it
    # leaves its column and is not placed; "Show more" counts it.
    db.session.expire_all()
    first = db.session.get(Item, first.id)
    back = client.post(f"/p/ALPHA/items/{first.number}/move", headers=HX,
                       data={"status": "ready", "version": first.version_id,
                             "context": "board", "n_ready": str(PAGE - 1),
                             "n_in_progress": "0"})
    body = back.get_data(as_text=True)
    assert back.status_code == 200 and placed(body) == [
        ("afterbegin:#cell-all-ready", str(first.number))]  # it ranks first
    moved = client.post(f"/p/ALPHA/items/{last.number}/move", headers=HX,
                        data={"status": "in_progress", "version": last.version_id,
                              "context": "board", "n_ready": str(PAGE), "n_in_progress": "0"})
    assert placed(moved.get_data(as_text=True)) == [
        ("afterbegin:#cell-all-in_progress", str(last.number))]
    db.session.expire_all()
    last = db.session.get(Item, last.id)
    again = client.post(f"/p/ALPHA/items/{last.number}/move", headers=HX,
                        data={"status": "ready", "version": last.version_id,
                              "context": "board", "n_ready": str(PAGE), "n_in_progress": "0"})
    body = again.get_data(as_text=True)
    assert placed(body) == [] and f'<li id="card-{last.number}" hx-swap-oob="delete">' in body
    assert "Show more (30)" in body
