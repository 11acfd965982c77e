"""The backlog and the board in a real browser: drag a card with the mouse, move one with the
keyboard alone, rank the backlog, open the item dialog, see others' moves arrive; every result
survives a reload, and every page passes axe-core. Each test that changes something makes its
own project and items first."""
import re
from itertools import pairwise

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, eventually, sign_in

DEV = "dev@nordlys.example"
LEAD = "lead@nordlys.example"
PO = "po@ballerup.example"
PO_AARHUS = "po@aarhus.example"


def card_numbers(page, status: str) -> list[int]:
    return page.locator(f"#cell-all-{status} > li.card").evaluate_all(
        "cards => cards.map(c => Number(c.dataset.number))")


def backlog_keys(page) -> list[str]:
    return page.locator("#backlog-rows tr[data-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.key)")


def pick_up(page, source, target, target_position=None, detour=None) -> None:
    """Press on the source and move in small steps onto the target, as a person does
    (SortableJS's pointer fallback); the button stays down. With `detour` (a locator), the
    pointer first rises above it and goes over it, so it crosses no column on the way."""
    box, goal = source.bounding_box(), target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + 10
    gx = goal["x"] + goal["width"] / 2
    gy = goal["y"] + (target_position if target_position is not None else 20)
    page.mouse.move(x, y)
    page.mouse.down()
    points = [(x, y)]
    if detour is not None:
        above = detour.bounding_box()["y"] - 30
        points += [(x, above), (gx, above)]
    for (x0, y0), (x1, y1) in pairwise([*points, (gx, gy)]):
        for i in range(1, 21):
            page.mouse.move(x0 + (x1 - x0) * i / 20, y0 + (y1 - y0) * i / 20)
            page.wait_for_timeout(15)


def drag(page, source, target, target_position=None) -> None:
    """Drag the source onto the target and let go."""
    pick_up(page, source, target, target_position)
    page.mouse.up()


def is_poll(response) -> bool:
    return "/board/changes" in response.url


def test_developer_drags_a_card_to_another_column(page, make):
    key = make.project({DEV: ["developer"]})
    number = make.item(key, "Kort der trækkes", DEV, status="ready")
    make.item(key, "Kort der bliver", DEV, status="ready")
    sign_in(page, DEV)
    page.goto(f"/p/{key}/board")
    axe_check(page, "board")
    with page.expect_response(re.compile(rf"/items/{number}/move$")) as answer:
        drag(page, page.locator(f"#card-{number}"), page.locator("#cell-all-in_progress"))
    assert answer.value.status == 200
    expect(page.locator(f"#cell-all-in_progress #card-{number}")).to_have_count(1)
    expect(page.locator("#announcer")).to_contain_text("I gang")
    page.reload()
    eventually(page, lambda: card_numbers(page, "in_progress"), [number])
    assert number not in card_numbers(page, "ready")


def test_developer_cannot_drop_into_done(page, make):
    key = make.project({DEV: ["developer"]})
    number = make.item(key, "Kort til review", DEV, status="review")
    sign_in(page, DEV)
    page.goto(f"/p/{key}/board")
    moves = []
    page.on("request", lambda r: moves.append(r.url) if r.url.endswith("/move") else None)
    card = page.locator(f"#card-{number}")
    # The card is picked up (its copy follows the pointer) and held over "done", which only a
    # municipality's product owner may drop into: the column does not take it. (The pointer goes
    # round above the board: on the straight way, acceptance would take the card as it passed.)
    pick_up(page, card, page.locator("#cell-all-done"), detour=page.locator("#board-grid"))
    expect(page.locator(".sortable-fallback")).to_have_count(1)
    expect(page.locator(f"#cell-all-done #card-{number}")).to_have_count(0)
    page.mouse.up()
    expect(page.locator(f"#cell-all-review #card-{number}")).to_have_count(1)
    expect(page.locator(".sortable-fallback")).to_have_count(0)
    assert moves == []
    # The same drag into acceptance, where a developer may put the card, is made and kept.
    with page.expect_response(re.compile(rf"/items/{number}/move$")) as answer:
        drag(page, card, page.locator("#cell-all-acceptance"))
    assert answer.value.status == 200
    page.reload()
    eventually(page, lambda: card_numbers(page, "acceptance"), [number])
    eventually(page, lambda: card_numbers(page, "done"), [])


