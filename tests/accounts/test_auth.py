"""Signing in and out, the `next` parameter, remember-me, and language choice."""
import pytest
from sqlalchemy import select

from app.accounts.models import User
from tests.conftest import PASSWORD


@pytest.fixture
def person(factory, db):
    user = factory.user(factory.municipality(), email="Mette@Ballerup.example", name="Mette")
    db.session.commit()
    return user


def test_sign_in_with_any_case_of_the_email(client, person):
    response = client.post("/login", data={"email": "METTE@ballerup.EXAMPLE", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Mette" in client.get("/").text


def test_wrong_password_and_unknown_email_get_the_same_answer(client, person):
    wrong = client.post("/login", data={"email": person.email, "password": "nope-nope-nope"})
    unknown = client.post("/login", data={"email": "nobody@x.example",
                                          "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 422
    assert "Forkert e-mail eller adgangskode." in wrong.text
    assert "Forkert e-mail eller adgangskode." in unknown.text


def test_inactive_user_cannot_sign_in(client, person, db):
    person.is_active = False
    db.session.commit()
    response = client.post("/login", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 422


@pytest.mark.parametrize("target,expected", [
    ("/settings", "/settings"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_only_follows_local_paths(client, person, target, expected):
    response = client.post("/login", query_string={"next": target},
                           data={"email": person.email, "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_remember_me_cookie_is_httponly_lax_and_bounded(client, person):
    response = client.post("/login", data={"email": person.email, "password": PASSWORD,
                                           "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("remember_token"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_sign_out_by_post(client, login, person):
    login(person)
    assert client.get("/logout").status_code == 200  # a confirmation page, not a sign-out
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_language_follows_setting_then_browser_then_danish(client, login, person, db):
    login(person)
    assert "Mine projekter" in client.get("/").text
    assert "My projects" in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    client.post("/settings", data={"locale": "en"})
    assert db.session.scalar(select(User.locale).where(User.id == person.id)) == "en"
    assert "My projects" in client.get("/", headers={"Accept-Language": "da"}).text


def test_invalid_language_is_refused_with_a_reason(client, login, person):
    login(person)
    response = client.post("/settings", data={"locale": "xx"})
    assert response.status_code == 422
    assert "Ikke et gyldigt valg." in response.text


def test_builtin_validation_messages_are_danish_and_english(client):
    danish = client.post("/login", data={"email": "", "password": ""})
    assert danish.status_code == 422 and "Feltet skal udfyldes." in danish.text
    english = client.post("/login", data={"email": "", "password": ""},
                          headers={"Accept-Language": "en"})
    assert "This field is required." in english.text
