"""Two-factor sign-in (TOTP): enrolling from /settings, signing in with a code or a recovery
code, replays and wrong codes refused with a reason, turning it off, and an organisation that
requires it."""
import re
import time

import pyotp
import pytest
from sqlalchemy import select

from app.accounts.models import RecoveryCode
from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import PASSWORD
from tests.pages import shown

EN = {"Accept-Language": "en"}


def enrol(client, user) -> tuple[str, list[str]]:
    """Set up two-factor sign-in through the pages; the secret and the recovery codes."""
    page = client.post("/settings/two-factor", headers=EN, follow_redirects=True)
    assert page.status_code == 200 and "<svg" in page.text
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page.text)[1].replace(" ", "")
    done = client.post("/settings/two-factor/confirm", headers=EN,
                       data={"confirm-code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, shown(done.text)
    codes = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", done.text)
    return secret, codes


def next_code(secret: str) -> str:
    """A code of the next time-step: accepted (phones' clocks drift), and later than the one
    used for enrolment (an earlier one counts as replayed)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def password_step(client, user):
    return client.post("/login", data={"email": user.email, "password": PASSWORD}, headers=EN)


@pytest.fixture
def enrolled(world, client, login):
    user = world.users["developer"]
    login(user)
    secret, codes = enrol(client, user)
    client.post("/logout")
    return user, secret, codes


def test_enrolment_shows_a_qr_code_and_ten_recovery_codes_stored_hashed(world, client, login):
    user = world.users["developer"]
    login(user)
    secret, codes = enrol(client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_digest)
                                .where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    db.session.refresh(user)
    assert user.has_two_factor and user.totp_secret == secret
    settings = client.get("/settings/two-factor", headers=EN)
    assert "Two-factor sign-in is on" in shown(settings.text) and "<svg" not in settings.text


def test_a_wrong_confirmation_code_leaves_two_factor_off(world, client, login):
    user = world.users["developer"]
    login(user)
    client.post("/settings/two-factor")
    response = client.post("/settings/two-factor/confirm", data={"confirm-code": "12345"},
                           headers=EN)
    assert response.status_code == 422
    assert "The code has 6 digits; you entered 5." in shown(response.text)
    db.session.refresh(user)
    assert not user.has_two_factor


def test_sign_in_asks_for_the_code_and_is_not_signed_in_before(enrolled, client):
    user, secret, _codes = enrolled
    response = password_step(client, user)
    assert response.status_code == 303 and response.headers["Location"].endswith("/login/code")
    assert client.get("/settings").status_code == 302  # not signed in yet
    signed_in = client.post("/login/code", data={"code": next_code(secret)}, headers=EN)
    assert signed_in.status_code == 303
    assert client.get("/settings").status_code == 200


@pytest.mark.parametrize(("code", "message"), [
    ("12345", "The code has 6 digits; you entered 5."),
    ("1234567", "The code has 6 digits; you entered 7."),
    ("12a456", "The code is the 6 digits your authenticator app shows."),
    ("", "Enter the code."),
])
def test_a_badly_formed_code_is_refused_with_the_reason(enrolled, client, code, message):
    user, _secret, _codes = enrolled
    password_step(client, user)
    response = client.post("/login/code", data={"code": code}, headers=EN)
    assert response.status_code == 422 and message in shown(response.text)
    assert client.get("/settings").status_code == 302


def test_a_code_cannot_be_used_twice(enrolled, client, app):
    user, secret, _codes = enrolled
    code = next_code(secret)
    password_step(client, user)
    assert client.post("/login/code", data={"code": code}).status_code == 303
    client.post("/logout")
    other = app.test_client()
    password_step(other, user)
    replay = other.post("/login/code", data={"code": code}, headers=EN)
    assert replay.status_code == 422
    assert "This code has already been used." in shown(replay.text)
    assert other.get("/settings").status_code == 302
    failed = db.session.scalars(select(AuditEvent)
                                .where(AuditEvent.action == "account.two_factor_failed")).all()
    assert [e.target_id for e in failed] == [user.id]


def test_a_wrong_code_is_refused_and_recorded(enrolled, client):
    user, secret, _codes = enrolled
    password_step(client, user)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1_000_000:06d}"
    response = client.post("/login/code", data={"code": wrong}, headers=EN)
    assert response.status_code == 422 and "The code is not correct." in shown(response.text)


def test_a_recovery_code_signs_in_once(enrolled, client, app):
    user, _secret, codes = enrolled
    password_step(client, user)
    assert client.post("/login/code", data={"code": codes[3].upper()}).status_code == 303
    client.post("/logout")
    other = app.test_client()
    password_step(other, user)
    again = other.post("/login/code", data={"code": codes[3]}, headers=EN)
    assert again.status_code == 422 and "already been used" in shown(again.text)


def test_without_the_password_step_the_code_page_sends_to_login(world, client):
    response = client.post("/login/code", data={"code": "123456"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")


def test_a_pending_sign_in_expires(enrolled, client, monkeypatch):
    user, secret, _codes = enrolled
    password_step(client, user)
    later = time.time() + 301
    monkeypatch.setattr("app.accounts.sign_in.time.time", lambda: later)
    response = client.post("/login/code", data={"code": next_code(secret)})
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")


def test_turning_off_needs_a_code_or_the_password(enrolled, client, login):
    user, _secret, _codes = enrolled
    login(user)
    refused = client.post("/settings/two-factor/disable", data={"off-password": "not-it"},
                          headers=EN)
    assert refused.status_code == 422 and "The password is not correct." in shown(refused.text)
    assert client.post("/settings/two-factor/disable",
                       data={"off-password": PASSWORD}).status_code == 303
    db.session.refresh(user)
    assert not user.has_two_factor
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() \
        == []
    assert password_step(client, user).headers["Location"].endswith("/")


def test_new_recovery_codes_replace_the_old_ones(enrolled, client, login, app):
    user, _secret, codes = enrolled
    login(user)
    response = client.post("/settings/two-factor/recovery-codes",
                           data={"renew-password": PASSWORD})
    new = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", response.text)
    assert len(new) == 10 and not set(new) & set(codes)
    client.post("/logout")
    other = app.test_client()
    password_step(other, user)
    assert other.post("/login/code", data={"code": codes[0]}).status_code == 422
    assert other.post("/login/code", data={"code": new[0]}).status_code == 303


def test_an_organisation_that_requires_it_sends_its_members_to_enrol(world, client):
    user = world.users["observer"]
    user.organisation.requires_two_factor = True
    db.session.commit()
    response = password_step(client, user)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/settings/two-factor")
    blocked = client.get("/p/ALPHA/backlog")
    assert blocked.status_code == 303 and blocked.headers["Location"].endswith(
        "/settings/two-factor")
    page = client.get("/settings/two-factor", headers=EN)
    assert "requires two-factor sign-in" in shown(page.text)
    enrol(client, user)
    assert client.get("/p/ALPHA/backlog").status_code == 200
    refused = client.post("/settings/two-factor/disable", data={"off-password": PASSWORD},
                          headers=EN)
    assert refused.status_code == 409


def test_a_password_reset_does_not_skip_the_second_factor(enrolled, client, smtp):
    user, secret, _codes = enrolled
    client.post("/password/forgot", data={"email": user.email})
    [message] = smtp.to(user.email)
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://samspil\.test(/password/reset/[A-Za-z0-9_\-]+)", text)[1]
    done = client.post(link, data={"password": "a-new-and-long-secret-77"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/login/code")
    assert client.get("/settings").status_code == 302  # not signed in before the code
    signed_in = client.post("/login/code", data={"code": next_code(secret)})
    assert signed_in.status_code == 303
    assert client.get("/settings").status_code == 200
