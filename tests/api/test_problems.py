"""Bad input to the API answers problem details in the caller's language, changes nothing and
is never a 500 nor an HTML page: malformed JSON, wrong types, unknown fields, huge ids and
bodies, the wrong media type or method, and addresses that do not exist."""
import pytest
from sqlalchemy import func, select

from app.backlog.models import Item
from app.extensions import db

ITEMS = "/api/v1/projects/ALPHA/items"


def items_count() -> int:
    return db.session.scalar(select(func.count(Item.id)))


@pytest.mark.parametrize(("body", "status"), [
    ('{"title": ', 400), ('{"title": NaN}', 400), ('{"title": 1e999}', 422), ("[]", 422),
    ('"x"', 422), ("null", 422), ("[" * 100_000 + "]" * 100_000, 400),
    ('{"title": "\\u0000"}', 400), ('{"title": "\\ud800"}', 400), ('{"title": "\\u00e6"}', 201),
    ("[" * 50 + "]" * 50, 422), ('{"a":' * 900 + "1" + "}" * 900, 400),
])
def test_malformed_bodies(world, api_as, body, status):
    api = api_as("developer")
    response = api.post(ITEMS, data=body, content_type="application/json")
    assert response.status_code == status, response.json
    assert items_count() == (1 if status == 201 else 0)


def test_wrong_types_and_unknown_fields_are_named(world, api_as):
    api = api_as("developer")
    response = api.post(ITEMS, json={"title": 7, "estimate": "3", "labels": "a",
                                     "assignee_id": 2**40, "colour": "red", "is_blocked": 1})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"title", "estimate", "labels", "assignee_id",
                                            "colour", "is_blocked"}
    assert response.json["errors"]["colour"] == "Unknown field."
    assert items_count() == 0


def test_refusals_speak_the_callers_language(world, api_as):
    api = api_as("developer")
    danish = api.post(ITEMS, json={"title": "x", "farve": 1}, headers={"Accept-Language": "da"})
    assert danish.json["title"] == "Ugyldige data" and danish.headers["Content-Language"] == "da"
    assert danish.json["errors"] == {"farve": "Ukendt felt."}
    english = api.post(ITEMS, json={"title": ""}, headers={"Accept-Language": "en"})
    assert english.json["errors"] == {"title": "The item needs a title."}
    missing = api.get("/api/v1/projects/ALPHA/items/5", headers={"Accept-Language": "da"})
    assert missing.status_code == 404 and missing.json["title"] == "Ikke fundet"


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/v1/projects/ALPHA/items/99999999999", 404),
    ("GET", "/api/v1/projects/ALPHA/items/0", 404),
    ("GET", "/api/v1/projects/ALPHA/items/-1", 404),
    ("GET", "/api/v1/projects/ALPHA/sprints/2147483648", 404),
    ("PATCH", "/api/v1/projects/ALPHA/items/99999999999", 404),
    ("GET", "/api/v1/projects/NOPE", 404),
    ("GET", "/api/v1/nothing/here", 404),
    ("DELETE", "/api/v1/projects/ALPHA/items", 405),
    ("PUT", "/api/v1/projects", 405),
])
def test_addresses_and_methods_that_do_not_exist(world, api_as, method, path, status):
    response = api_as("developer").call(method, path, json={})
    assert response.status_code == status


def test_other_media_types_and_huge_bodies(world, api_as):
    api = api_as("developer")
    assert api.post(ITEMS, data={"title": "x"}).status_code == 415
    assert api.post(ITEMS, data="title=x", content_type="text/plain").status_code == 415
    huge = api.post(ITEMS, json={"title": "x", "description": "y" * 3_000_000})
    assert huge.status_code == 413
    long = api.post(ITEMS, json={"title": "x" * 201})
    assert long.status_code == 422 and list(long.json["errors"]) == ["title"]
    assert items_count() == 0


def test_a_malformed_authorization_header_is_401(world, client):
    for value in ("Bearer", "Bearer smp_", "Basic dXNlcjpwdw==", "Bearer " + "x" * 5000,
                  "Bearer smp_\u00e6\u00f8\u00e5"):
        response = client.get("/api/v1/projects", headers={"Authorization": value})
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
