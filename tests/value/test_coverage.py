"""Needs coverage against a scenario counted by hand.

Ballerup submits n1, n2 (delivered after 59 and 89 days), n3 (planned), n4 (in discovery),
n5 (ready), n6 (declined), n7 (parked), n8 (submitted) and n9 (delivered, then archived: left
out). Aarhus submits a1 (delivered after 105 days), a2 (planned) and a3 (submitted), all
three co-sponsored by Ballerup, and a4 (declined).

Ballerup: submitted 2 delivered, 1 planned, 2 in discovery, 2 declined/parked, 1 waiting;
co-sponsored 1 delivered, 1 planned, 1 waiting. Decided = 3 + 2 + 2 = 7, coverage 3/7 = 43 %,
median of 59, 89, 105 days = 89.
Aarhus: 1 delivered, 1 planned, 1 declined, 1 waiting: 1/3 = 33 %, median 105.
The project: each need once: 3 delivered, 2 planned, 2 in discovery, 3 declined/parked,
2 waiting: 3/8 = 38 %.
"""
from datetime import date

import pytest

from app.discovery import services as discovery
from app.extensions import db
from app.value.coverage import municipality_coverage, project_coverage
from tests.value.conftest import utc

TODAY = date(2026, 8, 15)  # in the third quarter of 2026


@pytest.fixture
def scenario(val):
    po, aarhus = val.po, val.aarhus_po

    def need(title, by, created, *steps, cosponsor=False):
        n = val.need(title, by=by, at=created)
        if cosponsor:
            discovery.cosponsor(n, po, at=created)
        for status, moment in steps:
            if status in ("planned", "delivered"):
                discovery.set_status(n, status, by_system=True, at=moment)
            else:
                discovery.set_status(n, status, actor=by, at=moment,
                                     rationale="Ikke nu." if status in ("declined", "parked")
                                     else None)
        return n

    need("n1", po, utc(2026, 1, 10, 12), ("delivered", utc(2026, 3, 10, 12)))
    need("n2", po, utc(2026, 2, 1, 12), ("delivered", utc(2026, 5, 1, 12)))
    spring = utc(2026, 4, 15, 12)
    need("n3", po, spring, ("planned", spring))
    need("n4", po, spring, ("in_discovery", spring))
    need("n5", po, spring, ("in_discovery", spring), ("ready", spring))
    need("n6", po, spring, ("declined", spring))
    need("n7", po, spring, ("parked", spring))
    need("n8", po, spring)
    n9 = need("n9", po, utc(2025, 11, 1, 12), ("delivered", utc(2025, 12, 1, 12)))
    discovery.archive_need(n9, po)
    need("a1", aarhus, utc(2026, 4, 1, 12), ("delivered", utc(2026, 7, 15, 12)), cosponsor=True)
    need("a2", aarhus, utc(2026, 7, 1, 12), ("planned", utc(2026, 7, 2, 12)), cosponsor=True)
    need("a3", aarhus, utc(2026, 7, 1, 12), cosponsor=True)
    need("a4", aarhus, utc(2026, 7, 1, 12), ("declined", utc(2026, 7, 3, 12)))
    db.session.commit()
    return val


def _outcomes(counts: dict) -> tuple:
    return tuple(counts[o] for o in ("delivered", "planned", "in_discovery", "declined",
                                     "waiting"))


def test_ballerup(scenario):
    cov = municipality_coverage(scenario.project, scenario.ballerup.id, TODAY)
    assert _outcomes(cov.submitted) == (2, 1, 2, 2, 1)
    assert _outcomes(cov.cosponsored) == (1, 1, 0, 0, 1)
    assert (cov.needs, cov.decided, cov.delivered, cov.percent) == (11, 7, 3, 43)
    assert sorted(cov.delivery_days) == [59, 89, 105] and cov.median_days == 89
    assert [(q.year, q.number, q.submitted, q.delivered) for q in cov.trend] == [
        (2025, 4, 0, 0), (2026, 1, 2, 1), (2026, 2, 7, 1), (2026, 3, 2, 1)]


def test_aarhus(scenario):
    cov = municipality_coverage(scenario.project, scenario.aarhus.id, TODAY)
    assert _outcomes(cov.submitted) == (1, 1, 0, 1, 1)
    assert _outcomes(cov.cosponsored) == (0, 0, 0, 0, 0)
    assert (cov.decided, cov.delivered, cov.percent, cov.median_days) == (3, 1, 33, 105)


def test_the_project(scenario):
    cov = project_coverage(scenario.project, TODAY)
    assert _outcomes(cov.submitted) == (3, 2, 2, 3, 2)
    assert (cov.needs, cov.decided, cov.percent) == (12, 8, 38)
    assert cov.median_days == 89


def test_nothing_decided_has_no_rate(val):
    val.need()
    db.session.commit()
    cov = municipality_coverage(val.project, val.ballerup.id, TODAY)
    assert (cov.needs, cov.decided, cov.rate, cov.percent, cov.median_days) == (
        1, 0, None, None, None)


def test_the_pages_show_the_figures(scenario, client, login):
    login(scenario.po)
    page = client.get("/p/ALPHA/value")
    assert page.status_code == 200
    assert "43 %" in page.text and "33 %" in page.text and "38 %" in page.text
    assert "How the figures are counted" in page.text
    mine = client.get("/my/coverage")
    assert "Needs coverage of Ballerup Kommune" in mine.text and "43 %" in mine.text
    assert "/my/coverage" in client.get("/my").text


def test_the_steering_digest_sums_the_project(scenario, client, login):
    login(scenario.world.users["steering"])
    digest = client.get("/p/ALPHA/digest").text
    assert "Behovsdækning" in digest and "Dækningsgrad" in digest and "38 %" in digest
    assert "3 af 7 afgjorte behov leveret" in digest  # Ballerup's line
    login(scenario.po)  # a product owner's digest has no coverage section
    assert "Behovsdækning" not in client.get("/p/ALPHA/digest").text


def test_a_vendor_has_no_coverage(world, client, login):
    login(world.users["developer"])
    page = client.get("/my/coverage")
    assert page.status_code == 200 and "your organisation is not one" in page.text
