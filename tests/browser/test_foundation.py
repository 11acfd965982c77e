"""A person signs in, sees their projects, opens one, and every page passes axe-core."""
from tests.browser.conftest import axe_check, sign_in


def test_login_page_lists_demo_accounts_and_is_accessible(page):
    page.goto("/login")
    assert page.get_by_role("heading", name="Log ind i Samspil").is_visible()
    assert page.get_by_text("po@ballerup.example").is_visible()
    axe_check(page, "login")


def test_wrong_password_shows_the_reason_beside_the_field(page):
    sign_in_page = page
    sign_in_page.goto("/login")
    page.get_by_label("E-mail").fill("po@ballerup.example")
    page.get_by_label("Adgangskode").fill("forkert-kodeord")
    page.get_by_role("button", name="Log ind").click()
    assert page.get_by_text("Forkert e-mail eller adgangskode.").is_visible()
    axe_check(page, "login with error")


def test_product_owner_sees_projects_and_opens_one(page):
    sign_in(page, "po@aarhus.example")
    assert page.get_by_role("heading", name="Mine projekter").is_visible()
    assert page.get_by_role("link", name="Overblik").first.is_visible()
    assert page.get_by_role("link", name="Borgerbooking").is_visible()
    axe_check(page, "my projects")
    page.get_by_role("link", name="Borgerbooking").click()
    page.wait_for_url("**/p/BOOK/")
    assert page.get_by_role("heading", name="Borgerbooking").is_visible()
    assert page.get_by_role("heading", name="Det venter på mig her").is_visible()
    axe_check(page, "project overview")
    page.get_by_role("link", name="Medlemmer og roller").click()
    page.wait_for_url("**/p/BOOK/members")
    assert page.get_by_text("Odense Kommune").first.is_visible()
    axe_check(page, "members")


def test_odense_does_not_see_overblik(page):
    sign_in(page, "po@odense.example")
    assert page.get_by_role("link", name="Borgerbooking").is_visible()
    assert page.get_by_role("link", name="Overblik", exact=True).count() == 0
    response = page.goto("/p/OVB/")
    assert response.status == 404
    axe_check(page, "404 page")


def test_secretariat_manages_members_and_settings_are_accessible(page):
    sign_in(page, "po@ballerup.example")
    page.goto("/p/OVB/members")
    assert page.get_by_role("heading", name="Tilføj et medlem").is_visible()
    axe_check(page, "members as secretariat")
    page.goto("/settings")
    axe_check(page, "settings")
    page.get_by_role("combobox", name="Sprog").select_option("en")
    page.get_by_role("button", name="Gem").click()
    assert page.get_by_role("heading", name="Settings").is_visible()
    page.get_by_role("combobox", name="Language").select_option("")
    page.get_by_role("button", name="Save").first.click()
    assert page.get_by_role("heading", name="Indstillinger").is_visible()
