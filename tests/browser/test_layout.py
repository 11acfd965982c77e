"""Layout and text safety in the browser: what people type cannot make a page wider than the
screen (WCAG 1.4.10 reflow), and a right-to-left override in a name cannot reorder the text
around it."""
from tests.browser.conftest import sign_in

BALLERUP = "po@ballerup.example"
ADMIN = "admin@samspil.example"
LONG_TITLE = "Titel" + "x" * 195  # the longest title an item or need may have, unbroken
LONG_NAME = "Navn" + "y" * 116  # the longest name an account may have, unbroken
LONG_TEXT = "Tekst" + "z" * 4995  # 5,000 characters of Markdown without a space
RLO = "\u202e"
REVERSED_NAME = f"Mallory {RLO}gnirts desrever"


def _sideways(page) -> list[str]:
    """When the page is wider than the window: the innermost elements that stick out (none
    when the page reflows)."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            const out = [...document.body.querySelectorAll('*')].filter(
                el => el.getBoundingClientRect().right > width + 1
                      && el.closest('.board, .scroll-region') === null);
            return out.filter(el => !out.some(o => o !== el && el.contains(o)))
                      .map(el => el.outerHTML.slice(0, 120));
        }""")


def _unisolated(page, marker: str) -> list[str]:
    """The elements showing text with `marker` that no <bdi> or dir="auto" isolates (an
    <option> is a line of its own: nothing around it to reorder)."""
    return page.evaluate(
        """(marker) => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const bad = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (node.data.includes(marker)
                        && !node.parentElement.closest('bdi, [dir="auto"], option')) {
                    bad.push(node.parentElement.outerHTML.slice(0, 200));
                }
            }
            return bad;
        }""", marker)


def _long_texts_project(make) -> tuple[str, str, int, int]:
    key = make.project({BALLERUP: ["product_owner", "secretariat"]})
    person = make.person(key, LONG_NAME, like=BALLERUP, roles=["product_owner"])
    number = make.item(key, LONG_TITLE, BALLERUP, assignee=person, status="ready",
                       description=LONG_TEXT, acceptance_criteria=LONG_TEXT,
                       labels=["l" * 40], estimate=3)
    make.comment(key, number, person, LONG_TEXT)
    need = make.need(key, LONG_TITLE, person, background=LONG_TEXT, desired_outcome=LONG_TEXT)
    make.decision(key, LONG_TITLE, BALLERUP, text=LONG_TEXT)
    return key, person, number, need


def test_long_unbroken_texts_do_not_widen_the_pages(page, make):
    key, person, number, need = _long_texts_project(make)
    sign_in(page, person)
    wider = {}
    for path in (f"/p/{key}/board", f"/p/{key}/backlog", f"/p/{key}/items/{number}",
                 f"/p/{key}/needs/{need}", f"/p/{key}/needs", f"/p/{key}/members",
                 f"/p/{key}/decisions", f"/p/{key}/digest", "/"):
        page.goto(path)
        wider[path] = _sideways(page)
    assert {path: out for path, out in wider.items() if out} == {}


def test_a_right_to_left_override_in_a_name_is_isolated(page, make):
    key = make.project({BALLERUP: ["product_owner", "secretariat"]})
    person = make.person(key, REVERSED_NAME, like=BALLERUP, roles=["product_owner"])
    number = make.item(key, "Eksport til regneark", person, assignee=person, status="ready")
    make.comment(key, number, person, "En kommentar.")
    need = make.need(key, "Bedre overblik", person)
    sign_in(page, person)
    unisolated = {}
    for path in (f"/p/{key}/board", f"/p/{key}/backlog", f"/p/{key}/items/{number}",
                 f"/p/{key}/needs/{need}", f"/p/{key}/needs", f"/p/{key}/members"):
        page.goto(path)
        assert page.get_by_text("gnirts desrever").count() > 0, path
        unisolated[path] = _unisolated(page, RLO)
    page.context.clear_cookies()
    sign_in(page, ADMIN)
    page.goto("/audit")
    assert page.get_by_text("gnirts desrever").count() > 0, "/audit"
    unisolated["/audit"] = _unisolated(page, RLO)
    assert {path: out for path, out in unisolated.items() if out} == {}
