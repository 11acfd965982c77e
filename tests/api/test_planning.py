"""Needs, sprints, decisions and the roadmap through the API, under their areas' rules: a need
submitted and co-sponsored for the caller's municipality, moved along with If-Match, committed
to a sprint through an item, decided by the steering group and shown on the roadmap."""
from datetime import date

from app.discovery.services import create_need
from app.extensions import db
from app.organisations.services import create_organisation
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_member, add_participation
from app.sprints.services import create_sprint

NEEDS = "/api/v1/projects/ALPHA/needs"
NEED_TEXTS = {"title": "Overblik over kontrakter", "background": "Regneark.",
              "desired_outcome": "Ét overblik.", "expected_value": "Færre fejl."}


def test_a_need_is_submitted_for_my_municipality_and_moved_with_if_match(world, api_as):
    po = api_as("product_owner")
    created = po.post(NEEDS, json=NEED_TEXTS)
    assert created.status_code == 201
    need = created.json
    assert need["organisation"]["name"] == "Ballerup Kommune" and need["status"] == "submitted"
    assert need["links"]["web"] == "http://samspil.test/p/ALPHA/needs/1"
    etag = created.headers["ETag"]
    assert po.post(need["links"]["self"] + "/status",
                   json={"status": "in_discovery"}).status_code == 428
    moved = po.post(need["links"]["self"] + "/status", headers={"If-Match": etag},
                    json={"status": "in_discovery"})
    assert moved.status_code == 200 and moved.json["status"] == "in_discovery"
    stale = po.post(need["links"]["self"] + "/status", headers={"If-Match": etag},
                    json={"status": "ready"})
    assert stale.status_code == 412 and stale.json["current"]["status"] == "in_discovery"
    parked = po.post(need["links"]["self"] + "/status", headers={"If-Match": "*"},
                     json={"status": "parked"})
    assert parked.status_code == 422 and list(parked.json["errors"]) == ["rationale"]
    listed = api_as("observer").get(NEEDS + "?status=in_discovery").json["data"]
    assert [n["number"] for n in listed] == [1]
    assert api_as("developer").post(NEEDS, json=NEED_TEXTS).status_code == 403  # a vendor


def test_co_sponsoring_is_for_the_callers_municipality(world, api_as):
    aarhus = create_organisation("Aarhus Kommune", "municipality", municipality_code=751)
    add_participation(world.project_a, aarhus, ParticipationKind.MEMBER)
    need = create_need(world.project_a, world.users["product_owner"], **NEED_TEXTS)
    db.session.commit()
    contributor = api_as("contributor")  # Ballerup submitted it: it cannot co-sponsor
    own = contributor.put(f"{NEEDS}/{need.number}/cosponsorship", json={},
                          headers={"If-Match": "*"})
    assert own.status_code == 422
    from tests.conftest import Factory

    aarhus_po = Factory().user(aarhus, roles=[Role.PRODUCT_OWNER], project=world.project_a)
    db.session.commit()
    from tests.api.conftest import Api, bearer_for

    api = Api(contributor.app, contributor.client, bearer_for(aarhus_po, [world.project_a]))
    url = f"{NEEDS}/{need.number}/cosponsorship"
    assert api.put(url, json={"note": "Også hos os."}).status_code == 428
    seen = api.get(f"{NEEDS}/{need.number}").headers["ETag"]
    backed = api.put(url, json={"note": "Også hos os.", "is_willing_to_test": True},
                     headers={"If-Match": seen})
    assert backed.status_code == 200
    [sponsor] = backed.json["cosponsors"]
    assert sponsor["organisation"]["name"] == "Aarhus Kommune" and sponsor["is_willing_to_test"]
    # The co-sponsorship changed the need: a change based on what was seen before is refused.
    stale = api.put(url, json={"note": "Fra 2027."}, headers={"If-Match": seen})
    assert stale.status_code == 412 and stale.json["current"]["cosponsors"][0]["note"] == (
        "Også hos os.")
    changed = api.put(url, json={"note": "Fra 2027."},
                      headers={"If-Match": backed.headers["ETag"]})
    assert changed.json["cosponsors"][0]["note"] == "Fra 2027."
    assert api.delete(url).status_code == 204
    assert api.get(f"{NEEDS}/{need.number}").json["cosponsors"] == []
    assert api.delete(url).status_code == 409


def test_sprints_take_items_in_and_out(world, api_as):
    lead = world.users["delivery_lead"]
    sprint = create_sprint(world.project_a, lead, "Sprint 1", date(2026, 12, 7),
                           date(2026, 12, 18), 20)
    db.session.commit()
    planner = api_as("delivery_lead")
    item = api_as("developer").post("/api/v1/projects/ALPHA/items",
                                    json={"title": "Kø", "estimate": 3}).json
    url = f"/api/v1/projects/ALPHA/sprints/{sprint.id}"
    committed = planner.post(url + "/items", json={"number": item["number"]})
    assert committed.status_code == 200
    assert [i["key"] for i in committed.json["items"]] == ["ALPHA-1"]
    assert planner.get("/api/v1/projects/ALPHA/sprints").json["data"][0]["name"] == "Sprint 1"
    assert api_as("developer").post(url + "/items", json={"number": 1}).status_code == 403
    removed = planner.delete(url + f"/items/{item['number']}")
    assert removed.status_code == 200 and removed.json["items"] == []
    assert planner.delete(url + f"/items/{item['number']}").status_code == 409
    assert planner.get("/api/v1/projects/ALPHA/sprints/99999").status_code == 404


def test_decisions_are_recorded_by_the_steering_group_and_the_roadmap_reads(world, api_as):
    need = create_need(world.project_a, world.users["product_owner"], **NEED_TEXTS)
    db.session.commit()
    steering = api_as("steering")
    recorded = steering.post("/api/v1/projects/ALPHA/decisions", json={
        "decided_on": "2026-11-30", "title": "Vi prioriterer kontrakter",
        "need_numbers": [need.number]})
    assert recorded.status_code == 201 and recorded.json["needs"] == [need.number]
    assert steering.get(recorded.headers["Location"]).json["title"] == "Vi prioriterer kontrakter"
    log = api_as("observer").get("/api/v1/projects/ALPHA/decisions").json
    assert [d["title"] for d in log["data"]] == ["Vi prioriterer kontrakter"]
    refused = steering.post("/api/v1/projects/ALPHA/decisions",
                            json={"decided_on": "2026-02-30", "title": "X"})
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["decided_on"]
    assert api_as("developer").post("/api/v1/projects/ALPHA/decisions", json={
        "decided_on": "2026-11-30", "title": "X"}).status_code == 403
    assert api_as("observer").get("/api/v1/projects/ALPHA/roadmap").json["data"] == []


def test_another_projects_need_is_404(world, api_as):
    other = create_need(world.project_b, world.users["outsider"], **NEED_TEXTS)
    add_member(world.project_b, world.users["developer"], [Role.DEVELOPER])
    db.session.commit()
    # Project A has no need of that number; project B is not among the token's projects.
    assert api_as("developer").get(f"{NEEDS}/{other.number}").status_code == 404
    assert api_as("developer").get(f"/api/v1/projects/BETA/needs/{other.number}").status_code \
        == 404
    assert api_as("developer", [world.project_b]).get(
        f"/api/v1/projects/BETA/needs/{other.number}").status_code == 200
