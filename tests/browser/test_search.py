"""Search in the browser: the header's search field, results with highlights, narrowing the
results in place as one types, and a key that opens its item — checked with axe-core."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

ROSKILDE = "fag@roskilde.example"
ODENSE = "po@odense.example"


def test_the_header_search_finds_what_i_may_see(page, make):
    key = make.project({ROSKILDE: ["contributor"]})
    number = make.item(key, "Beredskabsplan for serverrummet", ROSKILDE,
                       description="Nødstrøm og <b>kølesystem</b> skal testes.")
    make.need(key, "Fælles beredskabsplaner", ROSKILDE)
    other = make.project({ODENSE: ["product_owner"]})
    make.item(other, "Odenses egen beredskabsplan", ODENSE)
    sign_in(page, ROSKILDE)
    page.goto("/")
    page.get_by_label("Søg efter").first.fill("beredskabsplaner")
    page.get_by_label("Søg efter").first.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=beredskabsplaner"))
    results = page.locator("#search-results")
    expect(results).to_contain_text("2 resultater")
    expect(results.get_by_role("link", name="Beredskabsplan for serverrummet")).to_be_visible()
    expect(results.get_by_role("link", name="Fælles beredskabsplaner")).to_be_visible()
    expect(results).not_to_contain_text("Odense")
    axe_check(page, "search results")

    page.evaluate("window.__samePage = true")
    page.locator("#search-q").fill("kølesystem")
    expect(results).to_contain_text("1 resultat")
    expect(results.locator("mark")).to_have_text("kølesystem")
    expect(page).to_have_url(re.compile(r"q=k%C3%B8lesystem"))
    assert page.evaluate("window.__samePage") is True
    page.locator("#search-kind").select_option("need")
    expect(results).to_contain_text("0 resultater")
    axe_check(page, "search, nothing found")

    page.get_by_label("Søg efter").first.fill(f"{key}-{number}")
    page.get_by_label("Søg efter").first.press("Enter")
    expect(page).to_have_url(re.compile(rf"/p/{key}/items/{number}$"))
