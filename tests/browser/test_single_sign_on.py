"""Single sign-on in a real browser: a municipality's employee presses "Log ind med din
kommune" on the sign-in page, signs in at the real OpenID provider (tests/sso/provider.mjs)
and comes back signed in to Samspil, created in the organisation the provider vouches for."""
from playwright.sync_api import expect


def test_sign_in_through_the_municipality(page, live_server, _live_app, oidc_issuer, axe_check):
    from app.extensions import db
    from app.sso.settings import create_provider

    with _live_app.app_context():
        create_provider({"key": "kommune", "display_name": "Log ind med din kommune",
                         "protocol": "oidc", "issuer": oidc_issuer, "client_id": "samspil",
                         "scopes": "openid email profile professional", "claim_email": "email",
                         "claim_name": "name", "claim_cvr": "nemlogin.cvr",
                         "claim_municipality": "municipality_code", "is_enabled": True},
                        "samspil-test-secret")
        db.session.commit()
    page.goto("/login")
    axe_check(page, "sign-in page with a provider")
    page.get_by_role("link", name="Log ind med din kommune").click()
    page.locator("input[name=login]").fill("anne")
    page.locator("input[name=password]").fill("any")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: url.startswith(live_server) and "/login" not in url)
    expect(page.get_by_role("heading", name="Mine projekter")).to_be_visible()
    page.get_by_role("button", name="Log ud", exact=True).click()
    expect(page.get_by_role("link", name="Log ind med din kommune")).to_be_visible()


def test_sign_in_and_out_through_saml(page, live_server, _live_app, saml_idp, axe_check):
    """The same through the real SAML identity provider (pysaml2's, tests/sso/saml_idp.py):
    its login page, the POST binding back, and single logout on the way out."""
    import requests
    from sqlalchemy import select

    from app.extensions import db
    from app.organisations.models import Organisation
    from app.sso.settings import create_provider
    from tests.sso import saml_idp as idp_module

    with _live_app.app_context():
        ballerup = db.session.scalar(select(Organisation).where(
            Organisation.municipality_code == 151))
        ballerup.cvr = ballerup.cvr or "58271713"
        idp_module.USERS["saml-browser"] = {
            idp_module.CVR: [ballerup.cvr], idp_module.EMAIL: ["saml.browser@ballerup.example"],
            idp_module.NAME: ["Sofie SAML"]}
        create_provider({"key": "kombit", "display_name": "Log ind med KOMBIT",
                         "protocol": "saml", "issuer": saml_idp.entity_id,
                         "idp_metadata": saml_idp.metadata, "is_enabled": True}, "")
        db.session.commit()
    saml_idp.reset()
    saml_idp.trust(requests.get(f"{live_server}/login/sso/kombit/metadata", timeout=10).text)
    page.goto("/login")
    page.get_by_role("link", name="Log ind med KOMBIT").click()
    page.get_by_label("User name").fill("saml-browser")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: url.startswith(live_server) and "/login" not in url)
    expect(page.get_by_role("heading", name="Mine projekter")).to_be_visible()
    page.goto("/logout")
    axe_check(page, "sign-out page offering single logout")
    page.get_by_role("button", name="Log ud af Samspil og Log ind med KOMBIT").click()
    axe_check(page, "signed out of Samspil, on the way to the identity provider")
    page.get_by_role("link", name="Log ud af Log ind med KOMBIT").click()
    page.wait_for_url(lambda url: url.startswith(live_server) and "/login" in url)
    expect(page.get_by_text("Du er logget ud af Samspil og af Log ind med KOMBIT.")).to_be_visible()
    assert saml_idp.logout_requests[0].name_id.text == "saml-browser-persistent"
