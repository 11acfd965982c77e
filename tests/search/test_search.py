"""/search: every kind, Danish stemming, the query syntax, filters, paging, the key jump, and
isolation between projects and organisations — through the real stack on either database."""
import re

import pytest

from app.backlog.services import create_item, update_item
from app.extensions import db
from app.search.syntax import MAX_LENGTH
from tests.security.xss_corpus import PAYLOADS, assert_inert_page

HX = {"HX-Request": "true"}


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def titles(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in
            re.findall(r'class="search-hit__title"><a href="[^"]*">(.*?)</a>', html)]


def search(client, query: str, **args):
    response = client.get("/search", query_string={"q": query, **args})
    return response, response.get_data(as_text=True)


def test_one_search_finds_every_kind_with_its_key_project_and_status(corpus, login):
    client = login(corpus.world.users["observer"])
    response, html = search(client, "beredskabsplan")
    assert response.status_code == 200
    shown = titles(html)
    assert set(shown) == {"Beredskabsplan for it-drift", "Kontrakt med leverandør",
                          "Fælles beredskabsplaner", "Krisestyring prioriteres"}
    # a word in the title weighs more than the same word in a comment
    assert shown.index("Beredskabsplan for it-drift") < shown.index("Kontrakt med leverandør")
    assert "4 results" in html
    assert 'href="/p/ALPHA/items/1"' in html and "ALPHA-1" in html and "Backlog" in html
    assert 'href="/p/ALPHA/items/2#comment-' in html and "Comment" in html
    assert f'href="/p/ALPHA/needs/{corpus.need.number}"' in html and "Submitted" in html
    assert f'href="/p/ALPHA/decisions/{corpus.decision.id}"' in html
    assert html.count("Alfa") >= 4  # the project's name on every result
    _, notes = search(client, "interview")
    assert titles(notes) == ["Fælles beredskabsplaner"] and "Discovery note" in notes


@pytest.mark.parametrize("query", ["beredskabsplaner", "beredskabsplanerne", "Beredskabsplan",
                                   "BEREDSKABSPLANEN"])
def test_danish_inflections_find_each_other(corpus, login, query):
    client = login(corpus.world.users["observer"])
    found = set(titles(search(client, query)[1]))
    assert {"Beredskabsplan for it-drift", "Fælles beredskabsplaner"} <= found


def test_stemming_differs_where_documented(corpus, login):
    """PostgreSQL matches stemmed words whole; SQLite matches the stem as a prefix, so a word
    also finds the longer compounds it begins (app/search/__init__.py says so)."""
    client = login(corpus.world.users["observer"])
    found = set(titles(search(client, "krise")[1]))
    if is_postgres():
        assert found == set()
    else:
        assert found == {"Fælles beredskabsplaner", "Krisestyring prioriteres"}
    assert titles(search(client, "nedbrud")[1]) == ["Beredskabsplan for it-drift"]


def test_quotes_minus_and_or(corpus, login):
    client = login(corpus.world.users["observer"])
    assert "Krisestyring prioriteres" in titles(search(client, '"fælles beredskabsplan"')[1])
    assert titles(search(client, '"beredskabsplan fælles"')[1]) == []  # a phrase keeps its order
    assert "Krisestyring prioriteres" in titles(search(client, "beredskabsplan fælles")[1])
    assert "Beredskabsplan for it-drift" not in titles(search(client, "beredskabsplan -drift")[1])
    assert set(titles(search(client, "nødprocedurer or vagtordningen")[1])) == {
        "Beredskabsplan for it-drift", "Kontrakt med leverandør"}
    assert titles(search(client, "nødprocedurer vagtordningen")[1]) == []


def test_members_see_only_their_projects_not_even_counted(corpus, login):
    world = corpus.world
    client = login(world.users["observer"])
    _, html = search(client, "odense")
    assert "Hemmelig" not in html and "0 results" in html
    _, html = search(client, "krisestyring")
    assert "Odense" not in html and "Beta" not in html
    response, html = search(client, "krisestyring", project="BETA")
    assert response.status_code == 422 and "project" in html and "Odense" not in html
    client = login(world.users["outsider"])
    _, html = search(client, "beredskabsplan")
    assert titles(html) == ["Hemmelig beredskabsplan i Odense"] and "1 result" in html


