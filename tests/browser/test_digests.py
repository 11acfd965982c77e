"""Digests in the browser: my digest, choosing subscriptions, unsubscribing (on the test's own
project), administration."""
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in
from tests.browser.data import project_name

DEV = "dev@nordlys.example"
PO_AARHUS = "po@aarhus.example"


def test_steering_member_reads_the_next_digest(page):
    sign_in(page, "styregruppe@kobenhavn.example")
    page.goto("/p/OVB/digest")
    expect(page.get_by_role("heading", name="Min statusmail")).to_be_visible()
    expect(page.get_by_role("heading", name="Nye medlemmer")).to_be_visible()
    expect(page.get_by_text("Peter Lund (Københavns Kommune)")).to_be_visible()
    assert page.get_by_role("link", name="Statusmail",
                            exact=True).get_attribute("aria-current") == "page"
    axe_check(page, "digest preview")


def test_choosing_a_daily_digest_on_the_settings_page(page, make):
    key = make.project({DEV: ["developer"]})
    sign_in(page, DEV)
    page.goto("/settings")
    select = page.get_by_role("combobox", name=project_name(key), exact=True)
    assert select.input_value() == "off"
    select.select_option("daily")
    page.get_by_role("button", name="Opdatér statusmails").click()
    saved = page.locator("#digest-settings").get_by_text("Dine valg af statusmails er gemt.")
    saved.wait_for()  # swapped in by htmx, without a page load
    assert select.input_value() == "daily"
    axe_check(page, "settings with digests")
    page.reload()
    assert select.input_value() == "daily"


def test_unsubscribe_page_works_without_signing_in(page, make):
    key = make.project({PO_AARHUS: ["product_owner"]})  # weekly unless they choose otherwise
    page.goto(f"/unsubscribe/{make.unsubscribe_token(key, PO_AARHUS)}")
    expect(page.get_by_role("heading", name="Afmeld statusmailen?")).to_be_visible()
    axe_check(page, "unsubscribe")
    page.get_by_role("button", name="Afmeld").click()
    expect(page.get_by_role("heading", name="Du er afmeldt")).to_be_visible()
    axe_check(page, "unsubscribed")
    response = page.goto("/unsubscribe/forfalsket.token")
    assert response.status == 400
    expect(page.get_by_text("Linket til afmelding er ikke gyldigt")).to_be_visible()
    sign_in(page, PO_AARHUS)
    page.goto("/settings")
    expect(page.get_by_role("combobox", name=project_name(key), exact=True)).to_have_value("off")


def test_administrator_sees_deliveries_and_the_outbox(page):
    sign_in(page, "admin@samspil.example")
    page.goto("/admin/digests")
    expect(page.get_by_role("heading", name="Udsendte statusmails")).to_be_visible()
    axe_check(page, "digest deliveries")
    page.goto("/dev/outbox")
    expect(page.get_by_role("heading", name="Udbakke")).to_be_visible()
    axe_check(page, "outbox")
