"""The XSS corpus renders inert in Markdown and in every plain field shown on a page."""
import pytest
from markupsafe import escape

from app.markdown import render_markdown
from app.projects.models import Role
from app.projects.queries import PER_PAGE
from tests.security.xss_corpus import (PAYLOADS, assert_inert_fragment, assert_inert_page,
                                       assert_links_are_safe, problems)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_renders_every_payload_inert(app, payload):
    html = render_markdown(payload)
    assert_inert_fragment(html)
    assert_links_are_safe(html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_payload_inside_a_document_stays_inert(app, payload):
    html = render_markdown(f"# Behov\n\nSe [OS2](https://os2.eu) og *dette*:\n\n{payload}"
                           "\n\n- punkt")
    assert_inert_fragment(html)
    assert_links_are_safe(html)


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "user:" in p or "ALPHA" in p])
def test_mentions_and_references_stay_inert_where_they_resolve(world, login, factory, db,
                                                              payload):
    """On an item page mentions resolve to members' names (here a hostile one) and references
    become links: still only safe markup."""
    from app.backlog.services import create_item

    po = world.users["product_owner"]
    hostile = factory.user(world.muni_a, name='<img src=x onerror=alert(1)>',
                           roles=[Role.CONTRIBUTOR], project=world.project_a)
    create_item(world.project_a, po, "Target")
    item = create_item(world.project_a, po, "Hostile",
                       description=payload.replace("user:1", f"user:{hostile.id}"))
    db.session.commit()
    page = login(po).get(f"/p/ALPHA/items/{item.number}").get_data(as_text=True)
    assert_inert_page(page)  # Markdown: the payload is rendered, not shown verbatim


def test_markdown_keeps_safe_links_with_rel():
    html = render_markdown("[Kitos](https://os2.eu/produkt/os2kitos) og <https://example.org> "
                           "og [skriv](mailto:kitos@os2.eu)")
    assert html.count("<a ") == 3
    assert_links_are_safe(html)
    assert 'href="https://os2.eu/produkt/os2kitos"' in html


def test_the_checker_itself_catches_live_markup():
    # The corpus checks must fail on the things they look for, or they prove nothing.
    for live in ('<script>alert(1)</script>', '<a href="javascript:alert(1)">x</a>',
                 '<a href=" &#106;avascript:alert(1)">x</a>', '<img src=x onerror=alert(1)>',
                 '<svg onload=alert(1)>', '<p style="color:red">x</p>',
                 '<a href="data:text/html,x">x</a>', '<iframe src="https://x"></iframe>'):
        assert problems(live), live


def _unique(payloads, limit=120):
    """Payloads cut to a field's length, made distinct (names are unique ignoring case)."""
    return [f"{i} {p}"[:limit] for i, p in enumerate(payloads)]


def test_organisation_names_are_escaped(world, client, login, factory, db):
    names = _unique(PAYLOADS)
    for name in names:
        factory.community(name)
    db.session.commit()
    login(world.users["site_admin"])
    html = client.get("/organisations").get_data(as_text=True)
    assert_inert_page(html)
    for name in names:
        assert str(escape(name.strip())) in html, name


def test_organisation_names_in_a_project_are_escaped(world, client, login, factory, db):
    from app.projects.services import add_participation

    names = _unique(PAYLOADS)
    for name in names:
        add_participation(world.project_a, factory.community(name), "member")
    db.session.commit()
    login(world.users["secretariat"])
    html = _members_pages_inert(client, len(names) + len(world.users))
    for name in names:
        assert str(escape(name.strip())) in html, name
    # The overview's recent activity names the latest of them, a page at a time.
    _assert_audit_pages_inert(client, "/p/ALPHA/activity?x=", names[-20:])
    assert_inert_page(client.get("/p/ALPHA/").get_data(as_text=True))
    _assert_audit_pages_inert(client, "/p/ALPHA/audit?action=participation.added", names)


