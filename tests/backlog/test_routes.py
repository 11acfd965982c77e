"""The backlog and item pages as people use them: htmx fragments, filters, inline create and
edit, ranking, comments, and bad input that changes nothing."""
import re

import pytest
from sqlalchemy import func, select

from app.backlog.models import Comment, Item
from app.backlog.services import update_item
from app.extensions import db
from app.projects.models import Role
from tests.pages import shown

HX = {"HX-Request": "true"}


def titles_in(html: str, titles) -> list[str]:
    """The given titles in the order they appear in the page."""
    return sorted((t for t in titles if t in html), key=html.index)


def ranked(project) -> list[str]:
    return list(db.session.scalars(
        select(Item.title).where(Item.project_id == project.id).order_by(Item.rank)))


def seen(item, **data) -> dict:
    """A rank form's fields: `data` and the version of the item as the page shows it now."""
    version = db.session.scalar(select(Item.version_id).where(Item.id == item.id))
    return {**data, "version": version}


def test_backlog_page_lists_items_in_rank_order(world, login, make_item):
    make_item("Andet punkt")
    make_item("Første punkt", position="top")
    response = login(world.users["observer"]).get("/p/ALPHA/backlog")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert titles_in(html, ["Første punkt", "Andet punkt"]) == ["Første punkt", "Andet punkt"]
    assert "ALPHA-2" in html and "HX-Request" in response.headers["Vary"]
    # observers read: no create form, no rank buttons, no edit links
    assert 'id="create-top"' not in html and "rank-form" not in html and "edit-link" not in html


