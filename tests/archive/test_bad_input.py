"""Bad archives: each refused with a clear message (400/413/422), never a 500, and nothing
written — not a row, not a counter."""
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.archive.format import PROJECT_JSON
from app.audit.models import AuditEvent
from app.backlog.models import Item
from app.discovery.models import Need
from app.extensions import db
from app.organisations.models import Organisation
from app.projects.models import Membership
from tests.archive.conftest import export_bytes, make_zip, read_archive


@pytest.fixture
def target(filled, factory, login):
    project = factory.project("GAMMA", "Tom")
    db.session.commit()
    login(filled.world.users["site_admin"])
    return project


@pytest.fixture
def good(filled):
    return read_archive(export_bytes(filled.world.project_a))


def _counts():
    return [db.session.scalar(select(func.count()).select_from(m)) for m in
            (Item, Need, User, Organisation, Membership, AuditEvent)]


def _upload(client, data: bytes, name="archive.zip"):
    before = _counts()
    response = client.post("/p/GAMMA/archive/import", data={"archive": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    db.session.expire_all()
    assert _counts() == before, "a refused import wrote something"
    return response.status_code, response.get_data(as_text=True)


def _with(document: dict, files: dict, **changes) -> bytes:
    return make_zip({PROJECT_JSON: json.dumps({**document, **changes}), **files})


def test_a_file_that_is_not_a_zip(target, client):
    status, page = _upload(client, b"%PDF-1.4 not a zip at all", "archive.pdf")
    assert status == 400 and "The file is not a zip archive" in page


def test_no_file_chosen(target, client):
    response = client.post("/p/GAMMA/archive/import", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose the .zip file of a project archive." in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["../project.json", "attachments/../../etc/passwd",
                                  "/etc/passwd", "C:/windows/evil", "attachments\\..\\x"])
def test_paths_outside_the_archive(target, client, good, name):
    document, _files = good
    data = make_zip({PROJECT_JSON: json.dumps(document), name: b"x"})
    status, page = _upload(client, data)
    assert status == 422 and "a path outside the archive" in page


def test_an_unexpected_entry(target, client, good):
    document, _files = good
    status, page = _upload(client, make_zip({PROJECT_JSON: json.dumps(document),
                                             "run.sh": b"rm -rf /"}))
    assert status == 422 and "which is not part of a Samspil project archive" in page


def test_a_zip_bomb_is_stopped_by_its_declared_size(target, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "ARCHIVE_MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    bomb = make_zip({PROJECT_JSON: b"{" + b" " * (5 * 1024 * 1024) + b"}"})
    assert len(bomb) < 20_000
    status, page = _upload(client, bomb)
    assert status == 413 and "unpacks to more than 1 MB" in page


def test_a_zip_that_lies_about_its_size_stops_at_the_lie(target, client, good):
    """A member whose header declares a small size but holds more: reading stops there."""
    document, _files = good
    honest = json.dumps(document).encode()
    data = bytearray(make_zip({PROJECT_JSON: honest}, zipfile.ZIP_STORED))
    declared = len(honest) // 2
    # Patch the declared uncompressed (and compressed) size in the local and central headers.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(PROJECT_JSON)
        local = info.header_offset
    central = data.rfind(b"PK\x01\x02")
    for offset in (local + 18, local + 22, central + 20, central + 24):
        data[offset:offset + 4] = declared.to_bytes(4, "little")
    status, page = _upload(client, bytes(data))
    assert status == 400 and "The zip archive is damaged" in page


def test_a_newer_format_version(target, client, good):
    document, files = good
    status, page = _upload(client, _with(document, files, version=99))
    assert status == 422
    assert "format version 99, newer than this installation reads (up to 1)" in page


def test_invalid_json(target, client):
    status, page = _upload(client, make_zip({PROJECT_JSON: '{"format": "samspil-project-'}))
    assert status == 422 and "project.json is not valid JSON (line 1" in page


def test_json_that_is_not_an_archive(target, client):
    status, page = _upload(client, make_zip({PROJECT_JSON: '{"format": "jira"}'}))
    assert status == 422 and "is not a Samspil project archive" in page


def test_a_schema_violation_names_the_place(target, client, good):
    document, files = good
    document["items"][0]["status"] = "almost-done"
    status, page = _upload(client, _with(document, files))
    assert status == 422 and "does not follow the archive format at items/0/status" in page


def test_a_reference_to_something_missing(target, client, good):
    document, files = good
    document["items"][1]["parent"] = 999
    status, page = _upload(client, _with(document, files))
    assert status == 422 and "refers to the item 999, which it does not hold" in page


def test_a_contradiction_the_database_refuses(target, client, good):
    document, files = good
    document["items"][1]["rank"] = document["items"][0]["rank"]
    status, page = _upload(client, _with(document, files))
    assert status == 422 and "contradicts itself" in page


def test_nul_characters(target, client, good):
    document, files = good
    document["items"][0]["title"] = "Nul\u0000tegn"
    status, page = _upload(client, _with(document, files))
    assert status == 422 and "cannot be stored" in page


def test_an_attached_file_that_does_not_match_its_hash(target, client, good):
    document, files = good
    name = document["attachments"][0]["file"]
    files = {**files, name: b"other bytes"}
    status, page = _upload(client, _with(document, files))
    assert status == 422 and "does not match its size and SHA-256" in page


def test_a_missing_attached_file(target, client, good):
    document, files = good
    files = dict(files)
    files.pop(document["attachments"][0]["file"])
    status, page = _upload(client, _with(document, files))
    assert status == 422 and "does not hold it" in page


def test_an_import_into_a_project_with_work_in_it(filled, client, login, good):
    login(filled.world.users["site_admin"])
    document, files = good
    before = db.session.scalar(select(func.count(Item.id)))
    response = client.post("/p/ALPHA/archive/import", data={
        "archive": (io.BytesIO(_with(document, files)), "a.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "an archive is imported only into an empty project" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Item.id))) == before


def test_the_secretariat_cannot_register_organisations_through_an_import(filled, factory,
                                                                         login, client, good):
    world = filled.world
    project = factory.project("DELTA", "Tom", [world.muni_a])
    secretariat = factory.user(world.muni_a, roles=["secretariat"], project=project)
    db.session.commit()
    login(secretariat)
    document, files = good
    text = json.dumps(document).replace("Aarhus Kommune", "Skanderborg Kommune").replace(
        '"municipality_code": 751', '"municipality_code": 746')
    before = db.session.scalar(select(func.count(Organisation.id)))
    response = client.post("/p/DELTA/archive/import", data={
        "archive": (io.BytesIO(make_zip({PROJECT_JSON: text, **files})), "a.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "only site administrators register organisations" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == before


def test_a_secretariat_member_imports_when_the_organisations_exist(filled, factory, login,
                                                                   client, good):
    world = filled.world
    project = factory.project("DELTA", "Tom", [world.muni_a])
    secretariat = factory.user(world.muni_a, roles=["secretariat"], project=project)
    db.session.commit()
    login(secretariat)
    document, files = good
    response = client.post("/p/DELTA/archive/import", data={
        "archive": (io.BytesIO(_with(document, files)), "a.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Item.id)).where(
        Item.project_id == project.id)) == 3


def test_too_many_entries(target, client, monkeypatch, good):
    monkeypatch.setattr("app.archive.reading.MAX_ENTRIES", 3)
    document, _files = good
    entries = {PROJECT_JSON: json.dumps(document),
               **{f"attachments/{n:064x}": b"x" for n in range(4)}}
    status, page = _upload(client, make_zip(entries))
    assert status == 413 and "holds more than 3 files" in page
