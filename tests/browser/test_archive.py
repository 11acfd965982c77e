"""The project archive in the browser: the secretariat makes an archive from the members page
and downloads it; the import form shows what is wrong with a file that is not an archive."""
import io
import json
import zipfile

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

SECRETARIAT = "po@ballerup.example"


def test_the_secretariat_exports_downloads_and_sees_import_errors(page, make):
    key = make.project({SECRETARIAT: ["secretariat", "product_owner"]})
    make.item(key, "Eksport til regneark", SECRETARIAT)
    sign_in(page, SECRETARIAT)
    page.goto(f"/p/{key}/members")
    page.get_by_role("link", name="Arkiv: eksport og import").click()
    expect(page.get_by_role("heading", level=1, name="Arkiv: eksport og import")).to_be_visible()
    axe_check(page, "archive page")

    page.get_by_role("button", name="Lav et arkiv").click()
    expect(page.get_by_text("Arkivet er klar til download herunder.")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download (").first.click()
    download = info.value
    assert download.suggested_filename.startswith(f"samspil-{key}-")
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        document = json.loads(archive.read("project.json"))
    assert document["project"]["key"] == key
    assert [i["title"] for i in document["items"]] == ["Eksport til regneark"]

    form = page.locator("form[action$='/archive/import']")
    expect(page.get_by_text("Projektet har allerede indhold")).to_be_visible()
    form.get_by_label("Arkiv, der skal importeres (.zip)").set_input_files(
        {"name": "noter.txt", "mimeType": "text/plain", "buffer": b"ikke et arkiv"})
    form.get_by_role("button", name="Importér arkivet").click()
    field = page.get_by_label("Arkiv, der skal importeres (.zip)")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Filen er ikke et zip-arkiv.")).to_be_visible()
    axe_check(page, "archive page with an import error")
