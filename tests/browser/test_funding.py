"""Funding in the browser: a product owner pledges to an approved need on its page by keyboard
alone, is refused a negative amount in place, and confirms the pledge; the panel is swapped by
htmx, announced, and checked with axe-core in each state; the project's funding page too."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

BALLERUP = "po@ballerup.example"
LEAD = "lead@nordlys.example"
NEED = "Økonomioverblik pr. forvaltning"


def test_pledging_on_the_need_page_by_keyboard(page, make):
    key = make.project({BALLERUP: ["product_owner"], LEAD: ["delivery_lead"]})
    number = make.need(key, NEED, BALLERUP, statuses=["in_discovery", "ready"])
    make.estimate(key, number, LEAD, "80000", "100000")
    sign_in(page, BALLERUP)
    page.goto(f"/p/{key}/needs/{number}")
    funding = page.locator("#funding")
    expect(funding).to_contain_text("Medfinansiering søges")
    expect(funding).to_contain_text("Mangler 100.000,00 kr.")
    axe_check(page, "need page with its funding")
    page.evaluate("window.__samePage = true")

    amount = page.get_by_label("Beløb (kr.)")
    amount.focus()
    page.keyboard.type("-5")
    page.keyboard.press("Enter")
    expect(funding.locator(".errors")).to_have_text("Beløbet skal være større end nul.")
    expect(page.get_by_label("Beløb (kr.)")).to_be_focused()
    axe_check(page, "a refused pledge")

    page.keyboard.press("Control+A")
    page.keyboard.type("25.000,00")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Bemærkning (valgfrit)")).to_be_focused()
    page.keyboard.type("Fra digitaliseringspuljen.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Giv tilsagnet", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#announcer")).to_have_text(
        "Ballerup Kommune har givet tilsagn om 25.000,00 kr. til behovet.")
    expect(funding).to_contain_text("Mangler 75.000,00 kr.")
    expect(funding).to_contain_text("Fra digitaliseringspuljen.")
    expect(page.get_by_role("heading", name="Finansiering")).to_be_focused()
    axe_check(page, "after pledging")

    confirm = page.get_by_role("button", name="Bekræft tilsagnet fra Ballerup Kommune")
    confirm.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#announcer")).to_have_text("Tilsagnet er bekræftet.")
    expect(funding.locator(".pledge")).to_contain_text("Bekræftet")
    expect(page.get_by_role("button", name=re.compile("Bekræft tilsagnet"))).to_have_count(0)
    assert page.evaluate("window.__samePage") is True  # htmx swapped; no reload
    axe_check(page, "after confirming")

    page.get_by_role("link", name="Projektets finansiering og regnskab").click()
    expect(page.get_by_role("heading", name="Finansiering", exact=True)).to_be_visible()
    expect(page.locator("#ledger")).to_contain_text("25.000,00 kr.")
    axe_check(page, "the project's funding page")