def _members_pages_inert(client, members: int) -> str:
    """Every page of ALPHA's members (PER_PAGE at a time) is inert; their markup together."""
    pages = -(-members // PER_PAGE)
    html = ""
    for page in range(1, pages + 1):
        shown = client.get(f"/p/ALPHA/members?page={page}").get_data(as_text=True)
        assert_inert_page(shown)
        html += shown
    return html


def _assert_audit_pages_inert(client, url, texts):
    """Every page of an audit listing is inert and together they show every text."""
    html_pages = [client.get(f"{url}&page={n}").get_data(as_text=True) for n in (1, 2)]
    for html in html_pages:
        assert_inert_page(html)
    for text in texts:
        assert any(str(escape(text.strip())) in html for html in html_pages), text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_project_name_and_description_are_escaped(world, client, login, factory, db, payload):
    project = factory.project("XSS", payload[:120].strip() or "x", [world.muni_a],
                              description=payload)
    user = factory.user(world.muni_a, roles=[Role.SECRETARIAT], project=project)
    db.session.commit()
    login(user)
    for url in ("/", "/p/XSS/", "/p/XSS/members", "/p/XSS/audit"):
        html = client.get(url).get_data(as_text=True)
        assert_inert_page(html)
        assert str(escape(project.name)) in html, url
    assert str(escape(payload.strip())) in client.get("/p/XSS/").get_data(as_text=True)


def test_user_names_are_escaped(world, client, login, factory, db):
    names = _unique(PAYLOADS)
    for name in names:
        factory.user(world.muni_a, name=name, roles=[Role.CONTRIBUTOR], project=world.project_a)
    db.session.commit()
    login(world.users["secretariat"])
    html = _members_pages_inert(client, len(names) + len(world.users))
    for name in names:
        assert str(escape(name.strip())) in html, name
    _assert_audit_pages_inert(client, "/p/ALPHA/audit?action=project.member_added", names)


@pytest.mark.parametrize("payload", PAYLOADS[:12])
def test_own_name_in_the_header_is_escaped(world, client, login, factory, db, payload):
    user = factory.user(world.muni_a, name=payload[:120], roles=[Role.OBSERVER],
                        project=world.project_a)
    db.session.commit()
    login(user)
    html = client.get("/settings").get_data(as_text=True)
    assert_inert_page(html, payload[:120].strip())


def test_e_mail_tried_at_sign_in_is_escaped_in_the_audit_log(world, client, login):
    tried = [p[:200] for p in PAYLOADS]
    for email in tried:
        client.post("/login", data={"email": email, "password": "wrong-password-here"})
    login(world.users["site_admin"])
    html = client.get("/audit?action=account.sign_in_failed").get_data(as_text=True)
    assert_inert_page(html)
    assert html.count("&lt;script&gt;") >= 3


def test_cards_rows_and_member_choices_show_hostile_text_as_text(world, client, login, factory,
                                                                  db):
    # The board's cards and the member choices are written in Python for speed
    # (app/board/cards.py, app/web.member_options), outside Jinja's autoescaping; backlog rows
    # likewise (app/backlog/rows.py), in every state a row can be shown in.
    from app.backlog.models import MAX_LABEL
    from app.backlog.services import create_item, update_item

    payloads = _unique(PAYLOADS[:20])
    po = world.users["product_owner"]
    items = []
    for i, text in enumerate(payloads):
        person = factory.user(world.muni_a, name=text, roles=[Role.DEVELOPER],
                              project=world.project_a)
        epic = create_item(world.project_a, po, f"{i} {text}"[:200], type="epic")
        item = create_item(world.project_a, po, text[:200], assignee_id=person.id,
                           parent_id=epic.id, labels=[f"{i} {text}".replace(",", " ")[:MAX_LABEL]])
        update_item(item, po, {"is_blocked": True, "blocked_reason": text})
        items.append(item)
    db.session.commit()
    login(po)
    for url in ("/p/ALPHA/board", "/p/ALPHA/board?lanes=epic", "/p/ALPHA/backlog"):
        html = client.get(url).get_data(as_text=True)
        assert_inert_page(html)
        for text in payloads:
            assert str(escape(text.strip())) in html, (url, text)
    backlog = client.get("/p/ALPHA/backlog").get_data(as_text=True)
    assert backlog.count('class="label-tag"') >= len(payloads)
    htmx = {"HX-Request": "true"}
    for item in items[:6]:
        base = f"/p/ALPHA/items/{item.number}"
        for url in (f"{base}/row", f"{base}/fields/title", f"{base}/fields/assignee"):
            response = client.get(url, headers=htmx)
            assert response.status_code == 200, url
            html = response.get_data(as_text=True)
            assert_inert_page(html)
            assert str(escape(item.title)) in html, url