def test_site_administrators_search_only_projects_they_are_members_of(corpus, login):
    client = login(corpus.world.users["site_admin"])
    _, html = search(client, "beredskabsplan")
    assert titles(html) == [] and "0 results" in html


def test_filters_by_project_kind_and_status(corpus, login):
    world = corpus.world
    client = login(world.users["product_owner"])
    assert titles(search(client, "beredskabsplan", kind="need")[1]) == ["Fælles beredskabsplaner"]
    assert titles(search(client, "beredskabsplan", kind="decision")[1]) == [
        "Krisestyring prioriteres"]
    create_item(world.project_a, world.users["product_owner"], "Klar beredskabsplan",
                status="ready")
    db.session.commit()
    assert titles(search(client, "beredskabsplan", status="ready")[1]) == ["Klar beredskabsplan"]
    assert titles(search(client, "beredskabsplan", status="submitted")[1]) == [
        "Fælles beredskabsplaner"]
    assert len(titles(search(client, "beredskabsplan", project="ALPHA")[1])) == 5
    response, html = search(client, "x", kind="bogus", status="nope")
    assert response.status_code == 422 and "kind, status" in html


def test_results_come_a_page_at_a_time_with_and_without_htmx(world, login):
    po = world.users["product_owner"]
    for n in range(23):
        create_item(world.project_a, po, f"Sag {n:02d} om vejrvarsler")
    db.session.commit()
    client = login(po)
    _, first = search(client, "vejrvarsler")
    assert len(titles(first)) == 20 and "23 results" in first and "page 1 of 2" in first
    assert 'href="/search?q=vejrvarsler&amp;page=2"' in first
    response, second = search(client, "vejrvarsler", page="2")
    assert len(titles(second)) == 3 and not set(titles(first)) & set(titles(second))
    response = client.get("/search?q=vejrvarsler&page=2", headers=HX)
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="search-results"') and "<html" not in fragment
    assert len(titles(fragment)) == 3 and "HX-Request" in response.headers["Vary"]
    assert "23 results." in response.headers["HX-Trigger"]
    assert search(client, "vejrvarsler", page="0")[0].status_code == 422


def test_an_exact_key_jumps_to_the_item_the_person_may_see(corpus, login):
    world = corpus.world
    client = login(world.users["observer"])
    for key in ("ALPHA-1", " alpha-1 "):
        response = client.get("/search", query_string={"q": key})
        assert response.status_code == 303 and response.headers["Location"] == "/p/ALPHA/items/1"
    for unseen in ("BETA-1", "ALPHA-999", "ALPHA-99999999999999"):
        response, html = search(client, unseen)
        assert response.status_code == 200 and "Hemmelig" not in html
    assert client.get("/search?q=ALPHA-1", headers=HX).status_code == 200  # typing: no jump


def test_snippets_highlight_and_escape_what_people_wrote(world, login):
    po = world.users["product_owner"]
    for payload in PAYLOADS:
        create_item(world.project_a, po, "Farlig tekst",
                    description=f"kaffemaskine {payload} kaffemaskine")
    db.session.commit()
    create_item(world.project_a, po, "<b>Fed</b> titel",
                description="teskefuld <script>alert(1)</script> teskefuld")
    db.session.commit()
    client = login(po)
    for page in ("1", "2", "3"):
        _, html = search(client, "kaffemaskine", page=page)
        assert "<mark>kaffemaskine</mark>" in html
        assert_inert_page(html)
    _, html = search(client, "teskefuld")
    assert "<mark>teskefuld</mark>" in html and "alert(1)" in html and "<script>alert" not in html
    if not is_postgres():  # ts_headline leaves markup out of its snippets altogether
        assert "&lt;script&gt;alert(1)" in html
    assert "&lt;b&gt;Fed&lt;/b&gt; titel" in html
    assert_inert_page(html)


