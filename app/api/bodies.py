"""Reading a request's JSON body and query against the same JSON Schemas the OpenAPI
description publishes: malformed JSON is a 400, another media type a 415, unknown fields and
wrong types a 422 naming each field, all in the caller's language. Only the part of JSON
Schema the API's schemas use is checked here (types, required, enum, lengths, bounds)."""
import json
import re
from datetime import date

from flask import request
from flask_babel import gettext as _

from app.api.problems import ApiProblem

_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
          "array": list, "object": dict, "null": type(None)}


def _is(value, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    if name == "number" and isinstance(value, float) and value != value:  # NaN
        return False
    return isinstance(value, _TYPES[name])


def _value_problem(value, schema: dict) -> str | None:
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else types
    if types and not any(_is(value, t) for t in types):
        return _("Expected %(types)s.", types=_(" or ").join(types))
    if value is None:
        return None
    if "enum" in schema and value not in schema["enum"]:
        return _("Expected one of: %(values)s.", values=", ".join(map(str, schema["enum"])))
    if isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
        return _("At most %(n)d characters.", n=schema["maxLength"])
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"],
                                                                         value):
        return _("Not in the expected form.")
    if isinstance(value, (int, float)) and not (
            schema.get("minimum", value) <= value <= schema.get("maximum", value)):
        return _("Between %(low)s and %(high)s.", low=schema.get("minimum", "…"),
                 high=schema.get("maximum", "…"))
    if isinstance(value, list):
        if len(value) > schema.get("maxItems", len(value)):
            return _("At most %(n)d values.", n=schema["maxItems"])
        return next(filter(None, (_value_problem(v, schema.get("items", {})) for v in value)),
                    None)
    return None


def check(document, schema: dict) -> dict:
    """{field: what is wrong} for a JSON object against an object schema (empty when fine)."""
    if not isinstance(document, dict):
        return {"body": _("Send a JSON object.")}
    errors = {name: _("Unknown field.") for name in document
              if name not in schema.get("properties", {})}
    errors |= {name: _("Required.") for name in schema.get("required", ())
               if name not in document}
    for name, value in document.items():
        spec = schema.get("properties", {}).get(name)
        if spec is not None and name not in errors:
            problem = _value_problem(value, spec)
            if problem:
                errors[name] = problem
    return errors


def _plain_text(document) -> bool:
    """No lone surrogate ("\\ud800") in any string or key: JSON lets one be written, but it is
    no character, and no database can store it. (Walked without recursion: depth is the
    sender's choice.)"""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and _SURROGATE.search(value):
            return False
    return True


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_constant(name):
    raise ValueError(name)


def json_body(schema: dict) -> dict:
    """The request's JSON object, checked against `schema`; raises the problem otherwise."""
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise ApiProblem(415)
    try:
        document = json.loads(request.get_data(cache=True) or b"null",
                              parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ApiProblem(400, _("The body is not valid JSON.")) from None
    if not _plain_text(document):
        raise ApiProblem(400, _("The body is not valid JSON.")) from None
    errors = check(document, schema)
    if errors:
        raise ApiProblem(422, _("Some fields are not as expected; nothing was saved."), errors)
    return document


def query(schema: dict) -> dict:
    """The query string's parameters, checked against `schema` (strings only, each once)."""
    args = request.args
    errors = {name: _("Unknown parameter.") for name in args
              if name not in schema.get("properties", {})}
    errors |= {name: _("Give this parameter once.") for name in args
               if len(args.getlist(name)) > 1}
    for name, value in args.items():
        spec = schema.get("properties", {}).get(name)
        if spec is not None and name not in errors:
            problem = _value_problem(value, {**spec, "type": "string"})
            if problem:
                errors[name] = problem
    if errors:
        raise ApiProblem(400, _("Some query parameters are not as expected."), errors)
    return dict(args)


def day_of(text: str, field: str) -> date:
    """A calendar day given as YYYY-MM-DD; 422 naming `field` otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiProblem(422, _("Not a date."), {field: _("Not a date.")}) from None
