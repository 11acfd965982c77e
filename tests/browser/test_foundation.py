"""A person signs in, sees their projects, opens one, and every page passes axe-core."""
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in


def test_login_page_lists_demo_accounts_and_is_accessible(page):
    page.goto("/login")
    expect(page.get_by_role("heading", name="Log ind i Samspil")).to_be_visible()
    expect(page.get_by_text("po@ballerup.example")).to_be_visible()
    axe_check(page, "login")


def test_wrong_password_shows_the_reason_beside_the_field(page):
    sign_in_page = page
    sign_in_page.goto("/login")
    page.get_by_label("E-mail").fill("po@ballerup.example")
    page.get_by_label("Adgangskode").fill("forkert-kodeord")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_text("Forkert e-mail eller adgangskode.")).to_be_visible()
    axe_check(page, "login with error")


def test_product_owner_sees_projects_and_opens_one(page):
    sign_in(page, "po@aarhus.example")
    expect(page.get_by_role("heading", name="Mine projekter")).to_be_visible()
    expect(page.get_by_role("link", name="Overblik").first).to_be_visible()
    expect(page.get_by_role("link", name="Borgerbooking")).to_be_visible()
    axe_check(page, "my projects")
    page.get_by_role("link", name="Borgerbooking").click()
    page.wait_for_url("**/p/BOOK/")
    expect(page.get_by_role("heading", name="Borgerbooking")).to_be_visible()
    expect(page.get_by_role("heading", name="Det venter på mig her")).to_be_visible()
    axe_check(page, "project overview")
    page.get_by_role("link", name="Medlemmer og roller").click()
    page.wait_for_url("**/p/BOOK/members")
    expect(page.get_by_text("Odense Kommune").first).to_be_visible()
    axe_check(page, "members")


def test_odense_does_not_see_overblik(page):
    sign_in(page, "po@odense.example")
    expect(page.get_by_role("link", name="Borgerbooking")).to_be_visible()
    assert page.get_by_role("link", name="Overblik", exact=True).count() == 0
    response = page.goto("/p/OVB/")
    assert response.status == 404
    axe_check(page, "404 page")


def test_secretariat_manages_members_and_settings_are_accessible(page):
    sign_in(page, "po@ballerup.example")
    page.goto("/p/OVB/members")
    expect(page.get_by_role("heading", name="Tilføj et medlem")).to_be_visible()
    axe_check(page, "members as secretariat")
    page.goto("/settings")
    axe_check(page, "settings")


def test_the_chosen_language_is_the_interface_until_the_browser_is_followed_again(page, make):
    # A person of its own: a demo account left in English would fail every later Danish test.
    key = make.project({"po@ballerup.example": ["product_owner"]})
    person = make.person(key, "Sprog Sørensen", like="po@ballerup.example", roles=["developer"])
    sign_in(page, person)
    page.goto("/settings")
    page.get_by_role("combobox", name="Sprog").select_option("en")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    page.get_by_role("combobox", name="Language").select_option("")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("heading", name="Indstillinger")).to_be_visible()
