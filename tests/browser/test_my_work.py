"""My work and the project dashboard in the browser, on the demo data, with axe-core: Aarhus'
product owner finds what waits for acceptance in both projects, opens the overview and pages
back through the activity in place."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in


def test_my_work_across_projects(page):
    sign_in(page, "po@aarhus.example")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Mit arbejde").click()
    page.wait_for_url("**/my")
    expect(page.get_by_role("heading", level=1, name="Mit arbejde")).to_be_visible()
    waiting = page.locator("#work-acceptance-section")
    expect(waiting.get_by_role("heading", name=re.compile("Venter på min godkendelse"))) \
        .to_be_visible()
    expect(waiting.get_by_role("link", name=re.compile(r"^OVB-\d+ "))).not_to_have_count(0)
    expect(waiting.get_by_role("link", name=re.compile(r"^BOOK-\d+ "))).not_to_have_count(0)
    needs = page.locator("#work-needs-section")
    expect(needs).to_contain_text("Indsendt af os")
    expect(needs).to_contain_text("Medstøttet")
    axe_check(page, "my work")
    waiting.get_by_role("link", name=re.compile(r"^OVB-\d+ ")).first.click()
    page.wait_for_url(re.compile(r"/p/OVB/items/\d+$"))


def test_steering_sees_escalations_and_the_dashboard(page):
    sign_in(page, "styregruppe@kobenhavn.example")
    page.goto("/my")
    escalations = page.locator("#work-escalations-section")
    expect(escalations.get_by_role("link", name=re.compile(r"^#\d+ "))).not_to_have_count(0)
    axe_check(page, "my work, steering")
    page.goto("/p/OVB/")
    expect(page.get_by_role("heading", level=2, name="Aktivt sprint")).to_be_visible()
    expect(page.locator(".dashboard__sprint svg")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Seneste beslutninger")).to_be_visible()
    axe_check(page, "project overview (dashboard)")
    activity = page.locator("#activity")
    first = activity.locator("li").first.inner_text()
    page.evaluate("window.__samePage = true")
    activity.get_by_role("link", name="Ældre").click()
    expect(activity.get_by_role("heading", name=re.compile("side 2"))).to_be_visible()
    expect(activity.get_by_role("link", name="Nyere")).to_be_visible()
    assert activity.locator("li").first.inner_text() != first
    assert page.evaluate("window.__samePage") is True
    axe_check(page, "project overview, activity page 2")
