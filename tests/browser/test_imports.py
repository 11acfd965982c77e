"""Importing a Jira export in the browser: the secretariat uploads it from the backlog, sees
the preview, maps the status Samspil does not know and changes another, and finds the items at
the bottom of the backlog, each linking back to Jira; the pages pass axe-core."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, eventually, sign_in
from tests.browser.test_backlog import backlog_keys
from tests.imports.conftest import fixture_bytes

SEK = "sekretariat@kommunefaellesskab.example"


def test_secretariat_imports_a_jira_export(page, make):
    key = make.project({SEK: ["secretariat"]})
    make.item(key, "Fandtes før importen", SEK)
    sign_in(page, SEK)
    page.goto(f"/p/{key}/backlog")
    page.get_by_role("link", name="Importér fra Jira eller GitHub").click()
    expect(page.get_by_role("heading", name="Importér punkter")).to_be_visible()
    axe_check(page, "the upload page of the item import")
    page.get_by_label("Jira", exact=True).check()
    page.get_by_label("Fil", exact=True).set_input_files(
        {"name": "Jira.csv", "mimeType": "text/csv", "buffer": fixture_bytes("jira.csv")})
    page.get_by_label("Jira-adresse (valgfri)").fill("https://kommune.atlassian.net")
    page.get_by_role("button", name="Upload og se forhåndsvisning").click()

    expect(page.get_by_role("heading", name="Forhåndsvisning af importen fra Jira")).to_be_visible()
    expect(page.locator("#import-unmapped")).to_contain_text("Til godkendelse")
    expect(page.locator("#import-counts")).to_contain_text("6 punkter oprettes nederst")
    axe_check(page, "the preview of the item import")

    page.get_by_label("Til godkendelse", exact=True).select_option("acceptance")
    page.get_by_label("To Do", exact=True).select_option("ready")
    page.get_by_role("button", name="Opdatér forhåndsvisningen").click()
    expect(page.locator("#import-unmapped")).to_have_count(0)
    story = page.locator("#import-rows tr", has_text="Som jurist vil jeg se alle kontrakter")
    expect(story).to_contain_text("Klar")

    page.get_by_role("button", name="Importér 6 punkter").click()
    expect(page).to_have_url(re.compile(rf"/p/{key}/backlog$"))
    expect(page.locator(".flash--success")).to_contain_text(
        "6 punkter importeret nederst i backloggen.")
    eventually(page, lambda: backlog_keys(page), [f"{key}-{n}" for n in range(1, 8)])
    row = page.locator("#backlog-rows tr[data-id]", has_text="Som jurist vil jeg se alle")
    expect(row).to_contain_text("Klar")
    task = page.locator("#backlog-rows tr[data-id]", has_text="Opsæt eksport til regneark")
    expect(task).to_contain_text("Godkendelse")

    page.goto(f"/p/{key}/items/3")
    origin = page.locator(".item-origin").get_by_role("link", name="KONT-2")
    expect(origin).to_have_attribute("href", "https://kommune.atlassian.net/browse/KONT-2")


def test_secretariat_imports_needs_from_a_spreadsheet(page, make):
    key = make.project({SEK: ["secretariat"], "po@ballerup.example": ["product_owner"]})
    sign_in(page, SEK)
    page.goto(f"/p/{key}/needs")
    page.get_by_role("link", name="Importér fra et regneark").click()
    page.get_by_label("Regneark", exact=True).set_input_files(
        {"name": "behov.csv", "mimeType": "text/csv", "buffer": fixture_bytes("needs.csv")})
    page.get_by_role("button", name="Upload og vælg kolonner").click()

    expect(page.get_by_label("Titel *")).to_have_value("0")
    refused = page.locator("#import-refused")
    expect(refused).to_contain_text("Gentofte Kommune er ikke en kommune, der deltager")
    axe_check(page, "the column mapping of the needs import")
    page.get_by_role("button", name="Importér 2 behov").click()
    expect(page.locator("#import-error")).to_contain_text("2 rækker kan ikke importeres")

    page.get_by_label("Spring disse rækker over og importér resten").check()
    page.get_by_role("button", name="Importér 2 behov").click()
    expect(page).to_have_url(re.compile(rf"/p/{key}/needs$"))
    expect(page.locator(".flash--success")).to_contain_text("2 behov importeret.")
    expect(page.get_by_role("link", name="Påmindelser om udløb")).to_be_visible()
