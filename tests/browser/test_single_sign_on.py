"""Single sign-on in a real browser: a municipality's employee presses "Log ind med din
kommune" on the sign-in page, signs in at the real OpenID provider (tests/sso/provider.mjs)
and comes back signed in to Samspil, created in the organisation the provider vouches for."""


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
    assert page.get_by_role("heading", name="Mine projekter").is_visible()
    page.get_by_role("button", name="Log ud", exact=True).click()
    assert page.get_by_role("link", name="Log ind med din kommune").is_visible()
