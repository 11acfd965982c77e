"""CSRF: every state-changing request needs the token, htmx sends it as a header, and the
only exemptions are the digest's one-click unsubscribe (RFC 8058) and the JSON API, which no
cookie authenticates (a signed-in browser's request to it is refused with 401)."""
import re

import pytest

from app.projects.services import membership_of
from tests.security.hostile import snapshot

# The only endpoint that may accept a POST without a token: mail clients post to it directly.
# The one-click unsubscribes (RFC 8058), and SAML's assertion consumer service: the identity
# provider's page POSTs there from its own site; InResponseTo against this browser's signed
# requests cookie, the signature, audience, validity and single use stand in for the token.
# The code forges' receiving address is signed with the project's secret and reads no cookie.
CSRF_EXEMPT = {"digests.unsubscribe_one_click", "notifications.unsubscribe_one_click",
               "sso.acs", "hooks.receive"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# The JSON API's blueprint: bearer tokens only, so there is no cross-site request to forge.
COOKIELESS = "api"


def is_cookieless(endpoint: str) -> bool:
    return endpoint.split(".")[0] == COOKIELESS


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def htmx_token(html: str) -> str:
    return re.search(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""", html).group(1)


def test_post_without_token_is_refused_and_changes_nothing(world, client, login, csrf_on):
    login(world.users["secretariat"])
    observer = membership_of(world.project_a, world.users["observer"].id)
    before = snapshot()
    response = client.post(f"/p/ALPHA/members/{observer.id}/remove",
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert snapshot() == before


def test_post_with_a_wrong_token_is_refused(world, client, login, csrf_on):
    login(world.users["secretariat"])
    client.get("/p/ALPHA/members")
    observer = membership_of(world.project_a, world.users["observer"].id)
    before = snapshot()
    response = client.post(f"/p/ALPHA/members/{observer.id}/remove",
                           headers={"X-CSRFToken": "forged", "HX-Request": "true"},
                           data={"csrf_token": "forged"})
    assert response.status_code == 400 and snapshot() == before


def test_htmx_post_with_the_header_token_succeeds(world, client, login, csrf_on):
    login(world.users["secretariat"])
    token = htmx_token(client.get("/p/ALPHA/members").get_data(as_text=True))
    observer = membership_of(world.project_a, world.users["observer"].id)
    response = client.post(f"/p/ALPHA/members/{observer.id}/remove",
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 303
    assert membership_of(world.project_a, world.users["observer"].id) is None


def test_plain_form_with_the_hidden_token_succeeds(world, client, login, csrf_on):
    login(world.users["observer"])
    html = client.get("/settings").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post("/settings", data={"csrf_token": token, "locale": "en"}).status_code == 303
    assert world.users["observer"].locale == "en"


def test_sign_in_needs_the_token_too(world, client, csrf_on):
    # Login CSRF: a hostile page must not sign a visitor into the attacker's account.
    response = client.post("/login", data={"email": "observer@a.example",
                                           "password": "correct-horse-battery"})
    assert response.status_code == 400


def _url_for_rule(rule) -> str:
    values = {name: (1 if type(conv).__name__ in ("IntegerConverter", "BoundedIntegerConverter")
                     else "ALPHA") for name, conv in rule._converters.items()}
    return rule.build(values, append_unknown=False)[1]


def test_every_state_changing_route_refuses_a_request_without_token(app, world, client, login,
                                                                    csrf_on):
    login(world.users["site_admin"])
    checked = []
    for rule in app.url_map.iter_rules():
        methods = UNSAFE & set(rule.methods or ())
        if not methods or rule.endpoint in CSRF_EXEMPT:
            continue
        url = _url_for_rule(rule)
        for method in sorted(methods):
            for headers in ({}, {"HX-Request": "true"}):
                before = snapshot()
                response = client.open(url, method=method, headers=headers, data={"x": "1"})
                expected = 401 if is_cookieless(rule.endpoint) else 400
                assert response.status_code == expected, f"{rule.endpoint} {method} {url}"
                assert snapshot() == before, f"{rule.endpoint} changed data without a token"
            checked.append(f"{method} {rule.rule}")
    assert len(checked) >= 9, checked


def test_csrf_exemptions_are_only_the_allowed_ones(app):
    from app.extensions import csrf

    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if (UNSAFE & set(rule.methods or ()) and rule.endpoint not in CSRF_EXEMPT
                and not is_cookieless(rule.endpoint)):
            assert f"{view.__module__}.{view.__name__}" not in csrf._exempt_views, rule.endpoint
            blueprint = app.blueprints.get(rule.endpoint.split(".")[0])
            assert blueprint is None or blueprint not in csrf._exempt_blueprints, rule.endpoint


def test_a_token_needs_no_csrf_token_and_a_session_cannot_borrow_the_exemption(
        world, client, login, csrf_on):
    from tests.api.conftest import bearer_for

    headers = bearer_for(world.users["developer"], [world.project_a])
    created = client.post("/api/v1/projects/ALPHA/items", headers=headers, json={"title": "x"})
    assert created.status_code == 201
    login(world.users["developer"])
    before = snapshot()
    refused = client.post("/api/v1/projects/ALPHA/items", json={"title": "y"})
    assert refused.status_code == 401 and snapshot() == before
    # The token pages are pages: they need the form's token.
    assert client.post("/settings/tokens", data={"name": "x"}).status_code == 400
