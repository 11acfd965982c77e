"""The needs list as a CSV download: the list's filters and sort, every page, in batches."""
import csv
import io
import re

from app.discovery import export, services
from app.extensions import db
from tests.discovery.conftest import NEED_TEXTS


def read_csv(response, sep=","):
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=sep))


def _need(d, user, title):
    return services.create_need(d.project, user, **{**NEED_TEXTS, "title": title})


def test_export_has_every_need_the_filters_choose_in_the_list_order(disc, login, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 2)
    for n in range(30):  # more than a page of the list (25)
        _need(disc, disc.po, f"Ballerup-behov {n:02d}")
    _need(disc, disc.aarhus_po, "=Aarhus-behov")
    db.session.commit()
    client = login(disc.observer)
    rows = read_csv(client.get(f"/p/ALPHA/needs.csv?org={disc.ballerup.id}&page=2"))
    assert rows[0][:3] == ["No.", "Need", "Status"]
    assert [row[1] for row in rows[1:]] == [f"Ballerup-behov {n:02d}" for n in range(29, -1, -1)]
    assert {row[3] for row in rows[1:]} == {"Ballerup Kommune"}
    rows = read_csv(client.get(f"/p/ALPHA/needs.csv?org={disc.aarhus.id}&sep=semicolon"),
                    sep=";")
    assert [row[1] for row in rows[1:]] == ["'=Aarhus-behov", NEED_TEXTS["title"]]
    assert rows[1][2] == "Submitted"


def test_the_list_links_to_the_export_with_its_filters(disc, login):
    response = login(disc.observer).get(f"/p/ALPHA/needs?org={disc.aarhus.id}&sort=cosponsors")
    link = re.search(r'href="(/p/ALPHA/needs\.csv[^"]*)"', response.get_data(as_text=True))
    assert f"org={disc.aarhus.id}" in link.group(1) and "sort=cosponsors" in link.group(1)
    download = login(disc.observer).get(link.group(1).replace("&amp;", "&"))
    assert download.headers["Content-Disposition"].startswith(
        'attachment; filename="ALPHA-needs-')


def test_a_bad_separator_is_a_bad_request(disc, login):
    assert login(disc.observer).get("/p/ALPHA/needs.csv?sep=%3B%3B").status_code == 400
