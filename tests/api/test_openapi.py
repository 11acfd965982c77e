"""The OpenAPI 3.1 description: valid, generated from the routes so that every /api/v1 route
is in it with its methods, and readable by people at /api."""
from openapi_spec_validator import validate

from app.api.spec import OPERATIONS


def test_the_description_is_valid_openapi_3_1(world, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.json
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_api_route_is_described(app, client):
    spec = client.get("/api/v1/openapi.json").json
    described = {(method.upper(), "/api/v1" + path.replace("{", "<").replace("}", ">"))
                 for path, operations in spec["paths"].items() for method in operations}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            plain = rule.rule.replace("<int:", "<")
            routes |= {(m, plain) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == described
    assert len(OPERATIONS) == len(described)


def test_every_change_needs_a_token_that_may_write_and_says_what_it_refuses(client):
    spec = client.get("/api/v1/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method != "get":
                assert {"401", "403", "415", "422"} <= operation["responses"].keys(), path
            if any(p["name"] == "If-Match" for p in operation["parameters"]):
                assert {"412", "428"} <= operation["responses"].keys(), path


def test_the_api_page_lists_every_operation_in_the_readers_language(world, client, login):
    page = client.get("/api", headers={"Accept-Language": "da"})
    assert page.status_code == 200 and "Samspils API" in page.text
    assert "PATCH /projects/{key}/items/{number}" in page.text
    assert 'href="/api/v1/openapi.json"' in page.text
    login(world.users["observer"])
    assert 'href="/settings/tokens"' in client.get("/api").text
