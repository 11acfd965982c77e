"""Tidying in a real browser: a comment edited in place (htmx) and an item archived and
restored from its page; both survive a reload and pass axe-core."""
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

DEV = "dev@nordlys.example"


def test_the_author_edits_a_comment_in_place(page, make):
    key = make.project({DEV: ["developer"]})
    number = make.item(key, "Punkt med kommentar", DEV)
    make.comment(key, number, DEV, "Første udgave af kommentaren")
    sign_in(page, DEV)
    page.goto(f"/p/{key}/items/{number}")
    comment = page.locator("li.comment").first
    comment.locator(".comment__actions a").first.click()
    editor = comment.locator("textarea")
    expect(editor).to_have_value("Første udgave af kommentaren")
    axe_check(page, "comment editor")
    editor.fill("Anden udgave, **rettet**")
    comment.locator("button[type=submit]").click()
    expect(page.locator("li.comment").first.locator("strong", has_text="rettet")).to_have_count(1)
    expect(page.locator("li.comment .comment__edited")).to_have_count(1)
    assert page.url.endswith(f"/items/{number}")  # stayed on the page: swapped in place
    page.reload()
    expect(page.locator("li.comment").first).to_contain_text("Anden udgave")
    expect(page.locator(".history")).to_contain_text("Første udgave", use_inner_text=False)


def test_an_item_is_archived_and_restored_from_its_page(page, make):
    key = make.project({DEV: ["developer"]})
    number = make.item(key, "Punkt der arkiveres", DEV)
    sign_in(page, DEV)
    page.goto(f"/p/{key}/items/{number}")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(".item-archive button").click()
    banner = page.locator(".archived-banner")
    expect(banner).to_be_visible()
    axe_check(page, "archived item")
    page.goto(f"/p/{key}/backlog")
    expect(page.locator("#backlog-rows")).not_to_contain_text("Punkt der arkiveres")
    page.goto(f"/p/{key}/items/{number}")
    page.locator(".archived-banner button").click()
    expect(page.locator(".archived-banner")).to_have_count(0)
    page.goto(f"/p/{key}/backlog")
    expect(page.locator("#backlog-rows")).to_contain_text("Punkt der arkiveres")
