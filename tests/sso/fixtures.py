"""A real OpenID provider (npm oidc-provider, tests/sso/provider.mjs) on 127.0.0.1, started
once for the session; a helper that signs in on its development login page as a browser
would, with requests; and the provider configured in Samspil as "kommune"."""
import html
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "sso" / "provider.mjs"
# The provider's client accepts any port on 127.0.0.1 (a native client, RFC 8252).
BASE_URL = "http://127.0.0.1:5000"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_provider(port: int) -> subprocess.Popen:
    """Start provider.mjs and wait for its "ready" line."""
    if shutil.which("node") is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("The OpenID provider needs node and `npm install` (oidc-provider).")
    process = subprocess.Popen(["node", str(SCRIPT), str(port)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if not line.startswith("ready"):
        process.kill()
        pytest.fail(f"The OpenID provider did not start: {line!r}")
    return process


@pytest.fixture(scope="session")
def oidc_issuer():
    """The issuer address of the running provider."""
    port = _free_port()
    process = start_provider(port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def kommune(app, db, oidc_issuer, monkeypatch):
    """The provider, configured by a site administrator as "Log ind med din kommune"."""
    from app.sso.settings import create_provider

    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    row = create_provider({"key": "kommune", "display_name": "Log ind med din kommune",
                           "protocol": "oidc", "issuer": oidc_issuer, "client_id": "samspil",
                           "scopes": "openid email profile professional",
                           "claim_email": "email", "claim_name": "name",
                           "claim_cvr": "nemlogin.cvr", "claim_municipality": "municipality_code",
                           "is_enabled": True}, "samspil-test-secret")
    db.session.commit()
    return row


def _form(page: str, url: str) -> tuple[str, dict]:
    action = re.search(r'<form[^>]*action="([^"]+)"', page).group(1)
    fields = dict(re.findall(r'<input[^>]*type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return urljoin(url, html.unescape(action)), fields


def through_provider(authorization_url: str, login: str) -> str:
    """Sign in at the provider as `login` (its login and consent pages) and return the
    address it sends the browser back to (our callback with code and state)."""
    browser = requests.Session()
    url, response = authorization_url, browser.get(authorization_url, allow_redirects=False)
    for _ in range(10):
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if "/login/sso/" in url:
                return url
            response = browser.get(url, allow_redirects=False)
            continue
        action, fields = _form(response.text, url)
        if 'name="login"' in response.text:
            fields.update(login=login, password="any")
        response = browser.post(action, data=fields, allow_redirects=False)
        url = action
    raise AssertionError(f"The provider did not send the browser back: {url}")


def rotate_keys(issuer: str) -> None:
    requests.post(issuer + "/_test/rotate", timeout=5).raise_for_status()


def forget_keys(issuer: str) -> None:
    requests.post(issuer + "/_test/forget", timeout=5).raise_for_status()


def path_of(url: str) -> str:
    """The callback as the test client asks for it (BASE_URL's host stripped)."""
    return url.split("127.0.0.1:5000", 1)[1] if "127.0.0.1:5000" in url else url


@pytest.fixture
def sso_sign_in(client):
    """Start at Samspil's button for `key`, sign in at the provider as `login`, come back;
    returns the callback's response (not followed)."""

    def go(login: str, key: str = "kommune", next_url: str | None = None, lang: str = "en"):
        start = client.get(f"/login/sso/{key}" + (f"?next={next_url}" if next_url else ""))
        assert start.status_code == 303, start.get_data(as_text=True)
        callback = through_provider(start.headers["Location"], login)
        return client.get(path_of(callback), headers={"Accept-Language": lang})

    return go


os.environ.setdefault("NODE_NO_WARNINGS", "1")


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory):
    """pysaml2's identity provider (tests/sso/saml_idp.py) in a thread, for the session."""
    from tests.sso.saml_idp import start

    idp, server = start(tmp_path_factory.mktemp("saml-idp"))
    yield idp
    server.shutdown()
    server.server_close()


@pytest.fixture
def kombit(app, db, client, saml_idp, monkeypatch):
    """The SAML identity provider, configured by a site administrator with its metadata
    pasted and the attribute names left at their defaults (OIOSAML 3, KOMBIT's CVR); it
    trusts Samspil's metadata as served at /login/sso/kombit/metadata."""
    from app.sso.settings import create_provider

    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    saml_idp.reset()
    row = create_provider({"key": "kombit", "display_name": "Log ind med KOMBIT",
                           "protocol": "saml", "issuer": saml_idp.entity_id,
                           "idp_metadata": saml_idp.metadata, "is_enabled": True}, "")
    db.session.commit()
    saml_idp.trust(client.get("/login/sso/kombit/metadata").get_data(as_text=True))
    return row


def through_saml_idp(location: str, login: str) -> tuple[str, dict]:
    """Sign in at the SAML identity provider as `login`; the address and fields of the form
    its page POSTs to our assertion consumer service."""
    from tests.sso.saml_idp import html_form

    browser = requests.Session()
    page = browser.get(location, timeout=10)
    assert page.status_code == 200, page.text
    action, fields = html_form(page.text)
    answer = browser.post(action, data={**fields, "login": login}, timeout=10)
    assert answer.status_code == 200, answer.text
    return html_form(answer.text)


@pytest.fixture
def saml_sign_in(client):
    """Start at Samspil's button for `key`, sign in at the SAML identity provider as `login`,
    and POST its response back; returns the response of the assertion consumer service."""

    def go(login: str, key: str = "kombit", next_url: str | None = None, lang: str = "en",
           query: str = ""):
        start = client.get(f"/login/sso/{key}" + (f"?next={next_url}" if next_url else query))
        assert start.status_code == 303, start.get_data(as_text=True)
        acs, fields = through_saml_idp(start.headers["Location"], login)
        return client.post(path_of(acs), data=fields, headers={"Accept-Language": lang})

    return go
