"""The decision log as a CSV download: the log's search, every page, newest first."""
import csv
import io
import re
from datetime import date

from app.decisions import export, services
from app.extensions import db


def read_csv(response):
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_export_has_the_searched_decisions_of_every_page(dec, login, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 4)
    for n in range(35):  # more than a page of the log (30)
        services.record_decision(dec.project, dec.steering, decided_on=date(2026, 1, 1 + n % 28),
                                 title=f"Budget {n}", text="@intern note")
    services.record_decision(dec.project, dec.steering, decided_on=date(2026, 3, 1),
                             title="Rapportformat", needs=[dec.plain], items=[dec.item])
    db.session.commit()
    client = login(dec.world.users["observer"])
    rows = read_csv(client.get("/p/ALPHA/decisions.csv?q=budget"))
    assert rows[0][:3] == ["Decided on", "Title", "Text"]
    assert len(rows) == 36 and all(row[1].startswith("Budget") for row in rows[1:])
    assert rows[1][0] == "2026-01-28" and rows[1][2] == "'@intern note"
    rows = read_csv(client.get("/p/ALPHA/decisions.csv"))
    assert rows[1][1] == "Rapportformat"
    assert rows[1][4] == f"#{dec.plain.number}" and rows[1][5] == "ALPHA-1"
    assert rows[1][6] == dec.steering.name


def test_the_log_links_to_the_export_with_its_search(dec, login):
    html = login(dec.world.users["observer"]).get(
        "/p/ALPHA/decisions?q=rapport").get_data(as_text=True)
    assert re.search(r'href="/p/ALPHA/decisions\.csv\?q=rapport"', html)
