"""Mentions by keyboard in a Markdown field, and the notifications page, in a real browser."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

DEV = "dev@nordlys.example"
PO = "po@ballerup.example"


def test_mention_a_member_by_keyboard_and_they_see_it_under_notifications(page, make):
    key = make.project({DEV: ["developer"], PO: ["product_owner"]})
    colleague = make.person(key, "Zenia Zakariassen", DEV, ["developer"])
    number = make.item(key, "Login med MitID", DEV)
    sign_in(page, DEV)
    page.goto(f"/p/{key}/items/{number}")
    body = page.locator(".comment-form textarea")
    body.click()
    body.press_sequentially("Kan du se på det, @Za")
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option", name="Zenia Zakariassen")).to_be_visible()
    axe_check(page, "item page with the mention listbox open")
    body.press("ArrowDown")
    body.press("ArrowUp")
    expect(body).to_have_attribute("aria-activedescendant", re.compile(r"^mention-option-\d+$"))
    body.press("Enter")
    expect(listbox).to_be_hidden()
    expect(body).to_have_value(re.compile(r"@\[Zenia Zakariassen\]\(user:\d+\) $"))
    page.locator(".comment-form").get_by_role("button").first.click()
    expect(page.locator(".comments, #comments").get_by_text("Zenia Zakariassen")).to_be_visible()
    page.context.clear_cookies()
    sign_in(page, colleague)
    page.goto("/notifications")
    expect(page.locator(".notification .link-button")).to_have_text(
        re.compile(r"har nævnt dig i .+Login med MitID"))
    axe_check(page, "notifications")
    expect(page.locator("#notification-bell")).to_contain_text("1")
