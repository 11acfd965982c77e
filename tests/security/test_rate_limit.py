"""Sign-in rate limits per account and per address, the same answer (and the same work) for an
unknown e-mail as for a wrong password, and a shared Redis store for production."""
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app.accounts import services as account_services
from tests.conftest import PASSWORD

LIMITS = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
          "LOGIN_LIMIT_PER_ACCOUNT": "3 per hour", "LOGIN_LIMIT_PER_ADDRESS": "5 per hour"}
MESSAGE = "Too many sign-in attempts"


@pytest.fixture
def limited(make_app, world):
    """A client of an app with the sign-in limits on (the session app has them off)."""
    app = make_app(**LIMITS)
    return app.test_client()


def sign_in(client, email, password="wrong-password-123", address="192.0.2.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address},
                       headers={"Accept-Language": "en"})


def test_an_account_is_throttled_after_three_failures(limited):
    for _ in range(3):
        assert sign_in(limited, "observer@a.example").status_code == 422
    response = sign_in(limited, "observer@a.example")
    body = response.get_data(as_text=True)
    assert response.status_code == 429
    assert f'role="alert">{MESSAGE}' in body  # the layout has an empty alert region anyway
    assert '<form method="post"' in body and 'value="observer@a.example"' in body  # the form, again
    assert int(response.headers["Retry-After"]) >= 1
    # Even the right password, and from another address: the account is what is throttled.
    assert sign_in(limited, "OBSERVER@a.example", PASSWORD, "198.51.100.9").status_code == 429
    # Other accounts can still sign in.
    assert sign_in(limited, "contributor@a.example", PASSWORD).status_code == 303


def test_an_address_is_throttled_after_five_failures(limited):
    for n in range(5):
        assert sign_in(limited, f"guess{n}@a.example").status_code == 422
    assert sign_in(limited, "observer@a.example", PASSWORD).status_code == 429
    assert sign_in(limited, "observer@a.example", PASSWORD, "198.51.100.9").status_code == 303


def test_successful_sign_ins_do_not_use_up_the_limit(limited):
    # One town hall, one address, many people signing in at nine.
    for _ in range(3):
        for persona in ("observer", "contributor", "steering"):
            assert sign_in(limited, f"{persona}@a.example", PASSWORD).status_code == 303
            limited.post("/logout")


def test_unknown_e_mail_and_wrong_password_get_the_same_answer(limited):
    known, unknown = "observer@a.example", "nobody@a.example"
    for attempt in range(4):
        a = sign_in(limited, known, address="192.0.2.1")
        b = sign_in(limited, unknown, address="192.0.2.2")
        assert a.status_code == b.status_code == (422 if attempt < 3 else 429)
        assert same_page(a, known) == same_page(b, unknown)


def same_page(response, email):
    """The page with the e-mail typed and the (time-stamped) CSRF token blanked out."""
    body = response.get_data(as_text=True).replace(email, "E")
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', body)


def test_unknown_e_mail_and_wrong_password_do_the_same_work(world, client, monkeypatch):
    calls = []
    real = account_services.check_password_hash

    def spy(pwhash, password):
        calls.append(pwhash.split("$")[0])
        return real(pwhash, password)

    monkeypatch.setattr(account_services, "check_password_hash", spy)
    world.users["steering"].is_active = False
    for email in ("observer@a.example", "nobody@a.example", "steering@a.example"):
        calls.clear()
        assert sign_in(client, email).status_code == 422
        # exactly one hash check, with the same method, known account or not
        assert calls == ["pbkdf2:sha256:1000"], email


def test_limiter_works_with_a_redis_store(make_app, world):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    connection = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        connection.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not answering on 127.0.0.1:6379 ({exc})")
    tag = uuid.uuid4().hex[:10]
    address = f"10.{int(tag[:2], 16)}.{int(tag[2:4], 16)}.{int(tag[4:6], 16)}"
    email = f"nobody-{tag}@a.example"
    client = make_app(**{**LIMITS, "RATELIMIT_STORAGE_URI": url}).test_client()
    try:
        for _ in range(3):
            assert sign_in(client, email, address=address).status_code == 422
        assert sign_in(client, email, address=address).status_code == 429
        keys = [k.decode() for k in connection.scan_iter(match=f"*{tag}*")]
        assert keys, "the account's counter is kept in Redis"
        # A second app (another worker) shares the count through Redis.
        other = make_app(**{**LIMITS, "RATELIMIT_STORAGE_URI": url}).test_client()
        assert sign_in(other, email, address="192.0.2.77").status_code == 429
    finally:
        for key in list(connection.scan_iter(match=f"*{tag}*")) + list(
                connection.scan_iter(match=f"*{address}*")):
            connection.delete(key)
        connection.close()


