"""The public roadmap of a community with hundreds of needs (issue 27): the page shows the
newest of each section and each section a page at a time; the feed holds the newest 50
entries; neither asks more of the database when the roadmap grows."""
import re
import xml.etree.ElementTree as ET

import pytest

from app.discovery import services
from app.discovery.models import NeedStatus as S
from app.discovery.queries import FEED_ENTRIES, ROADMAP_PER_PAGE, ROADMAP_SECTION
from app.extensions import db
from tests.discovery.conftest import NEED_TEXTS

ATOM = "{http://www.w3.org/2005/Atom}"
PATHS = {S.PLANNED: [S.IN_DISCOVERY, S.READY, S.PLANNED],
         S.DELIVERED: [S.IN_DISCOVERY, S.READY, S.PLANNED, S.DELIVERED],
         S.DECLINED: [S.DECLINED]}


class Roadmap:
    def __init__(self, disc):
        self.disc = disc
        disc.project.is_roadmap_public = True
        self.count = 0
        db.session.commit()

    def add(self, n: int, status=S.PLANNED, cosponsored: bool = True) -> None:
        d = self.disc
        for _ in range(n):
            self.count += 1
            need = services.create_need(d.project, d.aarhus_po, **{
                **NEED_TEXTS, "title": f"Behov nr. {self.count}",
                "desired_outcome": f"Resultat **{self.count}**"})
            if cosponsored:
                services.cosponsor(need, d.contributor, "")
            for step in PATHS[status]:
                services.set_status(need, step, actor=d.po, rationale="Offentlig begrundelse",
                                    rationale_public=True)
        db.session.commit()


@pytest.fixture
def roadmap(disc):
    return Roadmap(disc)


def _titles(html: str) -> list[str]:
    return re.findall(r"Behov nr\. (\d+)", html)


def test_the_page_shows_the_newest_of_each_section_and_links_to_the_rest(roadmap, client):
    roadmap.add(ROADMAP_SECTION + 5, S.PLANNED)
    roadmap.add(3, S.DELIVERED)
    html = client.get("/roadmap/ALPHA").get_data(as_text=True)
    shown = _titles(html)
    assert len(shown) == ROADMAP_SECTION + 3
    assert "20" in shown and "5" not in shown  # the newest planned, not the oldest
    assert f"All {ROADMAP_SECTION + 5} planned needs" in html
    assert "/roadmap/ALPHA?status=planned" in html
    assert "delivered needs" not in html  # all three delivered are shown: no link


def test_a_section_comes_a_page_at_a_time_without_losing_any(roadmap, client):
    roadmap.add(ROADMAP_PER_PAGE + 10, S.PLANNED, cosponsored=False)
    seen = []
    for page in (1, 2):
        html = client.get(f"/roadmap/ALPHA?status=planned&page={page}").get_data(as_text=True)
        assert f"Page {page} of 2" in html
        seen += _titles(html)
    assert sorted(map(int, seen)) == list(range(1, ROADMAP_PER_PAGE + 11))
    beyond = client.get("/roadmap/ALPHA?status=planned&page=999")
    assert beyond.status_code == 200 and "Page 2 of 2" in beyond.get_data(as_text=True)
    for bad in ("0", "x", "-1", "99999999999999999999"):
        response = client.get(f"/roadmap/ALPHA?status=planned&page={bad}")
        assert response.status_code == 200 and "Page 1 of 2" in response.get_data(as_text=True)
    # An unknown section shows the whole roadmap; internal statuses are never a section.
    for status in ("nonsense", "submitted", "parked"):
        response = client.get(f"/roadmap/ALPHA?status={status}")
        assert response.status_code == 200 and "Planned and in progress" in response.text


def test_the_feed_holds_the_newest_50_entries(roadmap, client):
    roadmap.add(FEED_ENTRIES + 7, S.DELIVERED, cosponsored=False)
    feed = ET.fromstring(client.get("/roadmap/ALPHA/feed.atom").data)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == FEED_ENTRIES
    numbers = [int(e.find(f"{ATOM}title").text.split()[0][1:]) for e in entries]
    assert max(numbers) == FEED_ENTRIES + 8  # the need of the fixture is number 1
    assert min(numbers) == 9


@pytest.mark.parametrize("url", ["/roadmap/ALPHA", "/roadmap/ALPHA/feed.atom",
                                 "/roadmap/ALPHA?status=delivered"])
def test_statements_do_not_grow_with_the_roadmap(roadmap, client, count_statements, url):
    for status in PATHS:
        roadmap.add(2, status)
    client.get(url)
    with count_statements:
        assert client.get(url).status_code == 200
    small = count_statements.count
    for status in PATHS:
        roadmap.add(30, status)
    with count_statements:
        assert client.get(url).status_code == 200
    assert count_statements.count == small, count_statements.statements