def test_a_drop_the_server_refuses_puts_the_card_back(page, make):
    key = make.project({DEV: ["developer"]})
    number = make.item(key, "Kort som en anden flytter imens", DEV, status="review")
    sign_in(page, DEV)
    # The board has not heard of the other move yet: every poll answers "nothing changed".
    page.route(re.compile(r"/board/changes"), lambda route: route.fulfill(status=304))
    page.goto(f"/p/{key}/board")
    make.move(key, number, "acceptance", by=DEV)
    with page.expect_response(re.compile(rf"/items/{number}/move$")) as answer:
        drag(page, page.locator(f"#card-{number}"), page.locator("#cell-all-in_progress"))
    assert answer.value.status == 403  # leaving acceptance is the municipality's step
    expect(page.locator(f"#cell-all-review #card-{number}")).to_have_count(1)
    expect(page.locator("#cell-all-in_progress > li.card")).to_have_count(0)
    expect(page.locator("#error-region")).to_contain_text("intet blev gemt")
    page.reload()
    eventually(page, lambda: card_numbers(page, "acceptance"), [number])


def test_keyboard_only_move_with_the_move_to_menu(page, make):
    key = make.project({LEAD: ["delivery_lead"]})
    number = make.item(key, "Kort der flyttes med tastaturet", LEAD)
    sign_in(page, LEAD)
    page.goto(f"/p/{key}/board")
    link = page.locator(f"#card-{number} .js-move-menu")
    link.focus()
    page.keyboard.press("Enter")
    menu = page.locator(f"#card-{number} .move-menu")
    menu.wait_for()
    expect(link).to_have_attribute("aria-expanded", "true")
    axe_check(page, "board with a move menu open")
    # focus is on the first choice, "Klar" (the next column); Enter moves the card there
    assert page.evaluate("document.activeElement.textContent.trim()") == "Klar"
    with page.expect_response(re.compile(rf"/items/{number}/move$")):
        page.keyboard.press("Enter")
    expect(page.locator(f"#cell-all-ready #card-link-{number}")).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("Klar")
    page.reload()
    eventually(page, lambda: card_numbers(page, "ready"), [number])


def test_escape_closes_the_move_menu_and_returns_focus(page, make):
    key = make.project({DEV: ["developer"]})
    number = make.item(key, "Kort med en menu", DEV, status="review")
    sign_in(page, DEV)
    page.goto(f"/p/{key}/board")
    link = page.locator(f"#card-{number} .js-move-menu")
    link.focus()
    page.keyboard.press("Enter")
    page.locator(f"#card-{number} .move-menu").wait_for()
    page.keyboard.press("Escape")
    expect(page.locator(".card__menu")).to_have_count(0)
    expect(link).to_be_focused()
    expect(link).to_have_attribute("aria-expanded", "false")


def test_the_board_shows_moves_made_elsewhere_without_a_reload(page, make):
    key = make.project({DEV: ["developer"]})
    moved = make.item(key, "Kort som en anden flytter", DEV, status="ready")
    staying = make.item(key, "Kort med fokus", DEV, status="ready")
    sign_in(page, DEV)
    page.goto(f"/p/{key}/board")
    page.evaluate("window.__samePage = true")
    with page.expect_response(is_poll) as quiet:
        pass
    assert quiet.value.status == 304  # nothing changed: no swap, one cheap answer
    page.locator(f"#card-link-{staying}").focus()
    make.move(key, moved, "in_progress", by=DEV)
    with page.expect_response(is_poll) as changed:
        pass
    assert changed.value.status == 200
    expect(page.locator(f"#cell-all-in_progress #card-{moved}")).to_have_count(1)
    eventually(page, lambda: card_numbers(page, "ready"), [staying])
    # The column around the focused card was replaced; focus stays on the card.
    expect(page.locator(f"#card-link-{staying}")).to_be_focused()
    # The poller now sends the new change number: the next poll is a 304 again.
    with page.expect_response(is_poll) as after:
        pass
    assert after.value.status == 304
    assert page.evaluate("window.__samePage") is True