def test_production_reads_a_shared_store_from_the_environment():
    # In a fresh interpreter: config is read once, at import.
    env = {**os.environ, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
    out = subprocess.run(
        [sys.executable, "-c",
         "import config; print(config.ProductionConfig.RATELIMIT_STORAGE_URI)"],
        env=env, cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True,
        check=True)
    assert out.stdout.strip() == "redis://127.0.0.1:6379/0"


def test_session_app_is_not_left_rate_limited(world, client):
    # Runs after the tests above: the shared limiter is off again for everyone else's tests.
    for _ in range(12):
        assert sign_in(client, "observer@a.example").status_code == 422


@pytest.fixture
def secret(monkeypatch):
    from tests.security.test_headers import LONG_SECRET

    monkeypatch.setenv("SECRET_KEY", LONG_SECRET)


PRODUCTION = {"BASE_URL": "https://samspil.example", "RATELIMIT_ENABLED": True}


def test_production_refuses_to_start_with_limits_in_each_workers_memory(make_app, secret):
    from config import ProductionConfig

    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        make_app(base=ProductionConfig, RATELIMIT_STORAGE_URI="memory://", **PRODUCTION)


def test_a_single_worker_install_may_allow_memory_and_is_warned(make_app, secret, caplog, world,
                                                                login):
    from config import ProductionConfig

    with caplog.at_level("WARNING"):
        app = make_app(base=ProductionConfig, RATELIMIT_STORAGE_URI="memory://",
                       RATELIMIT_ALLOW_MEMORY=True, **PRODUCTION)
    assert any("memory://" in r.getMessage() and "worker" in r.getMessage()
               for r in caplog.records if r.levelname == "WARNING")
    client = app.test_client()
    with client.session_transaction(base_url="https://samspil.example") as session:
        session["_user_id"] = world.users["site_admin"].get_id()
    for url in ("/organisations", "/audit"):
        body = client.get(url, base_url="https://samspil.example",
                          headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "RATELIMIT_STORAGE_URI" in body and "each worker" in body, url


def test_admin_pages_carry_no_such_warning_with_a_shared_store_or_in_development(
        world, client, login):
    login(world.users["site_admin"])
    for url in ("/organisations", "/audit"):
        assert "RATELIMIT_STORAGE_URI" not in client.get(url).get_data(as_text=True)


def test_trusting_a_proxy_is_logged_with_its_risk(make_app, caplog):
    with caplog.at_level("WARNING"):
        make_app(TRUSTED_PROXIES=1)
    assert any("X-Forwarded-For" in r.getMessage() and "sign-in limit" in r.getMessage()
               for r in caplog.records if r.levelname == "WARNING")


def test_a_forged_forwarded_for_without_a_trusted_proxy_changes_no_address(make_app, world):
    # TRUSTED_PROXIES=0: the header is anyone's to write, so neither the per-address limit
    # nor the audit log believes it; a new forged address each time escapes nothing.
    from sqlalchemy import select

    from app.audit.models import AuditEvent
    from app.extensions import db

    client = make_app(**LIMITS, TRUSTED_PROXIES=0).test_client()
    answers = [client.post("/login", data={"email": f"guess{n}@a.example", "password": "x"},
                           environ_base={"REMOTE_ADDR": "192.0.2.1"},
                           headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
               for n in range(6)]
    assert answers == [422] * 5 + [429]
    db.session.expire_all()
    addresses = set(db.session.scalars(select(AuditEvent.ip_address)
                                       .where(AuditEvent.ip_address.is_not(None))))
    assert addresses == {"192.0.2.1"}
