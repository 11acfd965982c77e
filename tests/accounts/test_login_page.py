"""What the sign-in and settings pages give browsers and people: password fields that password
managers understand, and (in development) every demo account, the site administrator's too."""
import re

from app import create_app
from config import TestConfig


def _attributes(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def test_password_fields_say_which_password_they_want(world, client, login):
    page = client.get("/login").text
    assert 'autocomplete="username"' in _attributes(page, "email")
    assert 'autocomplete="current-password"' in _attributes(page, "password")
    login(world.users["observer"])
    settings = client.get("/settings").text
    assert 'autocomplete="current-password"' in _attributes(settings, "pw-current_password")
    assert 'autocomplete="new-password"' in _attributes(settings, "pw-password")


def test_the_site_administrator_demo_account_is_listed_in_development(client):
    page = client.get("/login", headers={"Accept-Language": "en"}).text
    assert "<code>admin@samspil.example</code>" in page
    assert "Kommunefællesskabet Overblik, site administrator" in page
    assert "<code>po@ballerup.example</code>" in page


def test_no_demo_accounts_outside_development():
    app = create_app(type("Production", (TestConfig,), {"SHOW_DEMO_ACCOUNTS": False}))
    page = app.test_client().get("/login").text
    assert "admin@samspil.example" not in page and "samspil-demo" not in page
