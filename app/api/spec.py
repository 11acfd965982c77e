"""The API's operations, declared once beside their routes (`operation`), and the OpenAPI 3.1
description generated from them and from app.api.schemas with apispec."""
import re
from dataclasses import dataclass, field

from apispec import APISpec
from flask import Blueprint

from app.api.schemas import SCHEMAS

TITLE = "Samspil API"
VERSION = "1.0.0"
READ_ERRORS = (400, 401, 404, 429)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422, 429)
IF_MATCH_ERRORS = (412, 428)


@dataclass
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    response: str | None
    status: int = 200
    body: str | None = None
    query: dict | None = None
    if_match: bool = False
    etag: bool = False
    errors: tuple = field(default=READ_ERRORS)
    files: bool = False  # the body is multipart/form-data with `files`
    binary: bool = False  # the answer is a file, not JSON


OPERATIONS: list[Operation] = []


def operation(bp: Blueprint, method: str, rule: str, summary: str, response: str | None, *,
              status: int = 200, body: str | None = None, query: dict | None = None,
              if_match: bool = False, etag: bool = False, files: bool = False,
              binary: bool = False):
    """Register a route of `bp` and document it: what it answers (a schema name, or a file),
    the body it takes (a schema name, or files), its query parameters, whether it needs
    If-Match and answers an ETag."""

    def register(view):
        errors = WRITE_ERRORS if method != "GET" else READ_ERRORS
        OPERATIONS.append(Operation(method, rule, view.__name__, summary, response, status,
                                    body, query, if_match, etag,
                                    errors + (IF_MATCH_ERRORS if if_match else ()),
                                    files, binary))
        bp.add_url_rule(rule, view_func=view, methods=[method])
        return view

    return register


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path(rule: str) -> str:
    return _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule)


def _parameters(op: Operation) -> list[dict]:
    params = [{"name": name, "in": "path", "required": True,
               "schema": ({"type": "integer", "minimum": 1} if kind == "int"
                                      else {"type": "string"})}
              for kind, name in _PARAM.findall(op.rule)]
    for name, schema in (op.query or {}).get("properties", {}).items():
        params.append({"name": name, "in": "query", "required": False, "schema": schema})
    if op.if_match:
        params.append({"name": "If-Match", "in": "header", "required": True,
                       "description": "The ETag of the representation the change is based on.",
                       "schema": {"type": "string"}})
    return params


def _responses(op: Operation) -> dict:
    success = {"description": str(op.summary)}
    if op.response:
        success["content"] = {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{op.response}"}}}
    if op.binary:
        success["content"] = {"application/octet-stream": {
            "schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}
    if op.etag:
        success["headers"] = {"ETag": {"schema": {"type": "string"}}}
    responses = {str(op.status): success}
    if op.binary:
        responses["206"] = {"description": "Part of the file, for a Range request."}
        responses["304"] = {"description": "Not modified since the ETag in If-None-Match."}
    for status in op.errors:
        responses[str(status)] = {"$ref": "#/components/responses/Problem"}
    return responses


def build_spec(server_url: str) -> dict:
    """The OpenAPI 3.1 description of every operation."""
    spec = APISpec(title=TITLE, version=VERSION, openapi_version="3.1.0",
                   info={"description": "Samspil's JSON API. Authenticate with a personal "
                                        "access token: `Authorization: Bearer <token>`."},
                   servers=[{"url": server_url}], security=[{"bearer": []}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name, schema in sorted(SCHEMAS.items()):
        spec.components.schema(name, schema)
    spec.components.response("Problem", {
        "description": "RFC 9457 problem details, in the language of Accept-Language.",
        "content": {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"}}}})
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        entry = {"operationId": op.endpoint, "summary": str(op.summary),
                 "parameters": _parameters(op), "responses": _responses(op)}
        if op.body:
            entry["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{op.body}"}}}}
        if op.files:
            entry["requestBody"] = {"required": True, "content": {"multipart/form-data": {
                "schema": {"type": "object", "required": ["files"], "properties": {
                    "files": {"type": "array", "items": {
                        "type": "string", "contentMediaType": "application/octet-stream"}}}}}}}
        paths.setdefault(_path(op.rule), {})[op.method.lower()] = entry
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
