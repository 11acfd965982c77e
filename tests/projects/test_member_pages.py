"""The members and organisations pages at community scale: a page at a time, grouped by
organisation, searched by name, e-mail, organisation or role; nobody lost between pages;
page numbers that are no page show the first or last page; statements do not grow with the
number of people."""
import re

import pytest

from app.extensions import db
from app.organisations.municipalities import MUNICIPALITY_CODES
from app.projects.models import ParticipationKind, Role
from app.projects.queries import PER_PAGE
from app.projects.services import add_participation

EN = {"Accept-Language": "en"}


class Community:
    """Project A with `n` more people from further municipalities, added a few at a time."""

    def __init__(self, world, factory):
        self.world, self.factory, self.project = world, factory, world.project_a
        taken = {151, 461}
        self.codes = iter(c for c in sorted(MUNICIPALITY_CODES) if c not in taken)
        self.count = 0
        self.organisation = None

    def add(self, people: int, per_organisation: int = 4) -> None:
        for _ in range(people):
            if self.count % per_organisation == 0:
                self.organisation = self.factory.municipality(code=next(self.codes))
                add_participation(self.project, self.organisation, ParticipationKind.MEMBER)
            self.count += 1
            organisation = self.organisation
            role = Role.CONTRIBUTOR if self.count % 3 else Role.STEERING
            self.factory.user(organisation, email=f"person{self.count}@muni.example",
                              name=f"Person {self.count:03d}", roles=[role], project=self.project)
        db.session.commit()


@pytest.fixture
def community(world, factory):
    return Community(world, factory)


def _emails(html: str) -> list[str]:
    return re.findall(r'<span class="muted">(?:<bdi>)?([^<]+@[^<]+)<', html)


def _all_pages(client, url: str) -> list[str]:
    seen, page = [], 1
    while True:
        response = client.get(f"{url}{'&' if '?' in url else '?'}page={page}", headers=EN)
        assert response.status_code == 200
        seen += _emails(response.text)
        if 'rel="next"' not in response.text:
            return seen
        page += 1


def test_members_come_a_page_at_a_time_grouped_by_organisation(world, community, login):
    community.add(60)
    total = 60 + 8  # the world's seven roles and the outsider's project is another
    client = login(world.users["secretariat"])
    first = client.get("/p/ALPHA/members", headers=EN)
    assert first.status_code == 200
    assert len(_emails(first.text)) == PER_PAGE
    assert "Page 1 of 3" in first.text and f"{total - 1} members" in first.text
    # Grouped: each organisation heads its people, in the organisations' order.
    headings = re.findall(r'<th scope="rowgroup"[^>]*>(?:<bdi>)?([^<]+)<', first.text)
    assert headings == sorted(headings) and len(headings) == len(set(headings))
    # Nobody lost or shown twice between pages.
    everyone = _all_pages(client, "/p/ALPHA/members")
    assert len(everyone) == len(set(everyone)) == total - 1
    assert "person60@muni.example" in everyone and "observer@a.example" in everyone
    # The actions stay on the page: roles, removal, the link to the webhooks.
    assert 'class="roles-form"' in first.text and "remove-member-" in first.text
    assert "/p/ALPHA/webhooks" in first.text and "/p/ALPHA/organisations" in first.text


@pytest.mark.parametrize("search, expected", [
    ("Person 042", {"person42@muni.example"}),               # a name
    ("PERSON7@MUNI", {"person7@muni.example"}),             # an e-mail, any case
    ("Nordlys", {"developer@a.example", "delivery_lead@a.example"}),  # an organisation
    ("delivery lead", {"delivery_lead@a.example"}),         # a role, by its name
])
def test_members_are_searched_by_each_field(world, community, login, search, expected):
    community.add(60)
    client = login(world.users["product_owner"])
    found = set(_all_pages(client, f"/p/ALPHA/members?q={search}"))
    assert found == expected


def test_a_role_search_finds_everyone_with_the_role_across_pages(world, community, login):
    community.add(90)
    client = login(world.users["product_owner"])
    found = _all_pages(client, "/p/ALPHA/members?q=steering group")
    assert len(found) == 30 + 1 and len(set(found)) == len(found)


def test_bad_page_numbers_show_the_first_or_last_page(world, community, login):
    community.add(40)
    client = login(world.users["product_owner"])
    last = client.get("/p/ALPHA/members?page=99999", headers=EN)
    assert last.status_code == 200 and "Page 2 of 2" in last.text
    for bad in ("0", "-3", "abc", "²", "1e5", "999999999999999999999"):
        page = client.get(f"/p/ALPHA/members?page={bad}", headers=EN)
        assert page.status_code == 200 and "Page 1 of 2" in page.text, bad
    assert "No members match." in client.get("/p/ALPHA/members?q=nobody-at-all",
                                              headers=EN).text
    too_long = client.get("/p/ALPHA/members?q=" + "x" * 300, headers=EN)
    assert too_long.status_code == 422


def test_organisations_taking_part_are_paged_and_searched(world, community, login):
    community.add(120, per_organisation=3)  # 40 municipalities more
    client = login(world.users["secretariat"])
    first = client.get("/p/ALPHA/organisations", headers=EN)
    assert first.status_code == 200 and "42 organisations" in first.text
    names = []
    for page in (1, 2):
        html = client.get(f"/p/ALPHA/organisations?page={page}", headers=EN).text
        names += re.findall(r'id="remove-organisation-(\d+)"', html)
    assert len(names) == len(set(names)) == 42
    vendor = client.get("/p/ALPHA/organisations?q=vendor partner", headers=EN).text
    assert "Nordlys Software ApS" in vendor and "1 organisation" in vendor
    by_code = client.get("/p/ALPHA/organisations?q=151", headers=EN).text
    assert "Ballerup Kommune" in by_code and "1 organisation" in by_code
    by_name = client.get("/p/ALPHA/organisations?q=ballerup", headers=EN).text
    assert "Ballerup Kommune" in by_name
    beyond = client.get("/p/ALPHA/organisations?page=77", headers=EN)
    assert beyond.status_code == 200 and "Page 2 of 2" in beyond.text
    # Whoever does not manage the members sees the list, without the controls.
    read_only = login(world.users["observer"]).get("/p/ALPHA/organisations", headers=EN)
    assert read_only.status_code == 200 and "remove-organisation-" not in read_only.text


def test_the_organisations_page_is_404_for_non_members(world, login):
    client = login(world.users["outsider"])
    assert client.get("/p/ALPHA/organisations").status_code == 404


@pytest.mark.parametrize("url", ["/p/ALPHA/members", "/p/ALPHA/members?q=kommune&page=2",
                                 "/p/ALPHA/organisations", "/p/ALPHA/organisations?q=member"])
def test_statements_do_not_grow_with_the_community(world, community, login, count_statements,
                                                   url):
    client = login(world.users["secretariat"])
    community.add(30)
    client.get(url)
    with count_statements:
        assert client.get(url).status_code == 200
    small = count_statements.count
    community.add(120)
    with count_statements:
        assert client.get(url).status_code == 200
    assert count_statements.count == small, count_statements.statements
