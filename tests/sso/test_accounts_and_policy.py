"""Single sign-on and existing accounts: linking only after the password, organisations that
require single sign-on (site administrators keep a password), two-factor sign-in met by the
organisation's own sign-in, the administrators' provider page and the providers file."""
import json

import pytest
from sqlalchemy import select

from app.sso.models import Identity, SignInProvider
from tests.conftest import PASSWORD


def _signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


@pytest.fixture
def ballerup(factory, db):
    org = factory.municipality("Ballerup Kommune", 151)
    db.session.commit()
    return org


def test_an_existing_account_is_linked_only_after_its_password(client, db, factory, kommune,
                                                               ballerup, sso_sign_in):
    pia = factory.user(ballerup, email="po@ballerup.example", name="Pia Olsen")
    db.session.commit()
    response = sso_sign_in("po")
    assert response.headers["Location"] == "/login/sso/link"
    assert not _signed_in(client) and db.session.scalar(select(Identity)) is None
    page = client.get("/login/sso/link", headers={"Accept-Language": "en"})
    assert "po@ballerup.example" in page.text and "Log ind med din kommune" in page.text
    wrong = client.post("/login/sso/link", data={"password": "not-the-password"},
                        headers={"Accept-Language": "en"})
    assert wrong.status_code == 422 and "The password is not correct." in wrong.text
    assert not _signed_in(client) and db.session.scalar(select(Identity)) is None
    right = client.post("/login/sso/link", data={"password": PASSWORD})
    assert right.status_code == 303 and _signed_in(client)
    assert db.session.scalar(select(Identity)).user_id == pia.id
    # From now on the identity signs in directly.
    client.post("/logout")
    assert sso_sign_in("po").headers["Location"] == "/"
    assert _signed_in(client)


def test_must_use_sso_blocks_password_sign_in_but_not_the_site_administrators(
        client, db, factory, ballerup):
    member = factory.user(ballerup, email="member@ballerup.example")
    admin = factory.user(ballerup, email="admin@ballerup.example", is_site_admin=True)
    ballerup.requires_sso = True
    db.session.commit()
    refused = client.post("/login", data={"email": member.email, "password": PASSWORD},
                          headers={"Accept-Language": "da"})
    assert refused.status_code == 422
    assert "Din organisation kræver, at du logger ind med dens fælles login" in refused.text
    assert not _signed_in(client)
    # A wrong password does not tell that the address has an account.
    wrong = client.post("/login", data={"email": member.email, "password": "wrong-password!"},
                        headers={"Accept-Language": "en"})
    assert "Wrong e-mail or password." in wrong.text
    assert client.post("/login", data={"email": admin.email, "password": PASSWORD}
                       ).status_code == 303
    assert _signed_in(client)


def test_the_organisation_page_sets_the_policy(client, db, factory, ballerup, login):
    admin = factory.user(ballerup, is_site_admin=True)
    db.session.commit()
    login(admin)
    client.post(f"/organisations/{ballerup.id}", data={
        "name": "Ballerup Kommune", "kind": "municipality", "municipality_code": "151",
        "requires_sso": "y"})
    db.session.refresh(ballerup)
    assert ballerup.requires_sso


def test_sso_counts_as_the_strong_sign_in_two_factor_requires(client, db, kommune, ballerup,
                                                               sso_sign_in):
    ballerup.requires_two_factor = True
    db.session.commit()
    assert sso_sign_in("anne").status_code == 303
    assert client.get("/settings").status_code == 200  # not sent to enrol first


def test_site_administrators_add_and_change_providers_and_the_secret_is_never_shown(
        client, db, factory, ballerup, login):
    admin = factory.user(ballerup, is_site_admin=True)
    db.session.commit()
    login(admin)
    fields = {"key": "entra", "display_name": "Log ind med Entra ID", "protocol": "oidc",
              "issuer": "https://login.example.dk/tenant/v2.0", "client_id": "abc",
              "client_secret": "s3cret-value", "scopes": "openid email profile",
              "claim_email": "email", "claim_name": "name", "claim_cvr": "",
              "claim_municipality": "", "is_enabled": "y"}
    assert client.post("/admin/sign-in", data=fields).status_code == 303
    row = db.session.scalar(select(SignInProvider))
    assert row.client_secret == "s3cret-value"
    page = client.get(f"/admin/sign-in/{row.id}", headers={"Accept-Language": "en"})
    assert "s3cret-value" not in page.text and "A client secret is saved." in page.text
    # Saved again without a secret: the secret stays; disabled: no button on /login.
    client.post(f"/admin/sign-in/{row.id}", data={**fields, "client_secret": "",
                                                   "is_enabled": ""})
    db.session.refresh(row)
    assert row.client_secret == "s3cret-value" and not row.is_enabled
    client.post("/logout")
    assert "/login/sso/entra" not in client.get("/login").text
    # A key already taken, and an issuer that is no address, are refused beside the field.
    login(admin)
    again = client.post("/admin/sign-in", data={**fields, "issuer": "not an address"})
    assert again.status_code == 422


def test_providers_from_the_file(app, client, db, tmp_path, monkeypatch):
    path = tmp_path / "providers.json"
    path.write_text(json.dumps({"providers": [{
        "key": "mitid-erhverv", "display_name": "Log ind med MitID Erhverv",
        "issuer": "https://broker.example.dk", "client_id": "samspil"}]}))
    monkeypatch.setitem(app.config, "SSO_PROVIDERS_FILE", str(path))
    assert "Log ind med MitID Erhverv" in client.get("/login").text
