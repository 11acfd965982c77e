"""Removing a member in the browser: a question in a dialog first, operable by keyboard alone
(focus inside it, Tab kept inside, Escape closes and gives the focus back), then the removal."""
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in
from tests.browser.data import project_name

BALLERUP = "po@ballerup.example"
ROSKILDE = "fag@roskilde.example"


def test_removing_a_member_asks_first_in_a_dialog_operable_by_keyboard(page, make):
    key = make.project({BALLERUP: ["secretariat"], ROSKILDE: ["contributor"]})
    sign_in(page, BALLERUP)
    page.goto(f"/p/{key}/members")
    remove = page.get_by_role("link", name="Fjern Lise Holm")
    remove.focus()
    page.keyboard.press("Enter")

    dialog = page.get_by_role("dialog", name=f"Fjern Lise Holm fra {project_name(key)}?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("mister sine roller i projektet (Fagperson)")
    cancel = dialog.get_by_role("link", name="Annullér")
    confirm = dialog.get_by_role("button", name="Fjern Lise Holm")
    expect(cancel).to_be_focused()
    axe_check(page, "remove member dialog")
    page.keyboard.press("Tab")
    expect(confirm).to_be_focused()  # Tab stays in the dialog
    page.keyboard.press("Tab")
    expect(cancel).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(remove).to_be_focused()  # back where the person was

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(confirm).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Lise Holm er ikke længere medlem.")).to_be_visible()
    expect(page.get_by_role("link", name="Fjern Lise Holm")).to_have_count(0)


def test_without_javascript_the_question_is_a_page(browser, live_server, make):
    key = make.project({BALLERUP: ["secretariat"], ROSKILDE: ["contributor"]})
    context = browser.new_context(base_url=live_server, locale="da-DK",
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, BALLERUP)
        page.goto(f"/p/{key}/members")
        page.get_by_role("link", name="Fjern Lise Holm").click()
        expect(page.get_by_role("heading", level=1,
                                name=f"Fjern Lise Holm fra {project_name(key)}?")).to_be_visible()
        page.get_by_role("link", name="Annullér").click()
        expect(page.get_by_role("link", name="Fjern Lise Holm")).to_be_visible()
        page.get_by_role("link", name="Fjern Lise Holm").click()
        page.get_by_role("button", name="Fjern Lise Holm").click()
        expect(page.get_by_text("Lise Holm er ikke længere medlem.")).to_be_visible()
    finally:
        context.close()
