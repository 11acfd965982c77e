"""Needs from a spreadsheet: columns guessed and chosen, rows that cannot be imported listed
with their reasons, nothing imported until they are fixed or skipped, and the import through
the discovery services on behalf of each row's municipality."""
import io

from openpyxl import Workbook
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.discovery.models import Need, NeedChange
from app.extensions import db
from app.imports.needs import guess_columns
from tests.imports.conftest import fixture_bytes, preview_url, upload


def _needs(project):
    return list(db.session.scalars(select(Need).where(Need.project_id == project.id)
                                   .order_by(Need.number)))


def _preview(client, data=None, filename="behov.csv"):
    return preview_url(upload(client, "ALPHA", "needs", data or fixture_bytes("needs.csv"),
                              filename))


def test_columns_are_guessed_from_danish_and_english_headers():
    assert guess_columns(["Titel", "Kommune", "Kontaktperson e-mail", "Baggrund",
                          "Ønsket resultat", "Forventet værdi", "Risici"]) == {
        "title": 0, "organisation": 1, "submitter": 2, "background": 3, "desired_outcome": 4,
        "expected_value": 5, "risks": 6, "assumptions": None, "out_of_scope": None}
    guessed = guess_columns(["Need title", "Description", "Desired outcome", "Expected value",
                             "Municipality", "Contact email"])
    assert guessed["title"] == 0 and guessed["background"] == 1
    assert guessed["organisation"] == 4 and guessed["submitter"] == 5


def test_preview_lists_the_rows_that_cannot_be_imported(world, login, imports_dir):
    client = login(world.users["secretariat"])
    html = client.get(_preview(client)).get_data(as_text=True)
    assert "4 rows in the file." in html
    assert "2 needs will be submitted" in html
    refused = html.split('id="import-refused"')[1].split("</ul>")[0]
    assert "Row 4" in refused and "Gentofte Kommune is not a municipality taking part" in refused
    assert "Row 5" in refused and "Background is empty." in refused
    assert 'id="column-title"' in html and '<option value="0" selected>Titel</option>' in html
    assert "1 submitter’s e-mail belongs to nobody" in html


def test_nothing_is_imported_until_the_bad_rows_are_skipped(world, login, imports_dir):
    secretariat = world.users["secretariat"]
    client = login(secretariat)
    url = _preview(client)
    response = client.post(url, data={"action": "import"})
    assert response.status_code == 422
    assert "2 rows cannot be imported" in response.get_data(as_text=True)
    assert _needs(world.project_a) == []
    response = client.post(url, data={"action": "import", "skip_refused": "yes"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/needs")
    first, second = _needs(world.project_a)
    assert (first.title, first.organisation_id) == ("Overblik over kontrakter", world.muni_a.id)
    assert first.submitter_id == world.users["product_owner"].id  # her e-mail, her municipality
    assert second.submitter_id is None and second.risks == "Spam"
    assert first.status == "submitted" and first.desired_outcome == "Ét samlet overblik."
    created = db.session.scalar(select(NeedChange).where(NeedChange.need_id == second.id))
    assert (created.field, created.actor_id) == ("created", secretariat.id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "needs.imported"))
    assert event.details == {"count": 2, "left_out": 2}
    # The same file again: the two imported rows are there already.
    html = client.get(_preview(client)).get_data(as_text=True)
    assert "2 rows are already in the project (same municipality and title)" in html


def test_choosing_columns_changes_what_is_imported(world, login, imports_dir):
    client = login(world.users["secretariat"])
    url = _preview(client)
    form = {"column-title": "0", "column-organisation": "1", "column-background": "3",
            "column-desired_outcome": "4", "column-expected_value": "5",
            "column-assumptions": "6", "column-risks": "", "column-submitter": ""}
    assert client.post(url, data={**form, "action": "preview"}).status_code == 200
    response = client.post(url, data={**form, "action": "import", "skip_refused": "yes"})
    assert response.status_code == 303
    need = _needs(world.project_a)[1]
    assert need.assumptions == "Spam" and need.risks == "" and need.submitter_id is None


def test_a_required_field_without_a_column_stops_the_import(world, login, imports_dir):
    client = login(world.users["secretariat"])
    url = _preview(client)
    response = client.post(url, data={"action": "import", "skip_refused": "yes",
                                      "column-title": "0", "column-organisation": "",
                                      "column-background": "3", "column-desired_outcome": "4",
                                      "column-expected_value": "5"})
    assert response.status_code == 422
    assert "Choose the columns for Submitting municipality" in response.get_data(as_text=True)
    assert _needs(world.project_a) == []


def test_an_excel_workbook_is_imported(world, login, imports_dir):
    book = Workbook()
    sheet = book.active
    sheet.append(["Behov", "Kommunekode", "Beskrivelse", "Ønsket effekt", "Gevinst"])
    sheet.append(["Digital post til borgere", 151, "Breve sendes i dag på papir.",
                  "Alt som digital post.", 120000.0])
    buffer = io.BytesIO()
    book.save(buffer)
    client = login(world.users["secretariat"])
    url = _preview(client, buffer.getvalue(), "behov.xlsx")
    assert client.post(url, data={"action": "import"}).status_code == 303
    [need] = _needs(world.project_a)
    assert need.title == "Digital post til borgere" and need.expected_value == "120000"
    assert need.organisation_id == world.muni_a.id


def test_only_the_secretariat_imports_needs(world, login, imports_dir):
    for role in ("product_owner", "delivery_lead", "contributor"):
        assert login(world.users[role]).get("/p/ALPHA/import/needs").status_code == 403
    html = login(world.users["secretariat"]).get("/p/ALPHA/needs").get_data(as_text=True)
    assert "/p/ALPHA/import/needs" in html
    assert db.session.scalar(select(func.count(Need.id))) == 0
