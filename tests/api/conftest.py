"""Fixtures of the API's tests: personal access tokens made through the real service, and a
client that checks every answer against the OpenAPI description (status documented, body
valid against its schema, errors as problem details)."""
from datetime import timedelta
from functools import lru_cache
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator
from werkzeug.exceptions import HTTPException

from app.api.spec import build_spec
from app.api.tokens import create_token
from app.clock import local_today
from app.extensions import db

PROBLEM = "application/problem+json"


def bearer_for(user, projects, can_write: bool = True, days: int = 30) -> dict:
    """The Authorization header of a fresh token of `user` for `projects`."""
    _token, secret = create_token(user, "Test", [p.id for p in projects], can_write,
                                  local_today() + timedelta(days=days))
    db.session.commit()
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


@pytest.fixture
def bearer(db):
    return bearer_for


@lru_cache(maxsize=1)
def _spec_of(app) -> dict:
    with app.test_request_context():
        return build_spec("http://localhost/api/v1")


def validate(app, schema_name: str, data) -> None:
    spec = _spec_of(app)
    Draft202012Validator({"$ref": f"#/components/schemas/{schema_name}",
                          "components": spec["components"]},
                         format_checker=Draft202012Validator.FORMAT_CHECKER).validate(data)


def check_documented(app, method: str, path: str, response) -> None:
    """The answer is one the OpenAPI description documents for this operation, and its body
    is valid against the documented schema."""
    assert "html" not in (response.mimetype or ""), f"{method} {path}: an HTML answer"
    if response.status_code == 204:
        assert response.data == b""
    if response.status_code >= 400:
        assert response.mimetype == PROBLEM, f"{method} {path}: {response.mimetype}"
        validate(app, "Problem", response.json)
        assert response.json["status"] == response.status_code
    try:
        rule, _args = app.url_map.bind("localhost").match(urlsplit(path).path, method,
                                                          return_rule=True)
    except HTTPException:
        assert response.status_code in (404, 405), f"{method} {path}: {response.status_code}"
        return
    operation = _spec_of(app)["paths"][_openapi_path(rule.rule)][method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"{method} {path}: {response.status_code} is undocumented"
    schema = documented.get("content", {}).get("application/json", {}).get("schema")
    if schema is not None:
        validate(app, schema["$ref"].rsplit("/", 1)[1], response.json)


def _openapi_path(rule: str) -> str:
    import re

    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.removeprefix("/api/v1"))


class Api:
    """The test client as a program uses the API: its token on every request, and every
    answer checked against the description."""

    def __init__(self, app, client, headers: dict):
        self.app, self.client, self.headers = app, client, headers

    def call(self, method: str, path: str, headers=None, **kwargs):
        response = self.client.open(path, method=method, headers={**self.headers,
                                                                  **(headers or {})}, **kwargs)
        check_documented(self.app, method, path, response)
        return response

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.call("PATCH", path, **kwargs)

    def put(self, path, **kwargs):
        return self.call("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


@pytest.fixture
def api_as(app, client, world):
    """api_as("product_owner") → an Api with that persona's read-write token for project A."""

    def make(persona: str, projects=None, **kwargs) -> Api:
        return Api(app, client, bearer_for(world.users[persona],
                                           projects or [world.project_a], **kwargs))

    return make
