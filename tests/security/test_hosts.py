"""Absolute addresses come from BASE_URL only: a forged Host header never appears in what the
app answers (the Atom feed's ids and links used to follow it). In production, a request for a
host that is not BASE_URL's (or listed in EXTRA_TRUSTED_HOSTS) is refused; development and
tests answer on any host."""
import pytest

from app.extensions import db
from config import ProductionConfig
from tests.permissions_table import EXPECTATIONS
from tests.security.test_headers import LONG_SECRET
from tests.test_permissions import path_values

EVIL = "evil.example"


@pytest.fixture
def public_roadmap(world):
    world.project_a.is_roadmap_public = True
    db.session.commit()


def test_the_feed_takes_its_addresses_from_base_url(world, client, public_roadmap):
    response = client.get("/roadmap/ALPHA/feed.atom", headers={"Host": EVIL})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert EVIL not in body
    assert "<id>http://samspil.test/roadmap/ALPHA</id>" in body
    assert 'href="http://samspil.test/roadmap/ALPHA/feed.atom"' in body


@pytest.mark.parametrize("persona", ["anonymous", "site_admin", "secretariat"])
def test_no_answer_names_a_forged_host(world, client, login, public_roadmap, persona):
    if persona != "anonymous":
        login(world.users[persona])
    values = path_values(world)
    for _endpoint, (method, path, _rules) in sorted(EXPECTATIONS.items()):
        url = path.format_map(values)
        for headers in ({"Host": EVIL}, {"Host": EVIL, "HX-Request": "true"},
                        {"X-Forwarded-Host": EVIL}):
            response = client.open(url, method=method, headers=headers)
            shown = response.get_data().decode("utf-8", "replace") + str(response.headers)
            assert EVIL not in shown, f"{persona} {method} {url} {headers}"


@pytest.fixture
def production(make_app, monkeypatch, world):
    monkeypatch.setenv("SECRET_KEY", LONG_SECRET)
    return make_app(base=ProductionConfig, BASE_URL="https://samspil.example",
                    EXTRA_TRUSTED_HOSTS=["samspil.intern.example"],
                    RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0", RATELIMIT_ENABLED=False)


def test_production_refuses_unknown_hosts(production):
    client = production.test_client()
    for host in (EVIL, "samspil.example.evil.example", "127.0.0.1"):
        response = client.get("/login", base_url=f"https://{host}",
                              headers={"Accept-Language": "en"})
        body = response.get_data(as_text=True)
        assert response.status_code == 400, host
        assert EVIL not in body and "Unknown host" in body


def test_production_answers_on_base_urls_host_and_the_extra_ones(production):
    client = production.test_client()
    for base in ("https://samspil.example", "https://samspil.example:443",
                 "https://samspil.intern.example"):
        assert client.get("/login", base_url=base).status_code == 200, base


def test_production_derives_trusted_hosts_from_base_url(production):
    assert production.config["TRUSTED_HOSTS"] == ["samspil.example", "samspil.intern.example"]


def test_development_answers_on_any_host(client):
    assert client.get("/login", headers={"Host": "192.168.1.20:5000"}).status_code == 200
