"""What a request body may be: the pages take form data only (a JSON body used to reach the
forms past the NUL-byte guard: a 500 on PostgreSQL, a stored NUL on SQLite), so anything else
is a 415 with a reason; and no decoded value the app reads, in the query, the form, a JSON
body or a header it stores, may carry a NUL byte."""
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.backlog.models import Comment
from app.backlog.services import create_item
from app.extensions import db
from app.security import API_PREFIX, has_nul
from tests.conftest import PASSWORD

EN = {"Accept-Language": "en"}


@pytest.fixture
def item(world):
    made = create_item(world.project_a, world.users["product_owner"], "Et kort")
    db.session.commit()
    return made


def comments() -> int:
    return db.session.scalar(select(func.count(Comment.id)))


@pytest.mark.parametrize("body", ['{"body": "a\\u0000b"}', '{"body": "Hej"}'])
@pytest.mark.parametrize("headers", [EN, {**EN, "HX-Request": "true"}])
def test_a_comment_posted_as_json_is_refused_with_415(world, client, login, item, body,
                                                      headers):
    login(world.users["developer"])
    response = client.post(f"/p/ALPHA/items/{item.number}/comments", data=body,
                           content_type="application/json", headers=headers)
    assert response.status_code == 415
    assert "form data" in response.get_data(as_text=True)
    assert comments() == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "",
                                          "application/json; charset=utf-8"])
def test_other_bodies_are_refused_too(world, client, login, item, content_type):
    login(world.users["developer"])
    response = client.post(f"/p/ALPHA/items/{item.number}/comments", data=b"body=Hej",
                           headers={**EN, "Content-Type": content_type})
    assert response.status_code == 415
    assert comments() == 0


@pytest.mark.parametrize("kind", ["urlencoded", "multipart"])
def test_form_data_is_taken_as_before(world, client, login, item, kind):
    login(world.users["developer"])
    data = {"body": "Hej"}
    if kind == "multipart":
        response = client.post(f"/p/ALPHA/items/{item.number}/comments", data=data,
                               content_type="multipart/form-data")
    else:
        response = client.post(f"/p/ALPHA/items/{item.number}/comments", data=data)
    assert response.status_code in (200, 303)
    assert comments() == 1


def test_a_post_without_a_body_is_not_refused(world, client, login):
    login(world.users["developer"])
    assert client.post("/logout").status_code == 303


def test_the_api_prefix_is_left_to_the_api(app):
    # The JSON API will live here; it decides for itself what it takes.
    assert API_PREFIX == "/api/"
    client = app.test_client()
    response = client.post("/api/none", data="{}", content_type="application/json")
    assert response.status_code == 404


def test_a_nul_in_a_json_value_is_found_at_any_depth():
    assert has_nul({"a": [1, {"b": "x\x00"}]}) and has_nul(["\x00"]) and has_nul({"k\x00": 1})
    assert not has_nul({"a": [1, None, True, {"b": "x"}]})


def test_a_nul_in_a_stored_header_is_refused_and_nothing_is_stored(world, client):
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    for headers in ({"User-Agent": "Mozilla\x00"}, {"X-Forwarded-For": "203.0.113.5\x00"}):
        response = client.post("/login", data={"email": "observer@a.example",
                                               "password": PASSWORD}, headers={**EN, **headers})
        assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events

