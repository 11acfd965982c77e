"""Signing in through a real OpenID provider (tests/sso/provider.mjs) with the test client:
the authorization code flow with PKCE, the ID token's checks, the organisation binding and
every refusal (a page in the person's language, 400/403, no session, audited)."""
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.sso.models import Identity
from tests.sso.fixtures import forget_keys, path_of, rotate_keys, through_provider


def _signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def _audit(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


@pytest.fixture
def ballerup(factory, db):
    org = factory.municipality("Ballerup Kommune", 151)
    db.session.commit()
    return org


def test_login_page_shows_a_button_per_enabled_provider(client, kommune):
    page = client.get("/login", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Log ind med din kommune" in page
    assert 'href="/login/sso/kommune"' in page


def test_the_request_uses_pkce_state_and_nonce(client, kommune):
    response = client.get("/login/sso/kommune")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://127.0.0.1:5000/login/sso/kommune/callback"]


def test_first_sign_in_creates_the_user_in_the_asserted_organisation(
        client, db, kommune, ballerup, sso_sign_in):
    response = sso_sign_in("anne", next_url="/settings")
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings"
    user = db.session.scalar(select(User).where(User.email == "anne@ballerup.example"))
    assert user.organisation_id == ballerup.id
    assert user.name == "Anne Andersen"
    assert user.password_hash is None
    identity = db.session.scalar(select(Identity))
    assert (identity.provider, identity.subject, identity.user_id) == ("kommune", "anne",
                                                                       user.id)
    assert _signed_in(client)
    assert client.get("/settings").status_code == 200
    assert [e.details["provider"] for e in _audit(db, "account.signed_in_sso")] == ["kommune"]
    assert len(_audit(db, "identity.linked")) == 1

    # Signed out and in again: the same identity, no new account.
    client.post("/logout")
    assert sso_sign_in("anne").status_code == 303
    assert db.session.scalar(select(Identity)).user_id == user.id
    assert len(db.session.scalars(select(User)).all()) == 1


def test_a_user_without_a_password_cannot_sign_in_with_one(client, db, kommune, ballerup,
                                                           sso_sign_in):
    sso_sign_in("anne")
    client.post("/logout")
    response = client.post("/login", data={"email": "anne@ballerup.example", "password": ""})
    assert response.status_code == 422
    assert not _signed_in(client)


def test_the_state_is_single_use(client, db, kommune, ballerup):
    start = client.get("/login/sso/kommune")
    callback = path_of(through_provider(start.headers["Location"], "anne"))
    assert client.get(callback).status_code == 303
    client.post("/logout")
    replayed = client.get(callback, headers={"Accept-Language": "en"})
    assert replayed.status_code == 400
    assert "has been used already" in replayed.get_data(as_text=True)
    assert not _signed_in(client)
    assert [e.details["reason"] for e in _audit(db, "account.sso_refused")] == ["bad_state"]


def test_a_state_never_started_here_is_refused(client, db, kommune):
    response = client.get("/login/sso/kommune/callback?code=abc&state=forged",
                          headers={"Accept-Language": "da"})
    assert response.status_code == 400
    assert "Du er ikke logget ind" in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_an_unknown_organisation_is_refused(client, db, kommune, ballerup, sso_sign_in):
    response = sso_sign_in("ukendt")
    assert response.status_code == 403
    assert "does not take part in Samspil" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None
    assert not _signed_in(client)
    assert _audit(db, "account.sso_refused")[0].details["reason"] == "unknown_organisation"


def test_a_deactivated_user_is_refused(client, db, kommune, ballerup, sso_sign_in):
    sso_sign_in("anne")
    client.post("/logout")
    user = db.session.scalar(select(User))
    user.is_active = False
    db.session.commit()
    response = sso_sign_in("anne")
    assert response.status_code == 403
    assert "deactivated" in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_the_provider_error_parameter_is_refused(client, db, kommune):
    start = client.get("/login/sso/kommune")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    response = client.get(f"/login/sso/kommune/callback?state={state}&error=access_denied")
    assert response.status_code == 400
    assert not _signed_in(client)
    assert _audit(db, "account.sso_refused")[0].details["reason"] == "provider_error"


def test_a_rotated_key_is_fetched_once_and_accepted(client, db, kommune, ballerup, oidc_issuer,
                                                    sso_sign_in):
    assert sso_sign_in("anne").status_code == 303  # the keys are cached now
    client.post("/logout")
    rotate_keys(oidc_issuer)
    assert sso_sign_in("anne").status_code == 303
    assert _signed_in(client)


def test_a_signature_by_an_unpublished_key_is_refused(client, db, kommune, ballerup,
                                                      oidc_issuer, sso_sign_in):
    forget_keys(oidc_issuer)
    try:
        response = sso_sign_in("anne")
    finally:
        rotate_keys(oidc_issuer)
    assert response.status_code == 400
    assert not _signed_in(client)
    assert _audit(db, "account.sso_refused")[0].details["reason"] == "bad_signature"


def test_a_token_for_another_audience_is_refused(client, db, kommune, ballerup, sso_sign_in):
    # Samspil expects tokens for a client id the provider did not issue this one to.
    kommune.client_id = "samspil"
    db.session.commit()
    from app.sso import oidc

    original = oidc.validate_id_token

    def other_audience(provider, id_token, nonce):
        return original(provider.__class__(**{**provider.__dict__, "client_id": "other-app"}),
                        id_token, nonce)

    oidc.validate_id_token = other_audience
    try:
        response = sso_sign_in("anne")
    finally:
        oidc.validate_id_token = original
    assert response.status_code == 400
    assert not _signed_in(client)
    assert _audit(db, "account.sso_refused")[0].details["reason"] == "wrong_audience"


def test_an_expired_token_is_refused(app, client, db, kommune, ballerup, sso_sign_in,
                                     monkeypatch):
    # Our clock two hours ahead of the provider's: its one-hour token has expired.
    monkeypatch.setitem(app.config, "SSO_CLOCK_SKEW_SECONDS", -7200)
    response = sso_sign_in("anne")
    assert response.status_code == 400
    assert "had expired" in response.get_data(as_text=True)
    assert not _signed_in(client)
    assert _audit(db, "account.sso_refused")[0].details["reason"] == "expired_token"


@pytest.mark.parametrize("query", [
    "", "?state=", "?code=x", "?code=%00&state=%ff", "?state[]=a&code[]=b",
    "?error=" + "x" * 5000, "?code=" + "a" * 5000 + "&state=zz",
])
def test_hostile_callbacks_never_sign_in_or_fail(client, db, kommune, query):
    response = client.get("/login/sso/kommune/callback" + query)
    assert response.status_code == 400
    assert not _signed_in(client)


def test_an_unknown_or_disabled_provider_is_not_found(client, db, kommune):
    assert client.get("/login/sso/nobody").status_code == 404
    kommune.is_enabled = False
    db.session.commit()
    assert client.get("/login/sso/kommune").status_code == 404
    assert "Log ind med din kommune" not in client.get("/login").get_data(as_text=True)
