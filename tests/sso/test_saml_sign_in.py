"""Signing in through a real SAML 2.0 identity provider (pysaml2's, tests/sso/saml_idp.py, with
its own keys) with the test client: signed AuthnRequests, the POST binding, the assertion's
checks (signature, audience, validity, InResponseTo, replay), the organisation binding as for
OpenID Connect, single logout and accepting an invitation."""
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.sso.models import Identity
from tests.sso.fixtures import path_of, through_saml_idp


def _signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def _refusals(db) -> list[str]:
    return [e.details["reason"] for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.sso_refused")
        .order_by(AuditEvent.id))]


@pytest.fixture
def ballerup(factory, db):
    org = factory.municipality("Ballerup Kommune", 151)
    org.cvr = "58271713"
    db.session.commit()
    return org


def test_the_metadata_is_xml_with_our_signing_certificate(client, kombit):
    from saml2.md import entity_descriptor_from_string

    response = client.get("/login/sso/kombit/metadata")
    assert response.status_code == 200
    assert response.content_type == "application/samlmetadata+xml"
    descriptor = entity_descriptor_from_string(response.get_data(as_text=True))
    assert descriptor.entity_id == "http://127.0.0.1:5000/login/sso/kombit/metadata"
    sp = descriptor.spsso_descriptor[0]
    assert sp.authn_requests_signed == "true" and sp.want_assertions_signed == "true"
    assert sp.assertion_consumer_service[0].location == (
        "http://127.0.0.1:5000/login/sso/kombit/acs")
    uses = {k.use for k in sp.key_descriptor}
    assert uses == {"signing", "encryption"}
    assert all(k.key_info.x509_data[0].x509_certificate.text.strip() for k in sp.key_descriptor)


def test_the_metadata_of_an_oidc_provider_or_an_unknown_key_is_not_found(client, kommune):
    assert client.get("/login/sso/kommune/metadata").status_code == 404
    assert client.get("/login/sso/nobody/metadata").status_code == 404


def test_the_authn_request_is_signed_with_sha256(client, kombit, saml_idp):
    response = client.get("/login/sso/kombit")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
    assert query["Signature"][0]
    through_saml_idp(response.headers["Location"], "anne")  # the IdP verified the signature
    assert saml_idp.signed_requests == [True]


def test_a_good_assertion_signs_in_a_new_user_of_the_cvr_organisation(
        client, db, kombit, ballerup, saml_sign_in):
    response = saml_sign_in("anne", next_url="/settings")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == "/settings"
    user = db.session.scalar(select(User).where(User.email == "anne@ballerup.example"))
    assert user.organisation_id == ballerup.id and user.name == "Anne Andersen"
    identity = db.session.scalar(select(Identity))
    assert (identity.provider, identity.subject, identity.user_id) == (
        "kombit", "anne-persistent", user.id)
    assert _signed_in(client)
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "account.signed_in_sso"))
    assert event.details == {"provider": "kombit", "assurance": "Substantial"}
    client.post("/logout")
    assert saml_sign_in("anne").status_code == 303
    assert len(db.session.scalars(select(User)).all()) == 1


def test_kombits_cvr_attribute_is_read_too(client, db, factory, kombit, saml_sign_in):
    nordlys = factory.vendor("Nordlys Software ApS")
    nordlys.cvr = "31000009"
    db.session.commit()
    assert saml_sign_in("bo").status_code == 303
    assert db.session.scalar(select(User)).organisation_id == nordlys.id


def test_an_unsigned_assertion_is_refused(client, db, kombit, ballerup, saml_idp,
                                          saml_sign_in):
    saml_idp.options["sign_assertion"] = False
    response = saml_sign_in("anne")
    assert response.status_code == 400
    assert "could not be verified" in response.get_data(as_text=True)
    assert not _signed_in(client) and db.session.scalar(select(User)) is None
    assert _refusals(db) == ["bad_signature"]


def test_an_assertion_for_another_audience_is_refused(client, db, kombit, ballerup, saml_idp,
                                                      saml_sign_in):
    saml_idp.trust(saml_idp_other_sp_metadata(client))
    saml_idp.options["audience"] = "https://other.example/sp"
    response = saml_sign_in("anne")
    assert response.status_code == 400
    assert not _signed_in(client)
    assert _refusals(db) == ["wrong_audience"]


def saml_idp_other_sp_metadata(client) -> str:
    metadata = client.get("/login/sso/kombit/metadata").get_data(as_text=True)
    return metadata.replace("http://127.0.0.1:5000/login/sso/kombit/metadata",
                            "https://other.example/sp")


def test_an_expired_assertion_is_refused(app, client, db, kombit, ballerup, saml_sign_in,
                                         monkeypatch):
    # Our clock two hours ahead of the provider's: its 15-minute assertion has expired.
    monkeypatch.setitem(app.config, "SSO_CLOCK_SKEW_SECONDS", -7200)
    response = saml_sign_in("anne", lang="da")
    assert response.status_code == 400
    assert "Du er ikke logget ind" in response.get_data(as_text=True)
    assert not _signed_in(client)
    assert _refusals(db) == ["expired_token"]


