"""Projects, members, items and comments through the API: the backlog's filters and ranking,
cursor pages, ETag and If-Match, and the board's workflow rules for moves."""
from sqlalchemy import select

from app.backlog.models import Item
from app.backlog.services import create_item
from app.extensions import db

ITEMS = "/api/v1/projects/ALPHA/items"


def test_my_projects_and_their_members(world, api_as):
    api = api_as("secretariat")
    [project] = api.get("/api/v1/projects").json["data"]
    assert project["key"] == "ALPHA" and project["my_roles"] == ["secretariat"]
    assert project["links"]["web"] == "http://samspil.test/p/ALPHA/"
    assert api.get(project["links"]["self"]).json["name"] == "Alfa"
    members = api.get(project["links"]["members"]).json["data"]
    observer = next(m for m in members if m["name"] == "A observer")
    assert observer["roles"] == ["observer"] and observer["organisation"]["kind"] == "municipality"
    assert api.get("/api/v1/projects/BETA").status_code == 404


def test_create_read_and_change_an_item_with_its_etag(world, api_as):
    api = api_as("developer")
    created = api.post(ITEMS, json={"title": "Eksport til regneark", "type": "bug",
                                    "estimate": 2.5, "labels": ["Eksport"],
                                    "assignee_id": world.users["developer"].id,
                                    "acceptance_criteria": "- CSV"})
    assert created.status_code == 201
    item = created.json
    assert item["key"] == "ALPHA-1" and item["estimate"] == 2.5 and item["labels"] == ["Eksport"]
    assert item["assignee"]["name"] == "A developer" and item["created_at"].endswith("Z")
    assert created.headers["Location"] == item["links"]["self"]
    assert item["links"]["web"] == "http://samspil.test/p/ALPHA/items/1"
    read = api.get(item["links"]["self"])
    assert read.headers["ETag"] == created.headers["ETag"] == '"v1"'
    changed = api.patch(item["links"]["self"], headers={"If-Match": read.headers["ETag"]},
                        json={"title": "Eksport til CSV", "estimate": None,
                              "is_blocked": True, "blocked_reason": "Venter på format"})
    assert changed.status_code == 200 and changed.headers["ETag"] == '"v2"'
    assert changed.json["title"] == "Eksport til CSV" and changed.json["estimate"] is None
    row = db.session.scalar(select(Item))
    db.session.refresh(row)
    assert row.title == "Eksport til CSV" and row.is_blocked and row.version_id == 2


def test_a_change_without_if_match_is_428_and_a_stale_one_412_with_the_current_item(
        world, api_as):
    api = api_as("developer")
    url = api.post(ITEMS, json={"title": "Første"}).json["links"]["self"]
    missing = api.patch(url, json={"title": "Anden"})
    assert missing.status_code == 428 and "If-Match" in missing.json["detail"]
    assert api.patch(url, headers={"If-Match": '"v1"'}, json={"title": "Anden"}).status_code == 200
    stale = api.patch(url, headers={"If-Match": '"v1"'}, json={"title": "Tredje"})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"v2"'
    assert stale.json["current"]["title"] == "Anden" and stale.json["current"]["version"] == 2
    for weak_or_garbage in ('W/"v2"', '"x"', '"v99999999999"'):
        assert api.patch(url, headers={"If-Match": weak_or_garbage},
                         json={"title": "Fjerde"}).status_code == 412
    assert api.get(url).json["title"] == "Anden"


