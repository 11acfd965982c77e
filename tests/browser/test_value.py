"""Benefit realisation in the browser: a product owner finds her municipality's due follow-up
on the value page, is told what is missing, records the realised value against the expected
one, and the report shows it — checked with axe-core."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

BALLERUP = "po@ballerup.example"
STEERING = "styregruppe@kobenhavn.example"
TITLE = "Påmindelse før kontrakter udløber"


def test_a_product_owner_records_the_realised_value(page, make):
    key = make.project({BALLERUP: ["product_owner"], STEERING: ["steering"]})
    make.delivered_need(key, TITLE, BALLERUP, days_ago=120,
                        expected_value="Ingen utilsigtede forlængelser.")
    sign_in(page, BALLERUP)
    page.goto(f"/p/{key}/value")
    expect(page.get_by_role("heading", level=1, name="Gevinster for kommunerne")).to_be_visible()
    expect(page.get_by_role("link", name="Hent som CSV")).to_be_visible()
    axe_check(page, "value report")

    page.locator(".value-waiting").get_by_role("link", name=re.compile(TITLE)).click()
    expect(page.get_by_text("Ingen utilsigtede forlængelser.")).to_be_visible()
    axe_check(page, "follow-up form")
    page.get_by_label("Målt tal (valgfrit)").fill("2,5")
    save = page.get_by_role("button", name="Gem den realiserede gevinst")
    save.click()
    expect(page.get_by_text("Udfyld feltet.")).to_have_count(2)  # the text and the rating
    axe_check(page, "follow-up form invalid")
    page.get_by_role("textbox", name="Realiseret gevinst").fill(
        "Vi har opsagt to kontrakter i tide.")
    page.get_by_label("Over det forventede").check()
    save.click()
    expect(page.get_by_text("Angiv tallets enhed, fx timer pr. uge.")).to_be_visible()
    expect(page.get_by_label("Målt tal (valgfrit)")).to_have_value("2,5")
    expect(page.get_by_label("Over det forventede")).to_be_checked()
    axe_check(page, "follow-up form refused")

    page.get_by_label("Enhed (valgfrit)").fill("kontrakter genudbudt")
    page.get_by_role("button", name="Gem den realiserede gevinst").click()
    expect(page.get_by_text("Den realiserede gevinst er registreret.")).to_be_visible()
    expect(page.get_by_text("2,5 kontrakter genudbudt")).to_be_visible()
    expect(page.locator(".badge", has_text="Over det forventede")).to_be_visible()
    axe_check(page, "follow-up answered")

    page.goto(f"/p/{key}/value")
    expect(page.locator(".value-table")).to_contain_text("Vi har opsagt to kontrakter i tide.")
    expect(page.locator(".value-waiting")).to_have_count(0)
    axe_check(page, "value report answered")


def test_the_coverage_page_from_my_work(page, make):
    key = make.project({BALLERUP: ["product_owner"]})
    make.delivered_need(key, TITLE, BALLERUP, days_ago=30)
    sign_in(page, BALLERUP)
    page.goto("/my")
    page.get_by_role("link", name="Min kommunes behovsdækning").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Behovsdækning for Ballerup"))
           ).to_be_visible()
    expect(page.get_by_role("region", name="Behovsdækning pr. projekt")).to_contain_text(key)
    axe_check(page, "my coverage")