def test_show_more_brings_the_next_cards_which_move_like_the_others(page, make):
    key = make.project({DEV: ["developer"]})
    numbers = make.items(key, [f"Kort {n}" for n in range(53)], DEV, status="ready")
    sign_in(page, DEV)
    page.goto(f"/p/{key}/board")
    eventually(page, lambda: card_numbers(page, "ready"), numbers[:50])
    expect(page.locator("#head-ready")).to_contain_text("53 kort")
    more = page.locator("#more-ready a")
    expect(more).to_contain_text("Vis flere (3)")
    axe_check(page, "board with a long column")
    with page.expect_response(re.compile(r"/board/more\?")):
        more.click()
    expect(page.locator("#cell-all-ready > li.card")).to_have_count(53)
    expect(page.locator(f"#card-link-{numbers[50]}")).to_be_focused()  # the first it brought
    eventually(page, lambda: card_numbers(page, "ready"), numbers)
    expect(page.locator("#more-ready a")).to_have_count(0)
    # The menu's buttons work as soon as one has focus, however long htmx takes to settle the
    # swap (it takes a swapped-in form over only then; a slow machine made that race real).
    page.evaluate("htmx.config.defaultSettleDelay = 1500")
    # A card brought by "Show more" moves with the keyboard like any other.
    last = numbers[-1]
    page.locator(f"#card-{last} .js-move-menu").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#card-{last} .move-menu button").first).to_be_focused()
    page.keyboard.press("Tab")  # past "Backlog", to "I gang"
    assert page.evaluate("document.activeElement.textContent.trim()") == "I gang"
    with page.expect_response(re.compile(rf"/items/{last}/move$")) as answer:
        page.keyboard.press("Enter")
    assert len(answer.value.body()) < 5000
    expect(page.locator(f"#cell-all-ready #card-{last}")).to_have_count(0)
    expect(page.locator(f"#cell-all-in_progress #card-link-{last}")).to_be_focused()
    expect(page.locator("#head-ready")).to_contain_text("52 kort")
    # The next poll refreshes the 52 cards the column shows, not only the first 50.
    make.move(key, numbers[0], "review", by=DEV)
    with page.expect_response(lambda r: is_poll(r) and r.status == 200):
        pass
    expect(page.locator(f"#cell-all-review #card-{numbers[0]}")).to_have_count(1)
    eventually(page, lambda: card_numbers(page, "ready"), numbers[1:-1])
    # Without JavaScript, the link is the board with the column shown further.
    page.reload()
    assert len(card_numbers(page, "ready")) == 50
    href = page.locator("#more-ready a").get_attribute("href")
    page.goto(href)
    eventually(page, lambda: card_numbers(page, "ready"), numbers[1:-1])


def test_product_owner_ranks_the_backlog_with_buttons_and_drag(page, make):
    key = make.project({PO: ["product_owner"]})
    one, two, three, four, five = (make.item(key, f"Punkt {i}", PO) for i in range(1, 6))
    sign_in(page, PO)
    page.goto(f"/p/{key}/backlog")
    axe_check(page, "backlog")
    eventually(page, lambda: backlog_keys(page),
               [f"{key}-{n}" for n in (one, two, three, four, five)])
    page.locator(f"#rank-up-{three}").focus()
    with page.expect_response(re.compile(rf"/items/{three}/rank$")) as answer:
        page.keyboard.press("Enter")
    assert "shown=5" in answer.value.request.post_data  # the answer re-renders all five rows
    expect(page.locator(f"#rank-up-{three}")).to_be_focused()
    eventually(page, lambda: backlog_keys(page),
               [f"{key}-{n}" for n in (one, three, two, four, five)])
    expect(page.locator("#announcer")).to_contain_text("nummer 2")
    handle = page.locator(f"#row-{five} .drag-handle")
    with page.expect_response(re.compile(rf"/items/{five}/rank$")) as answer:
        drag(page, handle, page.locator("#backlog-rows tr[data-id]").first, target_position=4)
    assert "shown=5" in answer.value.request.post_data
    expect(page.locator("#backlog-rows tr[data-id]").first).to_have_attribute("data-key",
                                                                              f"{key}-{five}")
    page.reload()
    eventually(page, lambda: backlog_keys(page),
               [f"{key}-{n}" for n in (five, one, three, two, four)])


