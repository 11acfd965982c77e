"""Blank forms are written once per process and key (app/web/blank_forms.py), yet each person
still gets their own CSRF token and each sight a fresh idempotency key, in their language; a
form that was sent with errors shows what was typed."""
import re

from sqlalchemy import func, select

from app.backlog.models import MAX_TITLE, Item
from app.extensions import db
from tests.pages import own_browser

TOKEN = re.compile(r'name="(?:top-|bottom-)?csrf_token" type="hidden" value="([^"]+)"')
HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
IDEMPOTENCY = re.compile(r'name="(top|bottom)-idempotency_key" type="hidden" value="([^"]+)"')


def _create_form(page: str, position: str) -> str:
    return page[page.index(f'<form id="create-{position}"'):].split("</form>", 1)[0]


def test_each_person_gets_their_own_token_and_a_fresh_key_at_each_sight(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    seen_tokens, seen_keys = set(), []
    for person in ("developer", "product_owner", "developer"):
        client = own_browser(app, world.users[person])
        page = client.get("/p/ALPHA/backlog").get_data(as_text=True)
        token = HEADER_TOKEN.search(page).group(1)
        for position in ("top", "bottom"):
            form = _create_form(page, position)
            assert TOKEN.findall(form) == [token]  # the page's own token, nobody else's
            assert "\x00" not in form
        seen_tokens.add(token)
        seen_keys += [key for _position, key in IDEMPOTENCY.findall(page)]
    assert len(seen_tokens) == 3
    assert len(seen_keys) == 6 and len(set(seen_keys)) == 6

    # The form as the page wrote it creates the item (CSRF checked for real).
    client = own_browser(app, world.users["developer"])
    page = client.get("/p/ALPHA/backlog").get_data(as_text=True)
    form = _create_form(page, "bottom")
    data = dict(re.findall(r'name="([^"]+)" type="hidden" value="([^"]*)"', form))
    data.update({"bottom-title": "Fra den gemte formular", "bottom-type": "story"})
    answer = client.post("/p/ALPHA/backlog/items", data=data)
    assert answer.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Item)) == 1


def test_the_kept_form_speaks_each_readers_language(world, login):
    client = login(world.users["developer"])
    pages = {language: client.get("/p/ALPHA/backlog", headers={"Accept-Language": language})
             .get_data(as_text=True) for language in ("en", "da", "en")}
    english, danish = _create_form(pages["en"], "top"), _create_form(pages["da"], "top")
    assert "New item at the top" in english and "Estimate (points)" in english
    assert "New item at the top" not in danish and "Estimate (points)" not in danish


def test_a_form_sent_with_errors_shows_them_and_the_next_sight_is_blank(world, login):
    client = login(world.users["developer"])
    client.get("/p/ALPHA/backlog")  # the blank form is kept
    typed = "x" * (MAX_TITLE + 1)
    answer = client.post("/p/ALPHA/backlog/items", data={
        "bottom-title": typed, "bottom-type": "bug", "bottom-idempotency_key": "k" * 24})
    assert answer.status_code in (400, 422)
    form = _create_form(answer.get_data(as_text=True), "bottom")
    assert typed in form and 'aria-invalid="true"' in form
    assert re.search(r'<option selected value="bug">|<option value="bug" selected', form)
    again = _create_form(client.get("/p/ALPHA/backlog").get_data(as_text=True), "bottom")
    assert typed not in again and 'aria-invalid' not in again
    assert db.session.scalar(select(func.count()).select_from(Item)) == 0
