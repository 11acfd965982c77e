"""The backlog as a CSV download: the page's filters, Excel-friendly encoding, a guard against
formulas, and rows streamed in batches."""
import csv
import io
import re

from app.backlog import export
from app.web.csv_export import csv_response
from app.database import utcnow

BOM = "\ufeff"


def read_csv(response, sep=","):
    text = response.get_data(as_text=True)
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:]), delimiter=sep))


def test_export_follows_the_filters_and_is_a_dated_attachment(world, login, make_item):
    make_item("Kontrakt fejl", type="bug", labels="kontrakt, jura", estimate=3)
    make_item("Ny rapport", type="story")
    make_item("Æble-fejl på ØØ", type="bug", position="top")
    response = login(world.users["observer"]).get("/p/ALPHA/backlog.csv?type=bug")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    today = utcnow().date().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="ALPHA-backlog-{today}.csv"')
    rows = read_csv(response)
    assert rows[0][:5] == ["Rank", "Key", "Title", "Type", "Status"]
    assert [row[2] for row in rows[1:]] == ["Æble-fejl på ØØ", "Kontrakt fejl"]
    assert rows[2][1] == "ALPHA-1" and rows[2][5] == "3.0" and rows[2][8] == "jura, kontrakt"
    # The BOM is UTF-8's, so Excel reads Danish letters right.
    assert response.data.startswith("\ufeff".encode())


def test_semicolons_on_request_and_a_bad_separator_is_refused(world, login, make_item):
    make_item("Punkt, med komma")
    client = login(world.users["developer"])
    rows = read_csv(client.get("/p/ALPHA/backlog.csv?sep=semicolon"), sep=";")
    assert rows[1][2] == "Punkt, med komma"
    refused = client.get("/p/ALPHA/backlog.csv?sep=tab")
    assert refused.status_code == 400
    assert "sep=semicolon" in refused.get_data(as_text=True)


def test_cells_that_would_run_as_formulas_are_defused(world, login, make_item):
    for title in ('=HYPERLINK("http://evil.test","klik")', "+1+2", "-2+3", "@SUM(A1)",
                  "Almindelig - titel"):
        make_item(title)
    rows = read_csv(login(world.users["developer"]).get("/p/ALPHA/backlog.csv"))
    assert [row[2] for row in rows[1:]] == [
        '\'=HYPERLINK("http://evil.test","klik")', "'+1+2", "'-2+3", "'@SUM(A1)",
        "Almindelig - titel"]


def test_every_row_comes_in_rank_order_across_batches(world, login, make_item, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 3)
    for n in range(8):
        make_item(f"Punkt {n}")
    rows = read_csv(login(world.users["developer"]).get("/p/ALPHA/backlog.csv"))
    assert [row[2] for row in rows[1:]] == [f"Punkt {n}" for n in range(8)]
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, 9)]


def test_the_page_links_to_the_export_with_its_filters(world, login, make_item):
    make_item("Punkt", type="bug")
    html = login(world.users["observer"]).get(
        "/p/ALPHA/backlog?type=bug&status=open").get_data(as_text=True)
    link = re.search(r'href="(/p/ALPHA/backlog\.csv[^"]*)"', html).group(1)
    assert "type=bug" in link and "status=open" in link
    assert "Export CSV" in html


def test_the_danish_page_says_eksporter(world, client, login, make_item):
    login(world.users["observer"])
    html = client.get("/p/ALPHA/backlog", headers={"Accept-Language": "da"}).get_data(
        as_text=True)
    assert "Eksportér CSV" in html


def test_the_answer_streams_rows_as_they_are_read(app):
    read = []

    def rows():
        for n in range(3):
            read.append(n)
            yield [n, f"række {n}"]

    with app.test_request_context("/"):
        response = csv_response(["n", "tekst"], rows(), "x.csv")
        assert response.is_streamed and read == []
        chunks = iter(response.response)
        assert next(chunks) == BOM + "n,tekst\r\n" and read == []
        assert next(chunks) == "0,række 0\r\n" and read == [0]
