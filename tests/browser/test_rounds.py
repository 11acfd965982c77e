"""Prioritisation rounds in the browser: a product owner scores a need and casts the
municipality's ballot with the keyboard alone, watching the running total; the results page
shows the ballot — checked with axe-core. Each test works in a project of its own."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

BALLERUP = "po@ballerup.example"
AARHUS = "po@aarhus.example"


def _project(make):
    key = make.project({BALLERUP: ["product_owner", "secretariat"],
                        AARHUS: ["product_owner"]})
    first = make.need(key, "Økonomioverblik pr. system", BALLERUP,
                      statuses=("in_discovery", "ready"))
    second = make.need(key, "Kvartalsrapport til styregruppen", AARHUS,
                       statuses=("in_discovery", "ready"))
    number = make.round(key, "Prioriteringsrunde forår", BALLERUP, [first, second])
    return key, first, second, number


def test_casting_a_ballot_by_keyboard(page, make):
    key, first, second, number = _project(make)
    sign_in(page, BALLERUP)
    page.goto(f"/p/{key}/rounds/{number}")
    expect(page.get_by_role("heading", name="Stemmeseddel for Ballerup Kommune")).to_be_visible()
    axe_check(page, "round with the ballot")
    total = page.locator("[data-ballot-total]")
    expect(total).to_have_text("0")
    page.get_by_label(re.compile(rf"#{first} Økonomioverblik")).focus()
    page.keyboard.type("70")
    page.keyboard.press("Tab")
    page.keyboard.type("40")
    expect(total).to_have_text("110")
    expect(page.get_by_text("For mange point.")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Du gav 110 point; Ballerup Kommune har 100 at give.")).to_be_visible()
    axe_check(page, "ballot refused")
    field = page.get_by_label(re.compile(rf"#{second} Kvartalsrapport"))
    field.focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("30")
    expect(total).to_have_text("100")
    expect(page.get_by_text("For mange point.")).to_be_hidden()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Afgiv stemmesedlen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Ballerup Kommunes stemmeseddel er afgivet.")).to_be_visible()
    expect(page.get_by_text("Ballerup Kommune har afgivet sin stemmeseddel:")).to_be_visible()
    axe_check(page, "ballot cast")
    page.get_by_role("link", name="Resultater", exact=True).click()
    ranking = page.locator(".results-table")
    expect(ranking.locator("tbody tr").first).to_contain_text("Økonomioverblik")
    expect(page.locator(".round-ballots")).to_contain_text("Ballerup Kommune")
    expect(page.locator(".round-ballots")).to_contain_text("Har ikke stemt endnu: Aarhus Kommune")
    axe_check(page, "results")


def test_scoring_a_need(page, make):
    key, first, _second, _number = _project(make)
    sign_in(page, AARHUS)
    page.goto(f"/p/{key}/needs/{first}")
    expect(page.locator("#scores")).to_contain_text("Ingen kommune har vurderet")
    page.get_by_role("link", name="Vurdér for Aarhus Kommune").click()
    axe_check(page, "score sheet")
    for fieldset, value in zip(page.locator("fieldset.score-scale").all(), [5, 4, 3, 3, 2, 4],
                               strict=True):
        fieldset.get_by_label(str(value), exact=True).check()
    page.get_by_role("button", name="Gem vurderingen").click()
    expect(page.get_by_text("Aarhus Kommunes vurdering er gemt.")).to_be_visible()
    expect(page.locator("#scores")).to_contain_text("Samlet vurdering: 3,5 af 5")
    axe_check(page, "need with scores")
