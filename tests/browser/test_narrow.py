"""The small things people ran into, in the browser: at a phone's 390 px no page scrolls
sideways (the board and wide tables scroll inside their own region), and a refused title gets
the red border every invalid field has."""
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

BALLERUP = "po@ballerup.example"  # product owner and secretariat in OVB
ADMIN = "admin@samspil.example"
DANGER = "rgb(164, 22, 26)"  # --danger

MEMBER_PAGES = ["/", "/p/OVB/", "/p/OVB/backlog", "/p/OVB/board", "/p/OVB/board?lanes=1",
                "/p/OVB/items/7", "/p/OVB/sprints", "/p/OVB/needs", "/p/OVB/needs/1",
                "/p/OVB/decisions", "/p/OVB/digest", "/p/OVB/members", "/p/OVB/audit",
                "/settings"]
ADMIN_PAGES = ["/audit", "/organisations", "/admin/digests", "/projects/new"]
PUBLIC_PAGES = ["/login", "/roadmap/OVB"]


def _sideways(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def _phone(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="da-DK",
                                  timezone_id="Europe/Copenhagen",
                                  viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    return context


def test_no_page_scrolls_sideways_at_390_px(browser, live_server):
    context = _phone(browser, live_server)
    page = context.new_page()
    try:
        wider = {}
        for path in PUBLIC_PAGES:
            page.goto(path)
            wider[path] = _sideways(page)
        sign_in(page, BALLERUP)
        for path in MEMBER_PAGES:
            page.goto(path)
            wider[path] = _sideways(page)
        page.goto("/p/OVB/sprints")
        page.locator("a[href^='/p/OVB/sprints/']").first.click()  # the active sprint's page
        page.wait_for_url("**/p/OVB/sprints/*")  # measured there, not mid-navigation
        wider["a sprint"] = _sideways(page)
        page.goto("/p/OVB/board")
        board = page.locator("#board-grid")
        assert board.evaluate("el => el.scrollWidth > el.clientWidth")  # it scrolls in itself
        axe_check(page, "board at 390 px")
        context.clear_cookies()
        sign_in(page, ADMIN)
        for path in ADMIN_PAGES:
            page.goto(path)
            wider[path] = _sideways(page)
        assert {path: px for path, px in wider.items() if px > 0} == {}
    finally:
        context.close()


def test_a_refused_title_gets_a_red_border(page, make):
    key = make.project({BALLERUP: ["product_owner"]})
    sign_in(page, BALLERUP)
    page.goto(f"/p/{key}/backlog")
    title = page.locator("#top-title")
    title.fill("   ")  # passes the browser's "required", not the server's rule
    page.locator("#create-top").get_by_role("button", name="Opret").click()
    expect(title).to_have_attribute("aria-invalid", "true")
    assert title.evaluate("el => getComputedStyle(el).borderTopColor") == DANGER
    page.goto(f"/p/{key}/needs/new")
    page.get_by_label("Titel").fill("   ")
    page.get_by_role("button", name="Indsend behovet").click()
    need_title = page.get_by_label("Titel")
    expect(need_title).to_have_attribute("aria-invalid", "true")
    assert need_title.evaluate("el => getComputedStyle(el).borderTopColor") == DANGER
