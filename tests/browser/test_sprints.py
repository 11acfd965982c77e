"""Sprints in a real browser: plan by keyboard and by drag-and-drop between the ranked backlog
and the sprint, with the result announced and kept after a reload (each test plans a sprint of
its own project); the demo's sprints page, its active and a closed sprint with their
burndowns, and the review all pass axe-core."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, eventually, sign_in

LEAD = "lead@nordlys.example"
PO = "po@ballerup.example"


def keys_in(page, list_id: str) -> list[str]:
    return page.locator(f"#{list_id} li[data-id]").evaluate_all(
        "items => items.map(i => i.dataset.key)")


def open_sprint(page, name: str) -> None:
    page.goto("/p/OVB/sprints")
    page.get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_url(re.compile(r"/p/OVB/sprints/\d+$"))


def drag(page, source, target, offset=30) -> None:
    """Drag with the mouse in small steps, as a person does (SortableJS's pointer fallback)."""
    box, goal = source.bounding_box(), target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    gx, gy = goal["x"] + goal["width"] / 2, goal["y"] + offset
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(x + (gx - x) * i / 20, y + (gy - y) * i / 20)
        page.wait_for_timeout(15)
    page.mouse.up()


def test_sprint_pages_are_accessible(page):
    sign_in(page, "styregruppe@kobenhavn.example")
    page.goto("/p/OVB/sprints")
    expect(page.get_by_role("heading", name="Sprints", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Velocity"))).to_be_visible()
    axe_check(page, "sprints page")
    open_sprint(page, "Sprint 4")
    expect(page.get_by_role("img", name="Burndown for Sprint 4")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Burndown for Sprint 4"))).to_be_visible()
    axe_check(page, "active sprint with its burndown")
    page.get_by_role("link", name="Sprintgennemgang").click()
    expect(page.get_by_role("heading", name="Sprintgennemgang: Sprint 4")).to_be_visible()
    expect(page.get_by_role("button", name="Udskriv")).to_be_visible()
    axe_check(page, "review of the active sprint")
    open_sprint(page, "Sprint 3")
    expect(page.get_by_role("heading", name="Retrospektiv")).to_be_visible()
    axe_check(page, "closed sprint with its retrospective")
    page.get_by_role("link", name="Sprintgennemgang").click()
    expect(page.get_by_role("heading", name=re.compile("Leveret og godkendt"))).to_be_visible()
    axe_check(page, "review of a closed sprint")


def test_planning_by_keyboard(page, make):
    key = make.project({LEAD: ["delivery_lead"]})
    sprint = make.sprint(key, "Sprint 1", LEAD)
    first, second, third = (make.item(key, title, LEAD, estimate=3) for title in (
        "Eksport til regneark", "Søgning i systemlisten", "Påmindelse om kontraktudløb"))
    sign_in(page, LEAD)
    page.goto(f"/p/{key}/sprints/{sprint}")
    axe_check(page, "planning a sprint")
    eventually(page, lambda: keys_in(page, "plan-backlog"),
               [f"{key}-{n}" for n in (first, second, third)])
    page.locator(f"#commit-{first}").focus()
    with page.expect_response(re.compile(r"/sprints/\d+/items$")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    assert "shown=3" in answer.value.request.post_data  # the backlog rows the answer re-renders
    expect(page.locator(f"#plan-sprint #plan-{first}")).to_have_count(1)
    expect(page.locator(f"#commit-{second}")).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text(f"{key}-{first} er lagt i Sprint 1")
    expect(page.locator("#plan-totals")).to_contain_text("3 af 20 point")
    axe_check(page, "planning after a keyboard commit")
    page.reload()
    eventually(page, lambda: keys_in(page, "plan-sprint"), [f"{key}-{first}"])
    eventually(page, lambda: keys_in(page, "plan-backlog"),
               [f"{key}-{n}" for n in (second, third)])
    page.locator(f"#remove-{first}").focus()
    with page.expect_response(re.compile(r"/items/remove$")):
        page.keyboard.press("Enter")
    expect(page.locator(f"#plan-backlog #plan-{first}")).to_have_count(1)
    expect(page.locator("#announcer")).to_contain_text(f"{key}-{first} er taget ud af Sprint 1")
    page.reload()
    # back where its rank puts it
    eventually(page, lambda: keys_in(page, "plan-backlog"),
               [f"{key}-{n}" for n in (first, second, third)])


def test_planning_by_drag_and_drop(page, make):
    key = make.project({PO: ["product_owner"]})
    sprint = make.sprint(key, "Sprint 1", PO)
    first, second = (make.item(key, title, PO, estimate=2) for title in (
        "Eksport til regneark", "Søgning i systemlisten"))
    page.set_viewport_size({"width": 1400, "height": 2400})  # both whole lists in view
    sign_in(page, PO)
    page.goto(f"/p/{key}/sprints/{sprint}")
    page.locator("#planning").scroll_into_view_if_needed()
    with page.expect_response(re.compile(r"/sprints/\d+/items$")) as answer:
        drag(page, page.locator(f"#plan-{first} .drag-handle"), page.locator("#plan-sprint"))
    assert answer.value.status == 200
    assert "shown=1" in answer.value.request.post_data  # the rows left in the backlog list
    expect(page.locator(f"#plan-sprint #plan-{first}")).to_have_count(1)
    expect(page.locator("#announcer")).to_contain_text(f"{key}-{first} er lagt i Sprint 1")
    expect(page.locator("#plan-totals")).to_contain_text("2 af 20 point")
    page.reload()
    eventually(page, lambda: keys_in(page, "plan-sprint"), [f"{key}-{first}"])
    page.locator("#planning").scroll_into_view_if_needed()
    with page.expect_response(re.compile(r"/items/remove$")):
        drag(page, page.locator(f"#plan-{first} .drag-handle"), page.locator("#plan-backlog"))
    expect(page.locator(f"#plan-backlog #plan-{first}")).to_have_count(1)
    page.reload()
    eventually(page, lambda: keys_in(page, "plan-sprint"), [])
    eventually(page, lambda: keys_in(page, "plan-backlog"),
               [f"{key}-{n}" for n in (first, second)])
    axe_check(page, "planning after drag-and-drop")
