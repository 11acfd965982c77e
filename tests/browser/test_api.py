"""Personal access tokens in a real browser: a developer makes a token under Settings, sees it
once, a program uses it against the API, and after revoking it the API refuses it; the API's
description page and the tokens page pass axe."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in


def test_make_use_and_revoke_a_token(page):
    sign_in(page, "dev@nordlys.example")
    page.goto("/settings")
    page.get_by_role("link", name="Administrér personlige adgangstokens").click()
    page.get_by_label("Navn").fill("CI hos Nordlys")
    page.get_by_label(re.compile(r"^OVB")).check()
    page.get_by_label("Må også ændre (oprette, redigere, flytte, kommentere)").check()
    page.get_by_role("button", name="Lav tokenet").click()
    token = page.locator("[data-token]").inner_text()
    assert token.startswith("smp_")
    axe_check(page, "a new token")
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "da"}
    answer = page.request.get("/api/v1/projects", headers=headers)
    assert answer.status == 200 and [p["key"] for p in answer.json()["data"]] == ["OVB"]
    page.goto("/settings/tokens")
    assert token not in page.content()
    page.get_by_role("button", name="Tilbagekald CI hos Nordlys").click()
    expect(page.get_by_text("Tokenet CI hos Nordlys er tilbagekaldt.")).to_be_visible()
    refused = page.request.get("/api/v1/projects", headers=headers)
    assert refused.status == 401 and refused.json()["title"] == "Ikke logget ind"


def test_the_api_description_page(page):
    page.goto("/api")
    expect(page.get_by_role("heading", name="Samspils API", exact=True)).to_be_visible()
    axe_check(page, "the API page")
