"""Requirement discovery in the browser: searching needs, co-sponsoring and withdrawing in
place with htmx, the discovery log (each on needs of the test's own project), and the demo's
public roadmap — each state checked with axe-core."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

ROSKILDE = "fag@roskilde.example"
BALLERUP = "po@ballerup.example"
KLE_NEED = "Systemer klassificeret efter KLE og FORM"
KITOS_NEED = "Import af systemer og kontrakter fra Kitos"
DPA_NEED = "Databehandleraftaler hentet fra Kitos"


def test_active_search_updates_the_list_and_the_address(page, make):
    key = make.project({ROSKILDE: ["contributor"], BALLERUP: ["product_owner"]})
    make.need(key, KITOS_NEED, BALLERUP, statuses=["in_discovery", "ready", "planned"])
    make.need(key, KLE_NEED, BALLERUP)
    make.need(key, DPA_NEED, BALLERUP)
    sign_in(page, ROSKILDE)
    page.goto(f"/p/{key}/needs")
    expect(page.get_by_role("heading", name="Behov", exact=True)).to_be_visible()
    axe_check(page, "needs list")
    page.evaluate("window.__samePage = true")
    page.get_by_label("Søg", exact=True).fill("Kitos")
    expect(page.get_by_role("link", name=KITOS_NEED)).to_be_visible()
    expect(page.get_by_role("link", name=KLE_NEED)).to_have_count(0)
    expect(page.locator("#needs-results")).to_contain_text("2 behov")
    expect(page).to_have_url(re.compile(r"q=Kitos"))
    page.get_by_label("Status").select_option("planned")
    expect(page.locator("#needs-results")).to_contain_text("1 behov")
    expect(page.get_by_role("link", name=DPA_NEED)).to_have_count(0)
    expect(page.get_by_role("link", name=KITOS_NEED)).to_be_visible()
    assert page.evaluate("window.__samePage") is True  # htmx swapped; no reload
    axe_check(page, "needs list, filtered")


def test_co_sponsoring_and_withdrawing_in_place(page, make):
    key = make.project({ROSKILDE: ["contributor"], BALLERUP: ["product_owner"]})
    make.need(key, KLE_NEED, BALLERUP)  # Ballerup's; nobody backs it yet
    sign_in(page, ROSKILDE)
    page.goto(f"/p/{key}/needs")
    page.get_by_role("link", name=KLE_NEED).click()
    expect(page.get_by_role("heading", name=re.compile(KLE_NEED))).to_be_visible()
    axe_check(page, "need page")
    page.evaluate("window.__samePage = true")
    cosponsors = page.locator("#cosponsors")

    page.get_by_role("button", name="Støt på vegne af Roskilde Kommune").click()
    note = page.get_by_label("Bemærkning (valgfrit)")
    expect(note).to_be_focused()
    axe_check(page, "co-sponsor form open")
    note.fill("Roskilde bruger KLE i hele organisationen.")
    page.get_by_label("Vi vil gerne være testkommune").check()
    page.get_by_role("button", name="Støt på vegne af Roskilde Kommune").click()

    expect(page.locator("#announcer")).to_have_text("Roskilde Kommune støtter nu behovet.")
    expect(cosponsors).to_contain_text("Roskilde bruger KLE i hele organisationen.")
    expect(cosponsors).to_contain_text("Testkommune")
    expect(cosponsors.get_by_role("heading")).to_contain_text("(1)")
    expect(page.get_by_role("heading", name=re.compile("Medstøttende kommuner"))).to_be_focused()
    axe_check(page, "after co-sponsoring")

    page.get_by_role("button", name="Træk støtten fra Roskilde Kommune tilbage").click()
    expect(page.locator("#announcer")).to_have_text(
        "Roskilde Kommune støtter ikke længere behovet.")
    expect(cosponsors).to_contain_text("Ingen andre kommuner støtter behovet endnu.")
    expect(page.get_by_role("button", name="Støt på vegne af Roskilde Kommune")).to_be_visible()
    assert page.evaluate("window.__samePage") is True
    axe_check(page, "after withdrawing")


def test_the_discovery_log_and_a_refused_status_change(page, make):
    key = make.project({BALLERUP: ["product_owner", "secretariat"]})
    make.need(key, KLE_NEED, BALLERUP)
    sign_in(page, BALLERUP)
    page.goto(f"/p/{key}/needs")
    page.get_by_role("link", name=KLE_NEED).click()
    log = page.locator("#discovery-log")
    page.get_by_role("button", name="Tilføj til loggen").click()  # empty: refused in place
    expect(log.locator("#body-errors")).to_have_text("Udfyld feltet.")
    expect(page.get_by_label("Notat", exact=True)).to_be_focused()
    axe_check(page, "discovery log with an error")
    page.get_by_label("Type").select_option("workshop")
    page.get_by_label("Notat", exact=True).fill("Workshop: **KLE** på emneniveau er nok.")
    page.get_by_role("button", name="Tilføj til loggen").click()
    expect(page.locator("#announcer")).to_have_text("Notatet er føjet til afdækningsloggen.")
    expect(log.locator("strong", has_text="KLE")).to_be_visible()

    page.get_by_label("Ny status").select_option("declined")
    page.get_by_role("button", name="Skift status").click()
    expect(page.get_by_text("Giv en begrundelse for beslutningen")).to_be_visible()
    axe_check(page, "status change refused")


def test_the_public_roadmap_needs_no_login(page):
    response = page.goto("/roadmap/OVB")
    assert response.status == 200
    expect(page.get_by_role("heading", name="Overblik – offentlig køreplan")).to_be_visible()
    expect(page.get_by_role("heading", name="Leveret", exact=True)).to_be_visible()
    expect(page.get_by_text("Mette Kjær")).to_have_count(0)
    axe_check(page, "public roadmap")
    assert page.goto("/roadmap/BOOK").status == 404