def test_the_index_follows_edits_and_deletions(world, login):
    po = world.users["product_owner"]
    item = create_item(world.project_a, po, "Gammel overskrift")
    db.session.commit()
    client = login(po)
    assert titles(search(client, "overskrift")[1]) == ["Gammel overskrift"]
    update_item(item, po, {"title": "Ny rubrik"})
    db.session.commit()
    assert titles(search(client, "overskrift")[1]) == []
    assert titles(search(client, "rubrik")[1]) == ["Ny rubrik"]
    db.session.delete(item)  # no service deletes items yet: the database's own upkeep
    db.session.commit()
    assert titles(search(client, "rubrik")[1]) == []


HOSTILE = ['"', '""', "'", "-", "--", "-beredskabsplan", "or", "OR OR", "AND", "NOT", "NEAR(",
           "NEAR(a b, 2)", "*", "beredskab*", "^beredskab", "title:beredskab", "{title}: x",
           "a:*", "!", "!!", "&", "|", "<->", "(", ")", "'; DROP TABLE backlog_item; --",
           "' OR '1'='1", "%", "_", "\\", "\x01\x02\x03", "x\x02y", "😀", "\u202eevil",
           "İı", "a" * MAX_LENGTH, "beredskabsplan " * 16, '"unclosed phrase', "- - -"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_answer_results_or_a_reason(corpus, login, query):
    client = login(corpus.world.users["observer"])
    for headers in ({}, HX):
        response = client.get("/search", query_string={"q": query}, headers=headers)
        assert response.status_code in (200, 422), (query, response.status_code)
        html = response.get_data(as_text=True)
        assert "results" in html or "result" in html or "role=\"alert\"" in html
        assert "Hemmelig" not in html


def test_too_long_or_empty_queries_say_why(corpus, login):
    client = login(corpus.world.users["observer"])
    response, html = search(client, "beredskabsplan " * 700)  # 10,500 characters
    assert response.status_code == 422 and "at most 200 characters" in html
    response, html = search(client, "-beredskabsplan")
    assert response.status_code == 422 and "Type a word to search for" in html
    response, html = search(client, " ".join(["ord"] * 17))
    assert response.status_code == 422 and "at most 16 words" in html
    response = client.get("/search?q=x%00y")
    assert response.status_code in (400, 422)
    response, html = search(client, "")
    assert response.status_code == 200 and 'id="search-q"' in html and "results-count" not in html


def test_the_header_has_a_search_field(world, login):
    html = login(world.users["observer"]).get("/").get_data(as_text=True)
    assert 'action="/search"' in html and 'id="header-search-q"' in html


def test_a_search_is_a_fixed_number_of_statements(world, login, count_statements):
    """The same statements for a few results and for many, across two projects."""
    po = world.users["product_owner"]
    client = login(po)
    counts = []
    for size in (3, 30):
        for n in range(size):
            create_item(world.project_a, po, f"Tavle {n} om sne", description="sne og is")
        db.session.commit()
        with count_statements:
            assert client.get("/search?q=sne+is").status_code == 200
        counts.append(count_statements.count)
    assert counts[0] == counts[1] <= 12, count_statements.statements


def test_random_hostile_searches_never_fail(corpus, login):
    from hypothesis import strategies as st

    from tests.security.hostile import hostile_form, probe

    login(corpus.world.users["observer"])
    query = hostile_form({"q": st.one_of(st.text(max_size=300), st.sampled_from(HOSTILE)),
                          "project": st.sampled_from(["", "ALPHA", "BETA", "x"]),
                          "kind": st.sampled_from(["", "item", "need", "x"]),
                          "status": st.sampled_from(["", "done", "submitted", "x"]),
                          "page": st.integers().map(str)})
    probe(login(corpus.world.users["observer"]), st.tuples(st.just("/search"), query),
          label="search.index", method="GET")
