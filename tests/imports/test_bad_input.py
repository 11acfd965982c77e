"""Files that cannot be imported are refused at the upload with a message that says why
(400, 413 or 422, never a 500), and nothing is kept or written."""
import io
import zipfile

import pytest
from sqlalchemy import func, select

from app.backlog.models import Item
from app.discovery.models import Need
from app.extensions import db
from tests.imports.conftest import fixture_bytes, upload

JIRA_HEADER = "Summary,Issue key,Issue id,Issue Type,Status,Labels,Labels\r\n"


def _refused(client, kind, data, filename, status=422, **form):
    response = upload(client, "ALPHA", kind, data, filename, **form)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    return html.split('id="import-error">')[1].split("</p>")[0]


@pytest.fixture
def secretariat(world, login, imports_dir):
    client = login(world.users["secretariat"])
    yield client
    assert db.session.scalar(select(func.count(Item.id))) == 0
    assert db.session.scalar(select(func.count(Need.id))) == 0
    assert not imports_dir.exists() or not any(imports_dir.iterdir())


def test_broken_quoting(secretariat):
    data = (JIRA_HEADER + 'Et punkt,A-1,1,Story,To Do,"x"y,\r\n').encode()
    message = _refused(secretariat, "items", data, "jira.csv", source="jira")
    assert "cannot be read at line 2" in message and "quotation marks" in message


def test_a_quote_left_open_to_the_end(secretariat):
    data = (JIRA_HEADER + 'Et punkt,A-1,1,Story,"To Do,,\r\nflere,linjer\r\n').encode()
    message = _refused(secretariat, "needs", data, "behov.csv")
    assert "cannot be read" in message


def test_windows_1252_is_read(world, login, imports_dir):
    data = (JIRA_HEADER + "Kø på rådhuset,A-1,1,Story,To Do,,\r\n").encode("cp1252")
    response = upload(login(world.users["secretariat"]), "ALPHA", "items", data, "jira.csv",
                      source="jira")
    assert response.status_code == 303
    html = login(world.users["secretariat"]).get(response.headers["Location"]).get_data(
        as_text=True)
    assert "Kø på rådhuset" in html


def test_a_hundred_thousand_rows(secretariat):
    data = (JIRA_HEADER + "".join(f"Punkt {n},A-{n},{n},Story,To Do,,\r\n"
                                  for n in range(100_000))).encode()
    message = _refused(secretariat, "items", data, "jira.csv", status=413, source="jira")
    assert "more than 1000 rows" in message


def test_a_file_over_the_size_limit(secretariat, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORTS_MAX_BYTES", 1024 * 1024)
    data = (JIRA_HEADER + "x" * (1024 * 1024)).encode()
    message = _refused(secretariat, "items", data, "jira.csv", status=413, source="jira")
    assert "larger than 1 MB" in message


def test_an_empty_file(secretariat):
    assert _refused(secretariat, "items", b"", "jira.csv", source="jira") == "The file is empty."
    assert _refused(secretariat, "needs", b"\r\n\r\n", "behov.csv") == "The file is empty."


def test_no_file_and_no_source(secretariat):
    response = secretariat.post("/p/ALPHA/import/items", data={"source": "jira"})
    assert response.status_code == 422
    assert "Choose a file to upload." in response.get_data(as_text=True)
    message = _refused(secretariat, "items", fixture_bytes("jira.csv"), "jira.csv", status=400,
                       source="trello")
    assert "Jira or GitHub" in message


def test_wrong_file_types(secretariat):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
    assert "not a text file" in _refused(secretariat, "items", png, "jira.csv", source="jira")
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "not a text file" in _refused(secretariat, "items", workbook.getvalue(), "jira.csv",
                                         source="jira")
    assert "cannot be read" in _refused(secretariat, "needs", workbook.getvalue(), "behov.xlsx")
    assert "not valid JSON" in _refused(secretariat, "items", fixture_bytes("jira.csv"),
                                        "issues.json", source="github")
    message = _refused(secretariat, "items", b'{"message": "Not Found"}', "issues.json",
                       source="github")
    assert "not a list of GitHub issues" in message
    message = _refused(secretariat, "items", b'[{"title": "no number"}]', "issues.json",
                       source="github")
    assert "has no number" in message
    nested = b"[" * 100_000 + b"]" * 100_000
    assert "not valid JSON" in _refused(secretariat, "items", nested, "i.json", source="github")


def test_an_xlsx_that_is_not_a_zip(secretariat):
    message = _refused(secretariat, "needs", b"Titel;Kommune\r\nEt;To\r\n", "behov.xlsx")
    assert "not an Excel workbook" in message


def test_a_zip_bomb_workbook(secretariat, monkeypatch):
    from app.imports import readers

    monkeypatch.setattr(readers, "MAX_UNPACKED", 1000)
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 10_000)
    assert "unpacks to more than" in _refused(secretariat, "needs", workbook.getvalue(),
                                              "behov.xlsx", status=413)


def test_missing_jira_columns(secretariat):
    data = b"Title,Key\r\nEt punkt,A-1\r\n"
    message = _refused(secretariat, "items", data, "jira.csv", source="jira")
    assert "This is not a Jira export" in message
    assert '"Summary", "Issue Key", "Status"' in message.replace("&#34;", '"')


def test_a_header_without_rows(secretariat):
    message = _refused(secretariat, "needs", b"Titel;Kommune\r\n", "behov.csv")
    assert "no rows" in message


def test_a_bad_jira_address(secretariat):
    message = _refused(secretariat, "items", fixture_bytes("jira.csv"), "jira.csv",
                       source="jira", site="javascript:alert(1)")
    assert "must be a web address" in message


def test_a_token_that_is_not_one(world, login, imports_dir):
    client = login(world.users["secretariat"])
    for token in ("x", "a" * 43, "../../etc/passwd" + "a" * 30):
        assert client.get(f"/p/ALPHA/import/items/{token}").status_code == 404
        assert client.post(f"/p/ALPHA/import/needs/{token}",
                           data={"action": "import"}).status_code == 404


def test_semicolons_in_jira_comments_do_not_make_them_the_separator(world, login, imports_dir):
    """The header decides the separator: a Jira export whose comments are full of `;`."""
    rows = "".join(f'Punkt {n},A-{n},{n},Story,To Do,"a;b;c;d;e;f;g;h",\r\n' for n in range(30))
    response = upload(login(world.users["secretariat"]), "ALPHA", "items",
                      (JIRA_HEADER + rows).encode(), "jira.csv", source="jira")
    assert response.status_code == 303
