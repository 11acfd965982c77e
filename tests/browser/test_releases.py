"""A test municipality's product owner signs off a release in the browser — a refusal without
the remarks, then the sign-off — checked with axe-core. The release is in a project of its own."""
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

AARHUS = "po@aarhus.example"
BALLERUP = "po@ballerup.example"
LEAD = "lead@nordlys.example"


def test_a_product_owner_signs_off_for_their_municipality(page, make):
    key = make.project({AARHUS: ["product_owner"], BALLERUP: ["product_owner"],
                        LEAD: ["delivery_lead"]})
    number = make.release_in_test(key, "2.4", LEAD, BALLERUP, [AARHUS, BALLERUP])
    sign_in(page, AARHUS)
    page.goto(f"/p/{key}/releases")
    expect(page.get_by_role("heading", name="Releases", exact=True)).to_be_visible()
    axe_check(page, "releases")
    page.get_by_role("link", name="2.4").click()
    expect(page.get_by_role("heading", level=1, name="Release 2.4 I test")).to_be_visible()
    expect(page.get_by_role("cell", name="Eksport af aftaler til regneark")).to_be_visible()
    expect(page.get_by_role("heading", name="Godkend for Aarhus Kommune")).to_be_visible()
    expect(page.get_by_role("heading", name="Godkend for Ballerup Kommune")).to_have_count(0)
    axe_check(page, "release in test")

    page.get_by_label("Godkendt med bemærkninger").check()
    page.get_by_role("button", name="Registrér godkendelsen").click()
    expect(page.get_by_text("Skriv bemærkningerne, eller hvorfor den ikke godkendes.")
           ).to_be_visible()
    axe_check(page, "sign-off refused")

    page.get_by_label("Bemærkninger", exact=True).fill("Udløbsdato bør hedde som i Kitos.")
    page.get_by_label("Godkendt med bemærkninger").check()
    page.get_by_role("button", name="Registrér godkendelsen").click()
    expect(page.get_by_text("Din godkendelse er registreret.")).to_be_visible()
    aarhus_row = page.locator("#testers tr", has_text="Aarhus Kommune")
    expect(aarhus_row).to_contain_text("Godkendt med bemærkninger")
    expect(aarhus_row).to_contain_text("Udløbsdato bør hedde")
    expect(page.locator("#testers tr", has_text="Ballerup Kommune")).to_contain_text("Venter")
    assert page.url.endswith(f"/p/{key}/releases/{number}")
    axe_check(page, "release signed off")


def test_the_delivery_leads_pages_are_accessible(page, make):
    key = make.project({BALLERUP: ["product_owner", "secretariat"], LEAD: ["delivery_lead"]})
    number = make.release_in_test(key, "3.0", LEAD, BALLERUP, [BALLERUP])
    item = make.item(key, "Under udvikling", BALLERUP)
    make.move(key, item, "in_progress", LEAD)
    sign_in(page, LEAD)
    page.goto(f"/p/{key}/releases/{number}")
    page.get_by_text("Ret release notes").click()
    page.get_by_text("Ret navn, dato og testperiode").click()
    expect(page.get_by_role("button", name="Godkend releasen")).to_be_visible()
    axe_check(page, "the delivery lead's release page")
    page.goto(f"/p/{key}/definition-of-done")
    expect(page.get_by_label("Punkterne i definition of done")).to_be_visible()
    axe_check(page, "definition of done")
    page.goto(f"/p/{key}/items/{item}")
    page.get_by_text("Afkryds definition of done").click()
    page.get_by_role("button", name="Gem tjeklisten").click()
    expect(page.get_by_text("Forklar, hvorfor “WCAG 2.1 AA kontrolleret” ikke er opfyldt.")
           ).to_be_visible()
    axe_check(page, "definition of done refused")
