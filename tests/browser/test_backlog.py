"""The backlog and the board in a real browser: drag a card with the mouse, move one with the
keyboard alone, rank the backlog, open the item dialog; every result survives a reload, and
every page passes axe-core."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in


def card_numbers(page, status: str) -> list[str]:
    return page.locator(f"#cell-all-{status} > li.card").evaluate_all(
        "cards => cards.map(c => c.dataset.number)")


def backlog_keys(page) -> list[str]:
    return page.locator("#backlog-rows tr[data-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.key)")


def drag(page, source, target, target_position=None) -> None:
    """Drag with the mouse in small steps, as a person does (SortableJS's pointer fallback)."""
    box = source.bounding_box()
    goal = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + 10
    gx = goal["x"] + goal["width"] / 2
    gy = goal["y"] + (target_position if target_position is not None else 20)
    page.mouse.move(x, y)
    page.mouse.down()
    steps = 20
    for i in range(1, steps + 1):
        page.mouse.move(x + (gx - x) * i / steps, y + (gy - y) * i / steps)
        page.wait_for_timeout(15)
    page.mouse.up()


def test_developer_drags_a_card_to_another_column(page):
    sign_in(page, "dev@nordlys.example")
    page.goto("/p/OVB/board")
    axe_check(page, "board")
    number = card_numbers(page, "ready")[0]
    card = page.locator(f"#card-{number}")
    with page.expect_response(re.compile(rf"/items/{number}/move$")) as answer:
        drag(page, card, page.locator("#cell-all-in_progress"))
    assert answer.value.status == 200
    expect(page.locator(f"#cell-all-in_progress #card-{number}")).to_have_count(1)
    expect(page.locator("#announcer")).to_contain_text("I gang")
    page.reload()
    assert number in card_numbers(page, "in_progress")
    assert number not in card_numbers(page, "ready")


def test_developer_cannot_drop_into_done(page):
    sign_in(page, "dev@nordlys.example")
    page.goto("/p/OVB/board")
    number = card_numbers(page, "acceptance")[0]
    drag(page, page.locator(f"#card-{number}"), page.locator("#cell-all-done"))
    page.wait_for_timeout(500)
    page.reload()
    assert number in card_numbers(page, "acceptance")


def test_keyboard_only_move_with_the_move_to_menu(page):
    sign_in(page, "lead@nordlys.example")
    page.goto("/p/OVB/board")
    number = card_numbers(page, "backlog")[0]
    link = page.locator(f"#card-{number} .js-move-menu")
    link.focus()
    page.keyboard.press("Enter")
    menu = page.locator(f"#card-{number} .move-menu")
    menu.wait_for()
    axe_check(page, "board with a move menu open")
    # focus is on the first choice; walk with Tab to "Klar" and press Enter
    assert page.evaluate("document.activeElement.textContent.trim()") == "Klar"
    with page.expect_response(re.compile(rf"/items/{number}/move$")):
        page.keyboard.press("Enter")
    expect(page.locator(f"#cell-all-ready #card-link-{number}")).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("Klar")
    page.reload()
    assert number in card_numbers(page, "ready")


def test_escape_closes_the_move_menu_and_returns_focus(page):
    sign_in(page, "dev@nordlys.example")
    page.goto("/p/OVB/board")
    number = card_numbers(page, "review")[0]
    page.locator(f"#card-{number} .js-move-menu").focus()
    page.keyboard.press("Enter")
    page.locator(f"#card-{number} .move-menu").wait_for()
    page.keyboard.press("Escape")
    assert page.locator(".card__menu").count() == 0
    assert page.evaluate("document.activeElement.classList.contains('js-move-menu')")


def test_product_owner_ranks_the_backlog_with_buttons_and_drag(page):
    sign_in(page, "po@ballerup.example")
    page.goto("/p/OVB/backlog")
    axe_check(page, "backlog")
    before = backlog_keys(page)
    third = before[2]
    number = third.split("-")[1]
    page.locator(f"#rank-up-{number}").focus()
    with page.expect_response(re.compile(rf"/items/{number}/rank$")):
        page.keyboard.press("Enter")
    expect(page.locator(f"#rank-up-{number}")).to_be_focused()
    assert backlog_keys(page)[1] == third
    expect(page.locator("#announcer")).to_contain_text("nummer 2")
    fifth = backlog_keys(page)[4]
    page.locator("#backlog-rows tr[data-id]").first.evaluate("row => row.scrollIntoView()")
    handle = page.locator(f"#row-{fifth.split('-')[1]} .drag-handle")
    with page.expect_response(re.compile(r"/rank$")):
        drag(page, handle, page.locator("#backlog-rows tr[data-id]").first, target_position=4)
    expect(page.locator("#backlog-rows tr[data-id]").first).to_have_attribute("data-key", fifth)
    page.reload()
    after = backlog_keys(page)
    assert after[0] == fifth and after[2] == third


def test_filters_and_inline_create_and_edit(page):
    sign_in(page, "dev@nordlys.example")
    page.goto("/p/OVB/backlog")
    page.get_by_label("Søg", exact=True).fill("kontrakt")
    page.wait_for_url(re.compile(r"q=kontrakt"))
    expect(page.locator("#backlog-count")).to_contain_text("passer til filtrene")
    titles = page.locator("#backlog-rows .row-title").all_inner_texts()
    assert titles and all("kontrakt" in t.lower() for t in titles)
    axe_check(page, "filtered backlog")
    page.goto("/p/OVB/backlog")
    page.locator("#top-title").fill("Eksport af systemlisten til PDF")
    page.locator("#create-top").get_by_role("button", name="Opret").click()
    expect(page.locator("#backlog-rows .row-title").first).to_have_text(
        "Eksport af systemlisten til PDF")
    expect(page.locator("#top-title")).to_be_focused()
    first = page.locator("#backlog-rows tr[data-id]").first
    number = first.get_attribute("data-number")
    page.locator(f"#edit-estimate-{number}").click()
    field = page.locator(f"#inline-estimate-{number}")
    field.fill("3,5")
    field.press("Enter")
    expect(page.locator(f"#edit-estimate-{number}")).to_be_focused()
    page.reload()
    assert "3.5" in page.locator(f"#row-{number}").inner_text()


def test_item_dialog_from_the_board_and_the_item_page(page):
    sign_in(page, "po@aarhus.example")
    page.goto("/p/BOOK/board")
    axe_check(page, "BOOK board")
    number = card_numbers(page, "acceptance")[0]
    page.locator(f"#card-link-{number}").click()
    dialog = page.locator("#item-dialog")
    dialog.wait_for(state="visible")
    assert dialog.get_by_role("heading", level=2).first.is_visible()
    axe_check(page, "item dialog")
    dialog.locator("textarea[name=body]").fill("Ser fint ud i **Aarhus**")
    dialog.get_by_role("button", name="Tilføj kommentar").click()
    dialog.get_by_text("Ser fint ud i").wait_for()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == f"card-link-{number}"
    page.goto(f"/p/BOOK/items/{number}")
    assert page.get_by_text("Ser fint ud i").is_visible()
    page.locator("#item-edit summary").click()
    expect(page.locator("#item-edit textarea[name=description]")).to_be_visible()
    axe_check(page, "item page with the edit form open")
    page.get_by_role("button", name="Godkend (færdig)").click()
    page.get_by_text(f"BOOK-{number} er godkendt og færdig.").first.wait_for()
    page.reload()
    assert page.locator(".item-head .status").inner_text() == "Færdig"


def test_swimlanes_are_accessible(page):
    sign_in(page, "po@ballerup.example")
    page.goto("/p/OVB/board?lanes=epic")
    assert page.locator(".lane").count() >= 2
    axe_check(page, "board with swimlanes")
