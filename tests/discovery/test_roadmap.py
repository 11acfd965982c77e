"""The public roadmap and its Atom feed: public facts only, for anyone, where published."""
import xml.etree.ElementTree as ET

from datetime import datetime, UTC

import pytest
from sqlalchemy import select

from app.discovery import services
from app.discovery.models import Need
from app.discovery.models import NeedStatus as S
from app.extensions import db
from tests.discovery.conftest import NEED_TEXTS

ATOM = "{http://www.w3.org/2005/Atom}"
PATH = [S.IN_DISCOVERY, S.READY, S.PLANNED, S.DELIVERED]


def _need(d, title, status, rationale=None, public=False, by=None):
    need = services.create_need(d.project, by or d.aarhus_po, **{
        **NEED_TEXTS, "title": title, "desired_outcome": f"Resultat: {title}",
        "background": f"INTERN BAGGRUND {title}"})
    steps = PATH[:PATH.index(status) + 1] if status in PATH else [status]
    if status == S.SUBMITTED:
        steps = []
    for step in steps:
        services.set_status(need, step, actor=d.po,
                            rationale=rationale if step == status else None,
                            rationale_public=public)
    return need


@pytest.fixture
def roadmap(disc):
    disc.project.is_roadmap_public = True
    _need(disc, "Kontraktpåmindelser", S.DELIVERED)
    planned = _need(disc, "Kitos-import", S.PLANNED)
    _need(disc, "Hemmeligt forslag", S.SUBMITTED)
    _need(disc, "Under afklaring", S.IN_DISCOVERY)
    _need(disc, "Klar til planlægning", S.READY)
    _need(disc, "Parkeret forslag", S.PARKED, rationale="INTERN PARKERING")
    _need(disc, "Stille afvist", S.DECLINED, rationale="INTERN AFVISNING")
    _need(disc, "Åbent afvist", S.DECLINED, rationale="Dækkes af Kitos.", public=True)
    services.cosponsor(planned, disc.contributor, "INTERN NOTE FRA BALLERUP", True, True)
    services.add_note(planned, disc.developer, "workshop", "INTERNE WORKSHOPNOTER")
    services.escalate(planned, disc.po, "INTERN ESKALERING")
    db.session.commit()
    return disc


PRIVATE = ["INTERNE WORKSHOPNOTER", "INTERN NOTE FRA BALLERUP", "INTERN BAGGRUND",
           "INTERN ESKALERING", "INTERN PARKERING", "INTERN AFVISNING", "@",
           "Jonas Aarhus", "A product_owner", "A contributor", "A developer",
           "Hemmeligt forslag", "Under afklaring", "Klar til planlægning", "Parkeret forslag",
           "Stille afvist"]


def test_the_roadmap_shows_planned_and_delivered_needs_to_anyone(roadmap, client):
    response = client.get("/roadmap/ALPHA")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for public in ("Kontraktpåmindelser", "Resultat: Kitos-import", "Kitos-import",
                   "Aarhus Kommune", "Co-sponsored by Ballerup Kommune", "Planned",
                   "Åbent afvist", "Dækkes af Kitos."):
        assert public in html, public
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("url", ["/roadmap/ALPHA", "/roadmap/ALPHA/feed.atom"])
def test_the_roadmap_shows_nothing_internal(roadmap, client, login, url):
    texts = [client.get(url).get_data(as_text=True)]
    # A signed-in member sees the same public content (their own name is only in the header).
    member = login(roadmap.po).get(url).get_data(as_text=True)
    texts.append(member.split("<main", 1)[1].split("</main>", 1)[0] if "<main" in member
                 else member)
    for text in texts:
        assert "Kitos-import" in text  # the roadmap itself, not an error page
        for private in PRIVATE:
            assert private not in text, private


def test_the_roadmap_shows_the_delivery_month(roadmap, client):
    need = db.session.scalar(select(Need).where(Need.status == S.DELIVERED))
    need.delivered_at = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # April in Denmark
    db.session.commit()
    en = client.get("/roadmap/ALPHA", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Delivered April 2026" in en and '<h3 class="roadmap-month">April 2026</h3>' in en
    da = client.get("/roadmap/ALPHA", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Leveret april 2026" in da


@pytest.mark.parametrize("url", ["/roadmap/ALPHA", "/roadmap/ALPHA/feed.atom"])
def test_an_unpublished_roadmap_is_404_for_everyone(disc, client, login, url):
    assert client.get(url).status_code == 404
    assert login(disc.po).get(url).status_code == 404
    assert client.get(url.replace("ALPHA", "NOPE")).status_code == 404


def test_the_roadmap_speaks_the_visitors_language(roadmap, client):
    da = client.get("/roadmap/ALPHA", headers={"Accept-Language": "da-DK,da;q=0.9"})
    en = client.get("/roadmap/ALPHA", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert ('<html lang="da">' in da.get_data(as_text=True)
            and "Leveret" in da.get_data(as_text=True))
    assert ('<html lang="en">' in en.get_data(as_text=True)
            and "Delivered" in en.get_data(as_text=True))
    feed = ET.fromstring(client.get("/roadmap/ALPHA/feed.atom",
                                    headers={"Accept-Language": "da"}).data)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "da"
    assert "køreplan" in feed.findtext(f"{ATOM}title")


def test_the_atom_feed_is_valid_and_complete(roadmap, client):
    response = client.get("/roadmap/ALPHA/feed.atom", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    titles = {e.findtext(f"{ATOM}title") for e in entries}
    assert {t.split(" ", 1)[1] for t in titles} == {"Kontraktpåmindelser", "Kitos-import",
                                                    "Åbent afvist"}
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 3 and all(i.startswith("http://samspil.test/roadmap/ALPHA#need-")
                                      for i in ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}updated").endswith("Z")
        assert entry.find(f"{ATOM}link").get("href").startswith("http://samspil.test/roadmap/ALPHA")
        assert entry.find(f"{ATOM}content").get("type") == "html"
    kitos = next(e for e in entries if "Kitos-import" in e.findtext(f"{ATOM}title"))
    assert "<p>Resultat: Kitos-import</p>" in kitos.findtext(f"{ATOM}content")
    assert "Co-sponsored by Ballerup Kommune" in kitos.findtext(f"{ATOM}summary")


def test_the_atom_feed_escapes_what_people_write(disc, client):
    disc.project.is_roadmap_public = True
    _need(disc, 'Tegn & <tags> "citater" \x0b i titlen', S.PLANNED)
    db.session.commit()
    feed = ET.fromstring(client.get("/roadmap/ALPHA/feed.atom").data)
    title = feed.find(f"{ATOM}entry").findtext(f"{ATOM}title")
    assert title == '#2 Tegn & <tags> "citater" i titlen'