def test_the_backlog_in_pages_with_its_filters(world, api_as):
    po = world.users["product_owner"]
    for n in range(5):
        create_item(world.project_a, po, f"Punkt {n}", type="bug" if n % 2 else "story")
    db.session.commit()
    api = api_as("observer")
    first = api.get(ITEMS + "?limit=2").json
    assert [i["key"] for i in first["data"]] == ["ALPHA-1", "ALPHA-2"]
    second = api.get(first["links"]["next"]).json
    assert [i["key"] for i in second["data"]] == ["ALPHA-3", "ALPHA-4"]
    third = api.get(second["links"]["next"]).json
    assert [i["key"] for i in third["data"]] == ["ALPHA-5"] and third["links"]["next"] is None
    bugs = api.get(ITEMS + "?type=bug").json["data"]
    assert [i["key"] for i in bugs] == ["ALPHA-2", "ALPHA-4"]
    assert [i["key"] for i in api.get(ITEMS + "?q=ALPHA-3").json["data"]] == ["ALPHA-3"]
    assert api.get(ITEMS + "?limit=1000").status_code == 400
    assert api.get(ITEMS + "?cursor=!!").status_code == 400
    assert api.get(ITEMS + "?cursor=Zm9vLWJhcg").status_code == 400  # "foo-bar": not a rank
    assert api.get(ITEMS + "?colour=red").json["errors"] == {"colour": "Unknown parameter."}


def test_moves_follow_the_workflow_and_acceptance_is_the_municipality_s(world, api_as):
    dev, po = api_as("developer"), api_as("product_owner")
    url = dev.post(ITEMS, json={"title": "Kø"}).json["links"]["self"]

    def move(api, status, **extra):
        etag = api.get(url).headers["ETag"]
        return api.post(url + "/move", headers={"If-Match": etag},
                        json={"status": status, **extra})

    for status in ("ready", "in_progress", "review", "acceptance"):
        assert move(dev, status).json["status"] == status
    assert move(dev, "done").status_code == 403  # only a municipal product owner accepts
    assert move(po, "in_progress").status_code == 422  # a rejection needs a reason
    rejected = move(po, "in_progress", reason="Mangler CSV.")
    assert rejected.json["rejected_reason"] == "Mangler CSV."
    assert move(dev, "done").status_code == 403
    assert move(po, "done").status_code == 422  # in progress cannot be accepted
    move(dev, "review")
    move(dev, "acceptance")
    accepted = move(po, "done")
    assert accepted.status_code == 200 and accepted.json["accepted_at"].endswith("Z")
    assert dev.post(url + "/move", json={"status": "ready"}).status_code == 428


def test_ranking_is_the_product_owners_and_comments_everyone_s_who_takes_part(world, api_as):
    po = api_as("product_owner")
    first = po.post(ITEMS, json={"title": "Et"}).json
    second = po.post(ITEMS, json={"title": "To"}).json
    ranked = po.post(second["links"]["self"] + "/rank", headers={"If-Match": '"v1"'},
                     json={"where": "before", "anchor_number": first["number"]})
    assert ranked.status_code == 200 and ranked.json["position"] == 1
    assert po.post(second["links"]["self"] + "/rank", headers={"If-Match": "*"},
                   json={"where": "after", "anchor_number": 99}).json["errors"] == {
        "anchor_number": "There is no item 99 in this project."}
    dev = api_as("developer")
    assert dev.post(first["links"]["self"] + "/rank", headers={"If-Match": "*"},
                    json={"where": "top"}).status_code == 403
    contributor = api_as("contributor")
    comments = first["links"]["comments"]
    said = contributor.post(comments, json={"body": "Hvad med **PDF**?"})
    assert said.status_code == 201 and said.json["author"]["name"] == "A contributor"
    assert [c["body"] for c in api_as("observer").get(comments).json["data"]] == [
        "Hvad med **PDF**?"]
    assert api_as("observer").post(comments, json={"body": "Nej"}).status_code == 403
    assert contributor.post(comments, json={"body": "  "}).json["errors"] == {
        "body": "Write a comment first."}


def test_an_epic_parent_and_refusals_name_the_api_s_fields(world, api_as):
    api = api_as("developer")
    epic = api.post(ITEMS, json={"title": "Eksport", "type": "epic"}).json
    child = api.post(ITEMS, json={"title": "CSV", "parent_number": epic["number"]})
    assert child.json["parent_number"] == epic["number"]
    refused = api.post(ITEMS, json={"title": "PDF", "parent_number": 12345})
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["parent_number"]
    stranger = api.post(ITEMS, json={"title": "PDF", "assignee_id": world.users["outsider"].id})
    assert stranger.status_code == 422 and list(stranger.json["errors"]) == ["assignee_id"]
    assert db.session.scalar(select(Item).where(Item.title == "PDF")) is None
