"""Every state-changing endpoint in the permissions table — including those areas add later —
gets hostile form data built from the field names the app itself uses: a success or a 4xx with
a reason, never a 500, nothing changed on refusal.

The per-endpoint tests in test_hostile.py aim at each form's fields; this sweep needs no
knowledge of a new endpoint, so nothing is left out when one is added.
"""
import re
from collections import ChainMap
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from hypothesis import strategies as st
from wtforms import SelectFieldBase
from wtforms.fields.core import UnboundField

from tests.permissions_table import EXPECTATIONS
from tests.security.hostile import SPECIAL_VALUES, hostile_json, hostile_value, probe
from tests.test_permissions import api_request, is_api, path_values

ROOT = Path(__file__).resolve().parents[2]
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EXAMPLES = 15
PERSONA_PREFERENCE = ["site_admin", "secretariat", "product_owner", "delivery_lead", "developer",
                      "contributor", "steering", "observer", "outsider", "anonymous"]


def _form_classes(cls=FlaskForm):
    for sub in cls.__subclasses__():
        yield sub
        yield from _form_classes(sub)


def vocabulary() -> tuple[list[str], list[str]]:
    """Field names (from templates, form classes and the prefixes in the code) and the
    values the app's select fields offer."""
    import app  # noqa: F401 - the form classes are defined on import of the areas

    names, values = set(), set()
    for path in (ROOT / "templates").rglob("*.html"):
        names |= set(re.findall(r'name="([A-Za-z][A-Za-z0-9_\-]*)"', path.read_text("utf-8")))
    code = "\n".join(p.read_text("utf-8") for p in (ROOT / "app").rglob("*.py"))
    names |= set(re.findall(r'request\.form\.get\(\s*"([A-Za-z0-9_\-]+)"', code))
    prefixes = set(re.findall(r'prefix="([a-z]+)"', code)) | {"top", "bottom"}
    for form in _form_classes():
        for attr in dir(form):
            field = getattr(form, attr, None)
            if isinstance(field, UnboundField):
                names.add(attr)
                names |= {f"{p}-{attr}" for p in prefixes}
                if issubclass(field.field_class, SelectFieldBase):
                    choices = field.kwargs.get("choices") or []
                    values |= {str(c[0]) for c in choices if isinstance(c, (tuple, list))}
    return sorted(names - {"csrf_token"}), sorted(values)


def state_changing_endpoints():
    return sorted(e for e, (method, _path, _rules) in EXPECTATIONS.items() if method in UNSAFE)


@pytest.mark.parametrize("endpoint", state_changing_endpoints())
def test_state_changing_endpoint_survives_hostile_input(world, client, login, endpoint):
    method, path, rules = EXPECTATIONS[endpoint]
    if is_api(endpoint):
        return _api_sweep(world, client, endpoint)
    persona = next((p for p in PERSONA_PREFERENCE if rules.get(p) == "ok"), None)
    if persona is None:
        pytest.skip(f"no persona may use {endpoint}")
    if persona != "anonymous":
        login(world.users[persona])
    values = path_values(world)
    urls = [path.format_map(values)]
    if "{key}" in path:
        # another project
        urls.append(path.format_map(ChainMap({"key": world.project_b.key}, values)))
    names, choices = vocabulary()
    value = st.one_of(hostile_value(), st.sampled_from(choices + SPECIAL_VALUES[:12]),
                      st.integers(min_value=-2, max_value=50).map(str))
    form = st.dictionaries(st.sampled_from(names), value, max_size=6)
    # Refused sign-ins are audited (the password form's and SAML's assertion consumer's).
    probe(client, st.tuples(st.sampled_from(urls), form), label=f"sweep {endpoint}",
          method=method, max_examples=EXAMPLES, ignore_tables={"audit_event"}
          if endpoint in ("accounts.login", "sso.acs") else ())


def _api_sweep(world, client, endpoint):
    """An API change with hostile JSON bodies built from the field names of its documented
    body (and unknown ones), with and without If-Match, as the persona most likely allowed."""
    from app.api.schemas import SCHEMAS
    from app.api.spec import OPERATIONS

    method, path, rules = EXPECTATIONS[endpoint]
    persona = next(p for p in PERSONA_PREFERENCE if rules.get(p) == "ok" and p != "site_admin")
    headers = api_request(world, persona, method)["headers"]
    values = path_values(world)
    urls = [path.format_map(values),
            path.format_map(ChainMap({"key": world.project_b.key}, values))]
    [operation] = [op for op in OPERATIONS if f"api.{op.endpoint}" == endpoint]
    names = sorted(SCHEMAS[operation.body]["properties"]) if operation.body else []
    body = st.one_of(st.dictionaries(st.sampled_from([*names, "unknown", ""]), hostile_json(),
                                     max_size=6), hostile_json())
    variants = st.sampled_from([headers, {**headers, "If-Match": '"v1"'},
                                {k: v for k, v in headers.items() if k != "If-Match"}])
    probe(client, st.tuples(st.sampled_from(urls), body), label=f"sweep {endpoint}",
          method=method, max_examples=EXAMPLES, headers=variants, as_json=True,
          ignore_tables={"access_token"})
