"""Attachments in the browser: files chosen with the file input, dropped on the area and an
image pasted into it are each uploaded with a progress bar and listed; a file that is not what
its name says is refused beside it; the item page passes axe-core throughout."""
import base64
import io

from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

PO = "po@ballerup.example"


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 90, 160)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_attaching_files_to_an_item(page, make):
    key = make.project({PO: ["product_owner"]})
    number = make.item(key, "Fejl i eksporten til regneark", PO)
    sign_in(page, PO)
    page.goto(f"/p/{key}/items/{number}")
    panel = page.locator("section.attachments").first
    listing = panel.locator(".attachments-list")
    expect(listing).to_contain_text("Ingen filer er vedhæftet.")
    expect(panel.get_by_role("button", name="Upload")).to_be_hidden()  # uploads at once
    axe_check(page, "item page with the attachments panel")
    page.evaluate("window.__progress = 0; document.addEventListener('htmx:xhr:progress',"
                  " function () { window.__progress += 1; })")

    panel.get_by_label("Vælg filer at vedhæfte").set_input_files([
        {"name": "referat æøå.txt", "mimeType": "text/plain",
         "buffer": b"Workshop om eksport\n"},
        {"name": "tal.csv", "mimeType": "text/csv", "buffer": b"kommune;antal\nBallerup;3\n"},
    ])
    expect(listing.get_by_role("link", name="referat æøå.txt", exact=True)).to_be_visible()
    expect(listing.get_by_role("link", name="tal.csv", exact=True)).to_be_visible()
    assert page.evaluate("window.__progress") > 0

    # Dropped on the area, and an image pasted into it.
    panel.locator("[data-drop-zone]").evaluate("""zone => {
        const dropped = new DataTransfer();
        dropped.items.add(new File(['Noter fra mødet'], 'noter.txt', {type: 'text/plain'}));
        zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dropped, bubbles: true,
                                                  cancelable: true}));
    }""")
    expect(listing.get_by_role("link", name="noter.txt", exact=True)).to_be_visible()
    panel.locator("[data-drop-zone]").evaluate("""(zone, data) => {
        const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
        const pasted = new DataTransfer();
        pasted.items.add(new File([bytes], 'image.png', {type: 'image/png'}));
        zone.dispatchEvent(new ClipboardEvent('paste', {clipboardData: pasted, bubbles: true,
                                                        cancelable: true}));
    }""", _png())
    expect(listing.locator("img.attachment__thumb")).to_have_count(1)
    expect(listing.get_by_role("link", name="image.png", exact=True)).to_be_visible()

    # A web page calling itself an image is refused, and says why beside the file.
    panel.get_by_label("Vælg filer at vedhæfte").set_input_files([
        {"name": "skærm.png", "mimeType": "image/png",
         "buffer": b"<!doctype html><script>alert(1)</script>"}])
    expect(panel.locator(".attachments-progress")).to_contain_text("webside (HTML)")
    expect(listing.get_by_role("link", name="skærm.png", exact=True)).to_have_count(0)
    axe_check(page, "item page with attachments and a refused file")

    page.reload()
    expect(listing.locator(".attachment")).to_have_count(4)
    axe_check(page, "item page with attachments after a reload")