def test_htmx_gets_the_list_and_a_history_restore_the_page(world, login, make_item):
    make_item("Punkt")
    client = login(world.users["developer"])
    fragment = client.get("/p/ALPHA/backlog", headers=HX)
    assert fragment.status_code == 200
    assert "HX-Request" in fragment.headers["Vary"]
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="backlog-list"') and "<html" not in html
    restore = client.get("/p/ALPHA/backlog",
                         headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_filters_compose_and_live_in_the_url(world, login, make_item):
    dev = world.users["developer"]
    make_item("Kontrakt med frist", type="story", labels="kontrakt", assignee_id=dev.id)
    make_item("Kontrakt fejl", type="bug", labels="kontrakt")
    make_item("Databehandler", type="story")
    blocked = make_item("Blokeret kontrakt", type="story")
    update_item(blocked, dev, {"is_blocked": True, "blocked_reason": "Venter"})
    db.session.commit()
    client = login(dev)
    all_titles = ["Kontrakt med frist", "Kontrakt fejl", "Databehandler", "Blokeret kontrakt"]

    def shown(query):
        return set(titles_in(client.get(f"/p/ALPHA/backlog?{query}", headers=HX)
                             .get_data(as_text=True), all_titles))

    assert shown("q=kontrakt") == {"Kontrakt med frist", "Kontrakt fejl", "Blokeret kontrakt"}
    assert shown("q=kontrakt&type=story") == {"Kontrakt med frist", "Blokeret kontrakt"}
    assert shown("assignee=me") == {"Kontrakt med frist"}
    assert shown("assignee=none&type=story") == {"Databehandler", "Blokeret kontrakt"}
    assert shown("blocked=1") == {"Blokeret kontrakt"}
    assert shown("q=ALPHA-3") == {"Databehandler"}
    assert shown("status=done") == set()
    # nonsense filters are ignored and said so, never a 500
    response = client.get("/p/ALPHA/backlog?status=bogus&assignee=x&label=99999999999999")
    assert response.status_code == 200
    assert "ignored" in response.get_data(as_text=True)


def test_filter_by_label_and_epic(world, login, make_item):
    epic = make_item("Eposset", type="epic")
    make_item("I eposset", parent_id=epic.id, labels="gdpr")
    make_item("Udenfor")
    client = login(world.users["developer"])
    from app.backlog.models import Label
    label = db.session.scalar(select(Label))
    html = client.get(f"/p/ALPHA/backlog?label={label.id}", headers=HX).get_data(as_text=True)
    assert "I eposset" in html and "Udenfor" not in html
    html = client.get(f"/p/ALPHA/backlog?epic={epic.id}", headers=HX).get_data(as_text=True)
    assert "I eposset" in html and "Udenfor" not in html
    html = client.get("/p/ALPHA/backlog?epic=none&type=story", headers=HX).get_data(as_text=True)
    assert "Udenfor" in html and "I eposset" not in html


def test_kept_rows_follow_changes_and_carry_each_readers_token(world, app, login, make_item,
                                                             factory, monkeypatch):
    """Rows' markup is kept between views (app/backlog/rows.py): a renamed label, epic or
    assignee shows at once, and each reader's rank forms carry their own CSRF token."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    from app.backlog.models import Label
    epic = make_item("Eposset", type="epic")
    item = make_item("Rækken", parent_id=epic.id, labels="gdpr",
                     assignee_id=world.users["developer"].id)

    def row(client):
        html = client.get("/p/ALPHA/backlog", headers=HX).text
        row = html.split(f'id="row-{item.number}"')[1].split("</tr>")[0]
        return row, set(re.findall(r'name="csrf_token" value="([^"]+)"', row))

    owner = login(world.users["product_owner"])
    first, owner_tokens = row(owner)
    assert "gdpr" in first and "Eposset" in first and "A developer" in first
    db.session.scalar(select(Label)).name = "persondata"
    epic.title, world.users["developer"].name = "Omdøbt epos", "Omdøbt udvikler"
    db.session.commit()
    again, tokens_again = row(owner)
    assert "persondata" in again and "Omdøbt epos" in again and "Omdøbt udvikler" in again
    assert "gdpr" not in again and tokens_again == owner_tokens and len(owner_tokens) == 1
    second_owner = factory.user(world.muni_a, roles=[Role.PRODUCT_OWNER],
                                project=world.project_a)
    db.session.commit()
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"], session["_fresh"] = second_owner.get_id(), True
    _, other_tokens = row(other)
    assert other_tokens and other_tokens != owner_tokens and "\x00" not in again


def test_long_backlogs_come_in_pages(world, login, make_item):
    for n in range(60):
        make_item(f"Punkt nummer {n:03d}")
    client = login(world.users["developer"])
    html = client.get("/p/ALPHA/backlog").get_data(as_text=True)
    assert html.count('class="backlog-row') == 50 and 'id="load-more"' in html
    assert "Punkt nummer 049" in html and "Punkt nummer 050" not in html
    last_rank = ranked(world.project_a)[49]
    cursor = db.session.scalar(select(Item.rank).where(Item.title == last_rank))
    more = client.get(f"/p/ALPHA/backlog?after={cursor}", headers=HX).get_data(as_text=True)
    assert more.count('class="backlog-row') == 10 and "Punkt nummer 050" in more
    assert 'id="load-more"' not in more and 'id="backlog-created-bottom"' in more


def test_inline_create_with_htmx(world, login):
    client = login(world.users["developer"])
    response = client.post("/p/ALPHA/backlog/items", headers=HX, data={
        "top-title": "Nyt punkt øverst", "top-type": "bug", "top-estimate": "2",
        "top-position": "top"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="row-1"' in html and 'id="create-top"' in html and 'hx-swap-oob="true"' in html
    assert "samspil:announce" in response.headers["HX-Trigger"]
    item = db.session.scalar(select(Item))
    assert (item.title, item.type, item.estimate) == ("Nyt punkt øverst", "bug", 2)


def test_create_without_javascript_redirects(world, login, make_item):
    make_item("Gammelt")
    client = login(world.users["secretariat"])
    response = client.post("/p/ALPHA/backlog/items", data={"bottom-title": "Nederst",
                                                          "bottom-type": "task"})
    assert response.status_code == 303
    assert ranked(world.project_a) == ["Gammelt", "Nederst"]


@pytest.mark.parametrize(("data", "message"), [
    ({"top-title": ""}, "needs a title"),
    ({"top-title": "x" * 201}, "200"),
    ({"top-title": "ok", "top-estimate": "-3"}, "between 0"),
    ({"top-title": "ok", "top-estimate": "mange"}, "number of story points"),
    ({"top-title": "ok", "top-type": "saga"}, "Unknown item type"),
])
def test_create_refuses_bad_input(world, login, data, message):
    client = login(world.users["developer"])
    response = client.post("/p/ALPHA/backlog/items", headers=HX, data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#create-top"
    assert db.session.scalar(select(func.count(Item.id))) == 0


def test_contributors_cannot_create(world, login):
    response = login(world.users["contributor"]).post("/p/ALPHA/backlog/items",
                                                      data={"top-title": "x"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Item.id))) == 0


def test_click_to_edit_a_title(world, login, make_item):
    item = make_item("Gammel titel")
    client = login(world.users["developer"])
    form = client.get(f"/p/ALPHA/items/{item.number}/fields/title", headers=HX)
    assert form.status_code == 200 and 'name="value"' in form.get_data(as_text=True)
    saved = client.post(f"/p/ALPHA/items/{item.number}/fields/title", headers=HX,
                        data={"value": "Ny titel", "version": item.version_id})
    assert saved.status_code == 200 and "Ny titel" in saved.get_data(as_text=True)
    assert "samspil:focus" in saved.headers["HX-Trigger-After-Settle"]
    db.session.expire_all()
    assert db.session.get(Item, item.id).title == "Ny titel"


def test_inline_estimate_refuses_bad_values(world, login, make_item):
    item = make_item("Punkt", estimate=3)
    client = login(world.users["developer"])
    for value in ("-1", "tre", "1.25"):
        response = client.post(f"/p/ALPHA/items/{item.number}/fields/estimate", headers=HX,
                               data={"value": value, "version": item.version_id})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        # Said once, beside the open field and tied to it for screen readers.
        assert html.count('class="errors"') == 1
        assert f'<p class="errors" id="inline-error-{item.number}">' in html
        assert f'aria-describedby="inline-error-{item.number}"' in html
    db.session.expire_all()
    assert db.session.get(Item, item.id).estimate == 3


def test_inline_edit_on_a_stale_version_answers_409(world, login, make_item):
    item = make_item("Punkt")
    seen = item.version_id
    update_item(item, world.users["delivery_lead"], {"title": "Ændret af en anden"})
    db.session.commit()
    response = login(world.users["developer"]).post(
        f"/p/ALPHA/items/{item.number}/fields/title", headers=HX,
        data={"value": "Min titel", "version": seen})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Ændret af en anden" in html and "A delivery_lead" in html
    db.session.expire_all()
    assert db.session.get(Item, item.id).title == "Ændret af en anden"


def test_unknown_inline_field_is_404(world, login, make_item):
    item = make_item("Punkt")
    client = login(world.users["developer"])
    assert client.get(f"/p/ALPHA/items/{item.number}/fields/rank", headers=HX).status_code == 404
    assert client.post(f"/p/ALPHA/items/{item.number}/fields/status",
                       data={"value": "done"}).status_code == 404


def test_product_owners_rank_with_buttons(world, login, make_item):
    a, b, c = make_item("a"), make_item("b"), make_item("c")
    client = login(world.users["product_owner"])
    response = client.post(f"/p/ALPHA/items/{c.number}/rank", headers=HX,
                           data=seen(c, where="up"))
    assert response.status_code == 200
    assert ranked(world.project_a) == ["a", "c", "b"]
    assert "number 2" in response.headers["HX-Trigger"]
    assert response.headers["HX-Trigger-After-Settle"] == '{"samspil:focus": "rank-up-3"}'
    client.post(f"/p/ALPHA/items/{c.number}/rank", headers=HX, data=seen(c, where="top"))
    client.post(f"/p/ALPHA/items/{a.number}/rank", headers=HX, data=seen(a, where="bottom"))
    assert ranked(world.project_a) == ["c", "b", "a"]
    client.post(f"/p/ALPHA/items/{c.number}/rank", headers=HX, data=seen(c, where="down"))
    assert ranked(world.project_a) == ["b", "c", "a"]
    client.post(f"/p/ALPHA/items/{a.number}/rank", headers=HX,
                data=seen(a, where="after", anchor=b.id))
    assert ranked(world.project_a) == ["b", "a", "c"]


def test_the_rank_buttons_send_the_version_the_row_shows(world, login, make_item):
    a = make_item("a")
    html = login(world.users["product_owner"]).get("/p/ALPHA/backlog").get_data(as_text=True)
    form = re.search(rf'<form class="rank-form" method="post" action="/p/ALPHA/items/'
                     rf'{a.number}/rank".*?</form>', html, re.S).group(0)
    assert f'<input type="hidden" name="version" value="{a.version_id}">' in form


@pytest.mark.parametrize("headers", [HX, {}])
@pytest.mark.parametrize("version", [None, ""])
def test_a_rank_change_without_the_version_is_refused(world, login, make_item, headers,
                                                      version):
    """Without the version the ranker saw, two product owners ranking at once would both
    "win" (the second silently undoing the first)."""
    make_item("a")
    b = make_item("b")
    data = {"where": "top"} if version is None else {"where": "top", "version": version}
    response = login(world.users["product_owner"]).post(
        f"/p/ALPHA/items/{b.number}/rank", headers={**headers, "Accept-Language": "en"},
        data=data)
    assert response.status_code == 400
    assert "did not say which version of the item you saw" in response.get_data(as_text=True)
    assert ranked(world.project_a) == ["a", "b"]


def test_move_up_passes_the_neighbour_in_the_filtered_view(world, login, make_item):
    make_item("bug 1", type="bug")
    make_item("story")
    bug2 = make_item("bug 2", type="bug")
    login(world.users["product_owner"]).post(f"/p/ALPHA/items/{bug2.number}/rank", headers=HX,
                                            data=seen(bug2, where="up", type="bug"))
    assert ranked(world.project_a) == ["bug 2", "bug 1", "story"]


def test_ranking_without_javascript_redirects_back(world, login, make_item):
    make_item("a")
    b = make_item("b")
    response = login(world.users["product_owner"]).post(
        f"/p/ALPHA/items/{b.number}/rank",
        data=seen(b, where="top", next="/p/ALPHA/backlog?q=b"))
    assert response.status_code == 303 and response.headers["Location"] == "/p/ALPHA/backlog?q=b"
    evil = login(world.users["product_owner"]).post(
        f"/p/ALPHA/items/{b.number}/rank", data=seen(b, where="top", next="https://evil.example/"))
    assert evil.headers["Location"].startswith("/p/ALPHA/backlog")


def test_only_product_owners_rank(world, login, make_item):
    make_item("a")
    b = make_item("b")
    for role in ("developer", "delivery_lead", "secretariat", "contributor", "observer"):
        response = login(world.users[role]).post(f"/p/ALPHA/items/{b.number}/rank",
                                                 headers=HX, data=seen(b, where="top"))
        assert response.status_code == 403, role
    assert ranked(world.project_a) == ["a", "b"]


def test_rank_refuses_bad_neighbours(world, login, make_item):
    a, _b = make_item("a"), make_item("b")
    foreign = make_item("fremmed", project=world.project_b, actor=world.users["outsider"])
    client = login(world.users["product_owner"])
    response = client.post(f"/p/ALPHA/items/{a.number}/rank", headers=HX,
                           data=seen(a, where="after", anchor=foreign.id))
    assert response.status_code == 422
    assert "not an item of this project" in response.get_data(as_text=True)
    for data in ({"where": "sideways"}, {"where": "after", "anchor": "x"},
                 {"where": "after", "anchor": str(10**20)}):
        assert client.post(f"/p/ALPHA/items/{a.number}/rank", headers=HX,
                           data=seen(a, **data)).status_code == 400
    assert ranked(world.project_a) == ["a", "b"]


def test_item_page_shows_fields_markdown_comments_and_history(world, login, make_item):
    item = make_item("Eksport til regneark", estimate=5,
                     description="**Vigtigt** <script>alert(1)</script>",
                     acceptance_criteria="- virker med tastatur")
    update_item(item, world.users["developer"], {"title": "Eksport til CSV"})
    from app.backlog.services import add_comment
    add_comment(item, world.users["contributor"], "Husk *Sorø*")
    db.session.commit()
    response = login(world.users["steering"]).get(f"/p/ALPHA/items/{item.number}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>Vigtigt</strong>" in html and "<script>alert" not in html
    assert "<li>virker med tastatur</li>" in html
    assert "<em>Sorø</em>" in html and "A contributor" in html
    assert "Eksport til regneark → Eksport til CSV" in shown(html)
    assert 'id="item-edit"' not in html  # steering reads only


def test_item_dialog_gets_the_fragment(world, login, make_item):
    item = make_item("Punkt")
    response = login(world.users["developer"]).get(f"/p/ALPHA/items/{item.number}?dialog=1",
                                                   headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert '<h2 id="item-heading"' in html and "HX-Request" in response.headers["Vary"]


def test_items_of_other_projects_are_404(world, login, make_item):
    foreign = make_item("Hemmeligt", project=world.project_b, actor=world.users["outsider"])
    mine = make_item("Mit")
    client = login(world.users["product_owner"])
    assert client.get(f"/p/BETA/items/{foreign.number}").status_code == 404
    assert client.get("/p/ALPHA/items/999").status_code == 404
    assert client.get(f"/p/ALPHA/items/{10**12}").status_code == 404
    assert client.get(f"/p/ALPHA/items/{10**30}").status_code == 404
    assert client.post("/p/ALPHA/items/999", data={"title": "x"}).status_code == 404
    outsider = login(world.users["outsider"])
    assert outsider.get(f"/p/ALPHA/items/{mine.number}").status_code == 404


def test_update_the_whole_item(world, login, make_item):
    epic = make_item("Epos", type="epic")
    item = make_item("Punkt")
    dev = world.users["developer"]
    response = login(dev).post(f"/p/ALPHA/items/{item.number}", headers=HX, data={
        "title": "Punkt", "type": "bug", "estimate": "1.5", "assignee": dev.id,
        "parent": epic.id, "labels": "drift, sikkerhed", "description": "Beskrivelse",
        "acceptance_criteria": "", "version": item.version_id})
    assert response.status_code == 200
    assert "item-changed" in response.headers["HX-Trigger"]
    db.session.expire_all()
    item = db.session.get(Item, item.id)
    assert (item.type, item.estimate, item.assignee_id, item.parent_id) == ("bug", 1.5, dev.id,
                                                                            epic.id)
    assert sorted(label.name for label in item.labels) == ["drift", "sikkerhed"]


def test_update_refuses_bad_input_and_keeps_the_form(world, login, make_item):
    item = make_item("Punkt")
    client = login(world.users["developer"])
    base = {"title": "Punkt", "type": "story", "version": item.version_id}
    for data, message in (({"estimate": "-2"}, "between 0"),
                          ({"title": "y" * 300}, "200 characters"),
                          ({"assignee": world.users["outsider"].id}, "member of the project"),
                          ({"description": "z" * 20_001}, "20000")):
        response = client.post(f"/p/ALPHA/items/{item.number}", headers=HX, data={**base, **data})
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    db.session.expire_all()
    assert db.session.get(Item, item.id).estimate is None


def test_update_on_a_stale_version_answers_409_and_keeps_my_text(world, login, make_item):
    item = make_item("Punkt")
    seen = item.version_id
    update_item(item, world.users["delivery_lead"], {"estimate": "8"})
    db.session.commit()
    response = login(world.users["developer"]).post(f"/p/ALPHA/items/{item.number}", headers=HX,
                                                    data={"title": "Min nye titel", "type": "story",
                                                          "version": seen})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "A delivery_lead" in html and 'value="Min nye titel"' in html
    db.session.expire_all()
    assert db.session.get(Item, item.id).title == "Punkt"


def test_markdown_preview_without_javascript(world, login, make_item):
    item = make_item("Punkt")
    response = login(world.users["developer"]).post(f"/p/ALPHA/items/{item.number}", data={
        "title": "Punkt", "type": "story", "description": "*kursiv*", "action": "preview",
        "version": item.version_id})
    assert response.status_code == 200 and "<em>kursiv</em>" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Item, item.id).description == ""


def test_preview_endpoint(world, login):
    response = login(world.users["contributor"]).post(
        "/p/ALPHA/items/preview", headers=HX, data={"field": "body", "body": "**fed**"})
    assert "<strong>fed</strong>" in response.get_data(as_text=True)


def test_comments(world, login, make_item):
    item = make_item("Punkt")
    client = login(world.users["contributor"])
    response = client.post(f"/p/ALPHA/items/{item.number}/comments", headers=HX,
                           data={"body": "Roskilde bakker op"})
    assert response.status_code == 200 and "Roskilde bakker op" in response.get_data(as_text=True)
    empty = client.post(f"/p/ALPHA/items/{item.number}/comments", headers=HX, data={"body": " "})
    assert empty.status_code == 422
    huge = client.post(f"/p/ALPHA/items/{item.number}/comments", headers=HX,
                       data={"body": "x" * 20_001})
    assert huge.status_code == 422
    assert login(world.users["observer"]).post(f"/p/ALPHA/items/{item.number}/comments",
                                               data={"body": "hej"}).status_code == 403
    assert db.session.scalar(select(func.count(Comment.id))) == 1


def test_the_edit_form_comes_when_asked_for(world, login, make_item):
    item = make_item("Punkt", estimate=2)
    client = login(world.users["developer"])
    page = client.get(f"/p/ALPHA/items/{item.number}").get_data(as_text=True)
    assert 'hx-trigger="toggle once"' in page and 'name="acceptance_criteria"' not in page
    fragment = client.get(f"/p/ALPHA/items/{item.number}/edit", headers=HX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert 'name="acceptance_criteria"' in html
    assert re.search(r'<input [^>]*name="estimate" [^>]*value="2"', html)
    full = client.get(f"/p/ALPHA/items/{item.number}/edit").get_data(as_text=True)
    assert "<html" in full and 'name="acceptance_criteria"' in full
    assert login(world.users["contributor"]).get(
        f"/p/ALPHA/items/{item.number}/edit").status_code == 403


def test_item_page_shows_each_of_its_labels_once_by_name(world, login, make_item):
    """The labels come with the item in one statement (joined): each label once, by name."""
    item = make_item("Mærket punkt", labels="sikkerhed, drift, gdpr")
    make_item("Et andet punkt", labels="drift")
    page = login(world.users["developer"]).get(f"/p/ALPHA/items/{item.number}")
    assert re.findall(r'<span class="label-tag">([^<]+)</span>', page.get_data(as_text=True)) \
        == ["drift", "gdpr", "sikkerhed"]
