"""The audit log in a real browser: reachable from the navigation, filterable, and accessible;
a throttled or failing request never shows a CSP violation (the page fixture fails on one)."""
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in


def test_site_admin_reads_and_filters_the_audit_log(page):
    sign_in(page, "admin@samspil.example")
    page.get_by_role("link", name="Auditlog").click()
    page.wait_for_url("**/audit")
    expect(page.get_by_role("heading", name="Auditlog")).to_be_visible()
    expect(page.get_by_role("cell", name="Logget ind").first).to_be_visible()
    axe_check(page, "site audit log")
    page.get_by_label("Hvad").select_option("project.member_added")
    page.get_by_label("Projekt").select_option("BOOK")
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url("**/audit?*project=BOOK*")
    expect(page.get_by_text("Sara Nielsen").first).to_be_visible()
    assert page.get_by_text("Mette Kjær").count() == 0
    axe_check(page, "filtered audit log")


def test_secretariat_reads_its_projects_audit_log(page):
    sign_in(page, "po@ballerup.example")
    page.goto("/p/OVB/members")
    page.get_by_role("link", name="Projektets auditlog").click()
    page.wait_for_url("**/p/OVB/audit")
    expect(page.get_by_role("heading", name="Auditlog")).to_be_visible()
    axe_check(page, "project audit log")
    page.get_by_label("Hvad").select_option("project.member_added")
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url("**/p/OVB/audit?*")
    expect(page.locator("td", has_text="Medlem tilføjet").first).to_be_visible()


def test_a_bad_filter_is_explained_beside_the_field(page):
    sign_in(page, "admin@samspil.example")
    response = page.goto("/audit?actor=" + "x" * 300)
    assert response.status == 422
    expect(page.locator(".errors").first).to_be_visible()
    axe_check(page, "audit log with a filter error")