def test_a_replayed_response_is_refused(client, db, kombit, ballerup, saml_sign_in):
    start = client.get("/login/sso/kombit")
    acs, fields = through_saml_idp(start.headers["Location"], "anne")
    requests_cookie = client.get_cookie("samspil_saml_requests", path="/login/sso/")
    assert client.post(path_of(acs), data=fields).status_code == 303
    client.post("/logout")
    # The same response again, even with the requests cookie as it was before its use.
    client.set_cookie("samspil_saml_requests", requests_cookie.value, path="/login/sso/")
    replayed = client.post(path_of(acs), data=fields, headers={"Accept-Language": "en"})
    assert replayed.status_code == 400
    assert "has been used already" in replayed.get_data(as_text=True)
    assert not _signed_in(client)
    assert _refusals(db) == ["replayed"]


def test_a_response_to_a_request_never_made_is_refused(client, db, kombit, ballerup,
                                                       saml_idp, saml_sign_in):
    saml_idp.options["in_response_to"] = "id-never-asked-for"
    response = saml_sign_in("anne")
    assert response.status_code == 400
    assert not _signed_in(client)
    assert _refusals(db) == ["bad_state"]


def test_a_response_in_another_browser_is_refused(app, client, db, kombit, ballerup):
    start = client.get("/login/sso/kombit")
    acs, fields = through_saml_idp(start.headers["Location"], "anne")
    other = app.test_client()
    response = other.post(path_of(acs), data=fields)
    assert response.status_code == 400
    with other.session_transaction() as session:
        assert "_user_id" not in session
    assert _refusals(db) == ["bad_state"]


def test_an_unknown_cvr_is_refused(client, db, kombit, ballerup, saml_sign_in):
    response = saml_sign_in("ukendt")
    assert response.status_code == 403
    assert "does not take part in Samspil" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None and not _signed_in(client)
    assert _refusals(db) == ["unknown_organisation"]


@pytest.mark.parametrize("data", [
    {}, {"SAMLResponse": ""}, {"SAMLResponse": "not base64 %%%"},
    {"SAMLResponse": "PHNhbWw+"}, {"SAMLResponse": "x" * 600_000},
])
def test_hostile_posts_never_sign_in_or_fail(client, db, kombit, data):
    client.get("/login/sso/kombit")  # a request outstanding, so the response itself is read
    response = client.post("/login/sso/kombit/acs", data=data)
    assert response.status_code == 400
    assert not _signed_in(client)


