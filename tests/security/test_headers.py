"""Security headers on every response; cookie flags; what production insists on."""
import os
import re
import subprocess
import sys
from datetime import datetime, UTC

from pathlib import Path

import pytest

from config import DEV_SECRET_KEY, ProductionConfig
from tests.conftest import PASSWORD
from tests.permissions_table import EXPECTATIONS
from tests.test_permissions import path_values

ROOT = Path(__file__).resolve().parents[2]

LONG_SECRET = "k" * 20 + "0123456789abcdefghijklmnopqrstuv"


def assert_security_headers(response, what=""):
    h = response.headers
    csp = h.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d for d in (p.strip() for p in csp.split(";")) if d}
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, what
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", what
    assert directives.get("script-src") == "script-src 'self'", what
    assert directives.get("style-src") == "style-src 'self'", what
    assert directives.get("object-src") == "object-src 'none'", what
    assert h.get("X-Content-Type-Options") == "nosniff", what
    assert h.get("Referrer-Policy") in ("same-origin", "strict-origin-when-cross-origin",
                                        "no-referrer"), what
    assert h.get("X-Frame-Options") == "DENY", what
    assert re.fullmatch(r"[0-9a-f]{12}", h.get("X-Request-ID", "")), what


@pytest.mark.parametrize("persona", ["anonymous", "site_admin", "observer"])
def test_every_route_answers_with_the_security_headers(world, client, login, persona):
    if persona != "anonymous":
        login(world.users[persona])
    values = path_values(world)
    for _endpoint, (method, path, _rules) in sorted(EXPECTATIONS.items()):
        url = path.format_map(values)
        for headers in ({}, {"HX-Request": "true"}):
            response = client.open(url, method=method, headers=headers)
            assert_security_headers(response, f"{persona} {method} {url} {headers}")


def test_error_and_odd_responses_carry_the_headers_too(world, client, login):
    login(world.users["observer"])
    for method, url in [("GET", "/no/such/page"), ("DELETE", "/"), ("GET", "/p/BETA/"),
                        ("POST", "/organisations"), ("GET", "/static/no-such-file.js"),
                        ("GET", "/p/ALPHA/members/99999999999999/roles")]:
        assert_security_headers(client.open(url, method=method), f"{method} {url}")


def test_development_cookies_are_httponly_and_lax(world, client):
    response = client.post("/login", data={"email": "observer@a.example", "password": PASSWORD,
                                           "remember": "y"})
    assert response.status_code == 303
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        assert cookie.http_only and cookie.same_site == "Lax", name


@pytest.fixture
def production(make_app, monkeypatch, world):
    monkeypatch.setenv("SECRET_KEY", LONG_SECRET)
    return make_app(base=ProductionConfig, BASE_URL="https://samspil.example",
                    RATELIMIT_ALLOW_MEMORY=True)


def test_production_sends_hsts_and_secure_cookies(production):
    client = production.test_client()
    base = "https://samspil.example"
    page = client.get("/login", base_url=base)
    assert page.status_code == 200
    assert_security_headers(page, "production /login")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "samspil-demo" not in page.get_data(as_text=True)  # no demo hints in production
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      page.get_data(as_text=True)).group(1)
    response = client.post("/login", base_url=base,
                           headers={"Referer": f"{base}/login"},
                           data={"csrf_token": token, "email": "observer@a.example",
                                 "password": PASSWORD, "remember": "y"})
    assert response.status_code == 303
    session = client.get_cookie("session", domain="samspil.example")
    remember = client.get_cookie("remember_token", domain="samspil.example")
    for cookie in (session, remember):
        assert cookie.secure and cookie.http_only and cookie.same_site == "Lax", cookie.key
    # remember-me is bounded: two weeks, not forever
    lifetime = remember.expires - datetime.now(UTC)
    assert 13 <= lifetime.days <= 14
    assert "Secure" in ";".join(response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("secret", [None, "", "too-short", DEV_SECRET_KEY, "x" * 31])
def test_production_refuses_a_missing_or_weak_secret_key(make_app, monkeypatch, secret):
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        make_app(base=ProductionConfig)


def test_trusted_proxy_gives_the_real_address(make_app, world):
    app = make_app(TRUSTED_PROXIES=1)
    client = app.test_client()
    client.post("/login", data={"email": "observer@a.example", "password": PASSWORD},
                headers={"X-Forwarded-For": "203.0.113.50"},
                environ_base={"REMOTE_ADDR": "127.0.0.1"})
    from sqlalchemy import select

    from app.audit.models import AuditEvent
    from app.extensions import db

    db.session.expire_all()
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "account.signed_in")).one()
    assert event.ip_address == "203.0.113.50"


def test_without_a_trusted_proxy_forwarded_for_is_ignored(world, client):
    client.post("/login", data={"email": "observer@a.example", "password": PASSWORD},
                headers={"X-Forwarded-For": "203.0.113.50"},
                environ_base={"REMOTE_ADDR": "192.0.2.3"})
    from sqlalchemy import select

    from app.audit.models import AuditEvent
    from app.extensions import db

    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "account.signed_in")).one()
    assert event.ip_address == "192.0.2.3"


def test_production_starts_with_a_good_secret_key_from_the_environment(app):
    # In a fresh interpreter, as gunicorn starts it: the key is in the environment before
    # config.py is imported.
    env = {**os.environ, "SAMSPIL_ENV": "production", "SECRET_KEY": LONG_SECRET,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
    code = ("from app import create_app; a = create_app(); "
            f"print(a.config['ENV_NAME'], a.config['SECRET_KEY'] == {LONG_SECRET!r}, "
            "a.config['HSTS'])")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.split()[-3:] == ["production", "True", "True"]


@pytest.mark.parametrize("persona", ["site_admin", "observer", "outsider"])
def test_every_signed_in_answer_is_private_and_not_stored(world, client, login, persona):
    login(world.users[persona])
    values = path_values(world)
    for endpoint, (method, path, _rules) in sorted(EXPECTATIONS.items()):
        if endpoint == "static":
            continue
        url = path.format_map(values)
        for headers in ({}, {"HX-Request": "true"}):
            response = client.open(url, method=method, headers=headers)
            control = response.headers.get("Cache-Control", "")
            assert "no-store" in control, f"{persona} {method} {url} {headers}: {control!r}"
            assert control == "no-store" or "private" in control, f"{method} {url}"


def test_static_files_and_anonymous_public_pages_keep_their_caching(world, client, login):
    for url in ("/login", "/static/css/samspil.css"):
        assert "no-store" not in client.get(url).headers.get("Cache-Control", ""), url
    login(world.users["observer"])
    assert "no-store" not in client.get("/static/css/samspil.css").headers.get(
        "Cache-Control", "")
