"""A client written only from the OpenAPI document: it knows the API by its operation ids,
builds each address from the document's paths, checks each body it sends against the
document's request schema and each answer against the documented response. With it, a
municipality's need goes all the way: submitted, ready, served by an item, planned into a
sprint, developed, accepted, delivered."""
import re
from datetime import date

from jsonschema import Draft202012Validator

from app.extensions import db
from app.sprints.services import create_sprint
from tests.api.conftest import bearer_for


class OpenApiClient:
    def __init__(self, client, headers: dict):
        self.client, self.headers = client, headers
        self.spec = client.get("/api/v1/openapi.json").json
        self.server = self.spec["servers"][0]["url"]
        self.operations = {op["operationId"]: (method, path, op)
                           for path, ops in self.spec["paths"].items()
                           for method, op in ops.items()}

    def _validate(self, schema: dict, value) -> None:
        Draft202012Validator({**schema, "components": self.spec["components"]},
                             format_checker=Draft202012Validator.FORMAT_CHECKER).validate(value)

    def call(self, operation_id: str, body=None, if_match: str | None = None, **params):
        method, path, op = self.operations[operation_id]
        url = self.server + re.sub(r"\{(\w+)\}", lambda m: str(params.pop(m.group(1))), path)
        if body is not None:
            self._validate(op["requestBody"]["content"]["application/json"]["schema"], body)
        headers = dict(self.headers)
        if if_match is not None:
            headers["If-Match"] = if_match
        response = self.client.open(url, method=method.upper(), json=body, headers=headers,
                                    query_string=params)
        documented = op["responses"][str(response.status_code)]
        content = documented.get("content", {})
        if "application/json" in content:
            self._validate(content["application/json"]["schema"], response.json)
        return response


def test_a_need_from_submission_to_delivery(world, client):
    sprint = create_sprint(world.project_a, world.users["delivery_lead"], "Sprint 1",
                           date(2026, 12, 7), date(2026, 12, 18), 20)
    db.session.commit()
    po, dev, lead = (OpenApiClient(client, bearer_for(world.users[p], [world.project_a]))
                     for p in ("product_owner", "developer", "delivery_lead"))
    submitted = po.call("create_need", key="ALPHA", body={
        "title": "Overblik over kontrakter", "background": "Regneark.",
        "desired_outcome": "Ét overblik.", "expected_value": "Færre fejl."})
    assert submitted.status_code == 201
    need = submitted.json["number"]
    etag = submitted.headers["ETag"]
    for status in ("in_discovery", "ready"):
        moved = po.call("change_need_status", key="ALPHA", number=need, if_match=etag,
                        body={"status": status})
        assert moved.status_code == 200
        etag = moved.headers["ETag"]
    item = dev.call("create_item", key="ALPHA", body={"title": "Kontraktoversigt",
                                                       "estimate": 3}).json["number"]
    assert dev.call("link_item", key="ALPHA", number=need,
                    body={"number": item}).json["items"] == ["ALPHA-1"]
    [listed] = lead.call("sprints", key="ALPHA").json["data"]
    assert listed["id"] == sprint.id
    assert lead.call("commit_to_sprint", key="ALPHA", sprint_id=sprint.id,
                     body={"number": item}).status_code == 200
    assert po.call("need", key="ALPHA", number=need).json["status"] == "planned"
    for status, who in [("ready", dev), ("in_progress", dev), ("review", dev),
                        ("acceptance", dev), ("done", po)]:
        etag = who.call("item", key="ALPHA", number=item).headers["ETag"]
        moved = who.call("move", key="ALPHA", number=item, if_match=etag,
                         body={"status": status})
        assert moved.status_code == 200 and moved.json["status"] == status
    delivered = po.call("need", key="ALPHA", number=need).json
    assert delivered["status"] == "delivered" and delivered["delivered_at"].endswith("Z")
    assert [n["number"] for n in po.call("roadmap", key="ALPHA").json["data"]] == [need]