def test_single_logout_round_trip(client, db, kombit, ballerup, saml_idp, saml_sign_in):
    saml_sign_in("anne")
    page = client.get("/logout", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sign out of Samspil and Log ind med KOMBIT" in page
    leave = client.post("/login/sso/kombit/logout", headers={"Accept-Language": "en"})
    assert leave.status_code == 200 and not _signed_in(client)
    assert "You are signed out of Samspil" in leave.text
    slo = re.search(r'href="([^"]+)"[^>]*>Sign out of Log ind med KOMBIT', leave.text).group(1)
    assert html.unescape(slo).startswith(saml_idp.base + "/slo?")
    back = requests.get(html.unescape(slo), allow_redirects=False, timeout=10)
    assert saml_idp.logout_requests[0].name_id.text == "anne-persistent"
    done = client.get(path_of(back.headers["Location"]), headers={"Accept-Language": "en"})
    assert done.status_code == 303
    login = client.get(done.headers["Location"], headers={"Accept-Language": "en"})
    assert "You are signed out of Samspil and of Log ind med KOMBIT." in login.text
    # The old session does not come back (its nonce changed).
    assert client.get("/settings").status_code in (302, 303)


def test_an_unconfirmed_logout_still_ends_the_session(client, db, kombit, ballerup,
                                                      saml_sign_in):
    saml_sign_in("anne")
    client.post("/login/sso/kombit/logout")
    assert not _signed_in(client)
    done = client.get("/login/sso/kombit/sls?SAMLResponse=forged",
                      headers={"Accept-Language": "en"})
    login = client.get(done.headers["Location"], headers={"Accept-Language": "en"})
    assert "did not confirm" in login.text


def test_the_metadata_can_be_read_from_its_address(client, db, kombit, ballerup, saml_idp,
                                                   saml_sign_in):
    kombit.idp_metadata = ""
    kombit.idp_metadata_url = saml_idp.base + "/metadata"
    db.session.commit()
    assert saml_sign_in("anne").status_code == 303
    assert _signed_in(client)


def test_unreachable_metadata_is_a_clear_refusal(client, db, kombit):
    kombit.idp_metadata = ""
    kombit.idp_metadata_url = "http://127.0.0.1:9/metadata"
    db.session.commit()
    response = client.get("/login/sso/kombit", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "could not be reached just now" in response.text
    assert _refusals(db) == ["provider_unreachable"]


def test_an_existing_account_is_linked_only_after_its_password(client, db, factory, kombit,
                                                               ballerup, saml_sign_in):
    from tests.conftest import PASSWORD

    pia = factory.user(ballerup, email="po@ballerup.example", name="Pia Olsen")
    db.session.commit()
    response = saml_sign_in("po")
    assert response.headers["Location"] == "/login/sso/link"
    assert not _signed_in(client) and db.session.scalar(select(Identity)) is None
    assert client.post("/login/sso/link", data={"password": PASSWORD}).status_code == 303
    assert db.session.scalar(select(Identity)).user_id == pia.id


def test_site_administrators_add_a_saml_provider(client, db, factory, ballerup, login,
                                                 saml_idp):
    admin = factory.user(ballerup, is_site_admin=True)
    db.session.commit()
    login(admin)
    fields = {"key": "kombit", "display_name": "Log ind med KOMBIT", "protocol": "saml",
              "issuer": saml_idp.entity_id, "idp_metadata": saml_idp.metadata,
              "claim_email": "email", "claim_name": "name", "claim_cvr": "nemlogin.cvr",
              "claim_municipality": "municipality_code", "scopes": "openid",
              "is_enabled": "y"}
    for bad, message in [
        ({"idp_metadata": "<not xml"}, "This is not XML metadata."),
        ({"idp_metadata": "", "idp_metadata_url": ""}, "Paste the identity provider"),
        ({"issuer": "https://other.example/idp"}, "does not describe the entity id"),
    ]:
        refused = client.post("/admin/sign-in", data={**fields, **bad},
                              headers={"Accept-Language": "en"})
        assert refused.status_code == 422 and message in refused.text
    assert client.post("/admin/sign-in", data=fields).status_code == 303
    from app.sso.models import SignInProvider

    row = db.session.scalar(select(SignInProvider))
    # The OpenID Connect defaults became the OIOSAML 3 attribute names.
    assert row.claim_cvr == ("https://data.gov.dk/model/core/eid/professional/cvr "
                             "dk:gov:saml:attribute:CvrNumberIdentifier")
    assert row.claim_loa.startswith("https://data.gov.dk/concept/core/nsis/loa")
    page = client.get(f"/admin/sign-in/{row.id}", headers={"Accept-Language": "en"}).text
    assert "/login/sso/kombit/metadata" in page


def test_a_saml_provider_from_the_file(app, client, db, tmp_path, monkeypatch, saml_idp):
    import json

    path = tmp_path / "providers.json"
    path.write_text(json.dumps({"providers": [{
        "key": "kombit", "display_name": "Log ind med KOMBIT", "protocol": "saml",
        "issuer": saml_idp.entity_id, "idp_metadata_url": saml_idp.base + "/metadata"}]}))
    monkeypatch.setitem(app.config, "SSO_PROVIDERS_FILE", str(path))
    assert "Log ind med KOMBIT" in client.get("/login").text
    assert client.get("/login/sso/kombit/metadata").status_code == 200
    assert client.get("/login/sso/kombit").status_code == 303


def test_an_assertion_encrypted_for_us_is_accepted(client, db, kombit, ballerup, saml_idp,
                                                   saml_sign_in):
    # OIOSAML 3 identity providers encrypt assertions with the certificate in our metadata.
    saml_idp.options["encrypt_assertion"] = True
    response = saml_sign_in("anne")
    assert response.status_code == 303, response.text
    assert "EncryptedAssertion" in saml_idp.last_response_xml
    assert db.session.scalar(select(Identity)).subject == "anne-persistent"


def test_the_identity_provider_ends_our_session(client, db, kombit, ballerup, saml_idp,
                                                saml_sign_in):
    from tests.sso.saml_idp import logout_request_url

    saml_sign_in("anne")
    sp = "http://127.0.0.1:5000/login/sso/kombit/metadata"
    # Unsigned: refused, still signed in.
    forged = client.get(path_of(logout_request_url(saml_idp, sp, "anne", sign=False)),
                        headers={"Accept-Language": "en"})
    assert forged.status_code == 400 and "could not be verified" in forged.text
    assert _signed_in(client)
    # Another person's session at the identity provider: answered, ours stays.
    other = client.get(path_of(logout_request_url(saml_idp, sp, "bo")))
    assert other.status_code == 303 and _signed_in(client)
    done = client.get(path_of(logout_request_url(saml_idp, sp, "anne")))
    assert done.status_code == 303
    assert done.headers["Location"].startswith(saml_idp.base + "/slo?SAMLResponse=")
    assert not _signed_in(client)


def test_without_xmlsec1_the_metadata_and_sign_in_say_so(client, db, kombit, monkeypatch):
    import shutil

    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "xmlsec1"
                        else real_which(name))
    assert client.get("/login/sso/kombit/metadata").status_code == 503
    assert client.get("/login/sso/kombit").status_code == 400