def test_filters_and_inline_create_and_edit(page, make):
    key = make.project({DEV: ["developer"]})
    make.item(key, "Import af kontrakter fra Kitos", DEV)
    make.item(key, "Systemejere pr. forvaltning", DEV)
    make.item(key, "Kontraktudløb som påmindelse", DEV)
    sign_in(page, DEV)
    page.goto(f"/p/{key}/backlog")
    page.get_by_label("Søg", exact=True).fill("kontrakt")
    page.wait_for_url(re.compile(r"q=kontrakt"))
    expect(page.locator("#backlog-count")).to_contain_text("2 punkter passer til filtrene")
    assert sorted(page.locator("#backlog-rows .row-title").all_inner_texts()) == [
        "Import af kontrakter fra Kitos", "Kontraktudløb som påmindelse"]
    axe_check(page, "filtered backlog")
    page.goto(f"/p/{key}/backlog")
    page.locator("#top-title").fill("Eksport af systemlisten til PDF")
    page.locator("#create-top").get_by_role("button", name="Opret").click()
    expect(page.locator("#backlog-rows .row-title").first).to_have_text(
        "Eksport af systemlisten til PDF")
    expect(page.locator("#top-title")).to_be_focused()
    # The fresh form is whole, in its place: a second item is created the same way.
    expect(page.locator("#backlog-rows input, #backlog-rows h2")).to_have_count(0)
    page.locator("#top-title").fill("Eksport af systemlisten til CSV")
    page.locator("#create-top").get_by_role("button", name="Opret").click()
    expect(page.locator("#backlog-rows .row-title").first).to_have_text(
        "Eksport af systemlisten til CSV")
    expect(page.locator("#create-top #top-title")).to_be_focused()
    page.locator("#bottom-title").fill("Arkivering af gamle kontrakter")
    page.locator("#create-bottom").get_by_role("button", name="Opret").click()
    expect(page.locator("#backlog-created-bottom .row-title")).to_have_text(
        ["Arkivering af gamle kontrakter"])
    expect(page.locator("#create-bottom #bottom-title")).to_be_focused()
    page.reload()
    expect(page.locator("#backlog-rows .row-title").first).to_have_text(
        "Eksport af systemlisten til CSV")
    number = page.locator("#backlog-rows tr[data-id]").first.get_attribute("data-number")
    page.locator(f"#edit-estimate-{number}").click()
    field = page.locator(f"#inline-estimate-{number}")
    field.fill("3,5")
    field.press("Enter")
    expect(page.locator(f"#edit-estimate-{number}")).to_be_focused()
    page.reload()
    assert "3.5" in page.locator(f"#row-{number}").inner_text()


def test_item_dialog_from_the_board_and_the_item_page(page, make):
    key = make.project({PO_AARHUS: ["product_owner"]})
    number = make.item(key, "Kort til godkendelse", PO_AARHUS, status="acceptance")
    sign_in(page, PO_AARHUS)
    page.goto(f"/p/{key}/board")
    page.evaluate("htmx.config.defaultSettleDelay = 1500")  # its forms work once it is open
    page.locator(f"#card-link-{number}").click()
    dialog = page.locator("#item-dialog")
    dialog.wait_for(state="visible")
    expect(dialog.get_by_role("heading", level=2).first).to_be_visible()
    axe_check(page, "item dialog")
    dialog.locator("textarea[name=body]").fill("Ser fint ud i **Aarhus**")
    with page.expect_response(re.compile(r"/items/preview$")):
        dialog.get_by_role("button", name="Forhåndsvis").click()
    expect(dialog.locator("#comment-preview strong")).to_have_text("Aarhus")
    dialog.get_by_role("button", name="Tilføj kommentar").click()
    expect(dialog.locator(".comment", has_text="Ser fint ud i")).to_have_count(1)
    # Closing the dialog asks the board for changes made in it.
    with page.expect_request(re.compile(r"/board/changes")):
        page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == f"card-link-{number}"
    page.goto(f"/p/{key}/items/{number}")
    expect(page.get_by_text("Ser fint ud i")).to_be_visible()
    page.locator("#item-edit summary").click()
    expect(page.locator("#item-edit textarea[name=description]")).to_be_visible()
    axe_check(page, "item page with the edit form open")
    page.get_by_role("button", name="Godkend (færdig)").click()
    page.get_by_text(f"{key}-{number} er godkendt og færdig.").first.wait_for()
    page.reload()
    assert page.locator(".item-head .status").inner_text() == "Færdig"


def test_swimlanes_are_accessible(page):
    sign_in(page, PO)
    page.goto("/p/OVB/board?lanes=epic")
    assert page.locator(".lane").count() >= 2
    axe_check(page, "board with swimlanes")
