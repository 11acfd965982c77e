"""The site's header, head links and footer are kept as markup per process (app/web/kept.py),
yet each person sees their own name, organisation and menu, in their language, with their own
CSRF token in the sign-out form, and a change of name shows at once."""
import re

from app.extensions import db
from tests.pages import own_browser

HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
SIGN_OUT_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _header(page: str) -> str:
    return page[page.index('<header class="site-header">'):page.index("</header>")]


def test_each_person_sees_themselves_and_their_own_menu(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    pages = {}
    for person in ("developer", "product_owner", "site_admin", "developer"):
        page = own_browser(app, world.users[person]).get("/").get_data(as_text=True)
        header = _header(page)
        user = world.users[person]
        assert f"<bdi>{user.name}</bdi> · <bdi>{user.organisation.name}</bdi>" in header
        # The sign-out form carries the page's own token, put in afresh.
        assert SIGN_OUT_TOKEN.findall(header) == [HEADER_TOKEN.search(page).group(1)]
        assert "\x00" not in page
        pages[person] = header
    assert "/admin/users" in pages["site_admin"]
    assert "/admin/users" not in pages["developer"] + pages["product_owner"]
    assert "A product_owner" not in pages["developer"]


def test_the_kept_sign_out_form_signs_out(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    for _ in range(2):  # written, then kept
        client = own_browser(app, world.users["developer"])
        header = _header(client.get("/").get_data(as_text=True))
        token = SIGN_OUT_TOKEN.search(header).group(1)
        assert client.post("/logout", data={"csrf_token": token}).status_code in (302, 303)
        assert client.get("/").status_code in (302, 303)  # signed out: sent to sign in


def test_a_new_name_shows_at_once_and_my_work_is_marked_only_on_its_page(app, world, login):
    client = login(world.users["developer"])
    assert "A developer" in _header(client.get("/").get_data(as_text=True))
    world.users["developer"].name = "Dorte Udvikler"
    db.session.commit()
    header = _header(client.get("/").get_data(as_text=True))
    assert "Dorte Udvikler" in header and "A developer" not in header
    assert 'aria-current="page"' not in header
    assert 'aria-current="page"' in _header(client.get("/my").get_data(as_text=True))


def test_the_header_speaks_each_readers_language(world, login):
    client = login(world.users["developer"])
    for language, words in (("en", "My projects"), ("da", "Mine projekter"),
                            ("en", "My projects")):
        page = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
        assert words in _header(page)
        assert words in page[:page.index("<main")]
