"""Signing out ends the session on the server: a copy of the session cookie or of the
remember-me cookie taken before `POST /logout` no longer signs anyone in. "Sign out everywhere
else" in the settings ends every other session and keeps this one."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import PASSWORD

EN = {"Accept-Language": "en"}


@pytest.fixture
def person(factory):
    user = factory.user(factory.municipality(), email="mette@ballerup.example", name="Mette")
    db.session.commit()
    return user


def signed_in(app, email="mette@ballerup.example", remember=True):
    """A new browser that signed in through the form; returns it and its cookies."""
    browser = app.test_client()
    response = browser.post("/login", data={"email": email, "password": PASSWORD,
                                            **({"remember": "y"} if remember else {})})
    assert response.status_code == 303
    cookies = {name: browser.get_cookie(name).value for name in ("session", "remember_token")
               if browser.get_cookie(name) is not None}
    return browser, cookies


def with_cookies(app, **cookies):
    """A new browser holding copies of stolen (or kept) cookies."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def is_signed_in(browser) -> bool:
    return browser.get("/").status_code == 200


def test_the_session_cookie_is_dead_after_sign_out(app, person):
    browser, cookies = signed_in(app, remember=False)
    assert is_signed_in(with_cookies(app, session=cookies["session"]))
    assert browser.post("/logout").status_code == 303
    assert not is_signed_in(browser)
    assert not is_signed_in(with_cookies(app, session=cookies["session"]))


def test_the_remember_me_cookie_is_dead_after_sign_out(app, person):
    browser, cookies = signed_in(app)
    assert is_signed_in(with_cookies(app, remember_token=cookies["remember_token"]))
    browser.post("/logout")
    assert not is_signed_in(with_cookies(app, remember_token=cookies["remember_token"]))
    assert not is_signed_in(with_cookies(app, **cookies))


def test_the_sign_out_page_says_it_signs_out_every_device(app, person):
    browser, _cookies = signed_in(app)
    page = browser.get("/logout", headers=EN).get_data(as_text=True)
    assert "on every device" in page
    after = browser.post("/logout", headers=EN, follow_redirects=True)
    assert "You are signed out on every device." in after.get_data(as_text=True)


def test_signing_in_again_after_sign_out_works(app, person):
    browser, _cookies = signed_in(app)
    browser.post("/logout")
    again, _cookies = signed_in(app)
    assert is_signed_in(again)


def test_sign_out_everywhere_else_keeps_this_session_only(app, person):
    here, here_cookies = signed_in(app)
    there, there_cookies = signed_in(app)
    settings = here.get("/settings", headers=EN).get_data(as_text=True)
    assert 'action="/settings/sign-out-everywhere"' in settings
    response = here.post("/settings/sign-out-everywhere", headers=EN, follow_redirects=True)
    assert response.status_code == 200
    assert "You are signed out on every other device." in response.get_data(as_text=True)
    assert is_signed_in(here)
    assert not is_signed_in(there)
    assert not is_signed_in(with_cookies(app, remember_token=there_cookies["remember_token"]))
    assert not is_signed_in(with_cookies(app, **here_cookies))  # this session's old cookies
    # Kept signed in here, remember-me included: the new cookie works on its own.
    assert is_signed_in(with_cookies(app, remember_token=here.get_cookie("remember_token").value))
    actions = db.session.scalars(select(AuditEvent.action)
                                 .where(AuditEvent.target_id == person.id)).all()
    assert "account.signed_out_elsewhere" in actions


def test_sign_out_everywhere_else_needs_a_signed_in_person(client):
    response = client.post("/settings/sign-out-everywhere")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
