"""Digests in the browser: my digest, choosing subscriptions, unsubscribing, administration."""
from itsdangerous import URLSafeSerializer

from config import Config
from tests.browser.conftest import axe_check, sign_in


def test_steering_member_reads_the_next_digest(page):
    sign_in(page, "styregruppe@kobenhavn.example")
    page.goto("/p/OVB/digest")
    assert page.get_by_role("heading", name="Min statusmail").is_visible()
    assert page.get_by_role("heading", name="Nye medlemmer").is_visible()
    assert page.get_by_text("Peter Lund (Københavns Kommune)").is_visible()
    assert page.get_by_role("link", name="Statusmail",
                            exact=True).get_attribute("aria-current") == "page"
    axe_check(page, "digest preview")


def test_choosing_a_daily_digest_on_the_settings_page(page):
    sign_in(page, "dev@nordlys.example")
    page.goto("/settings")
    select = page.get_by_role("combobox", name="Overblik")
    assert select.input_value() == "off"
    select.select_option("daily")
    page.get_by_role("button", name="Opdatér statusmails").click()
    saved = page.locator("#digest-settings").get_by_text("Dine valg af statusmails er gemt.")
    saved.wait_for()  # swapped in by htmx, without a page load
    assert page.get_by_role("combobox", name="Overblik").input_value() == "daily"
    axe_check(page, "settings with digests")
    page.reload()
    assert page.get_by_role("combobox", name="Overblik").input_value() == "daily"


def test_unsubscribe_page_works_without_signing_in(page):
    token = URLSafeSerializer(Config.SECRET_KEY, salt="digest-unsubscribe").dumps([1, 1])
    page.goto(f"/unsubscribe/{token}")
    assert page.get_by_role("heading", name="Afmeld statusmailen?").is_visible()
    axe_check(page, "unsubscribe")
    page.get_by_role("button", name="Afmeld").click()
    assert page.get_by_role("heading", name="Du er afmeldt").is_visible()
    axe_check(page, "unsubscribed")
    response = page.goto("/unsubscribe/forfalsket.token")
    assert response.status == 400
    assert page.get_by_text("Linket til afmelding er ikke gyldigt").is_visible()


def test_administrator_sees_deliveries_and_the_outbox(page):
    sign_in(page, "admin@samspil.example")
    page.goto("/admin/digests")
    assert page.get_by_role("heading", name="Udsendte statusmails").is_visible()
    axe_check(page, "digest deliveries")
    page.goto("/dev/outbox")
    assert page.get_by_role("heading", name="Udbakke").is_visible()
    axe_check(page, "outbox")
