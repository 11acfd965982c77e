"""Export → import into an empty project → export gives the same JSON apart from the export
time and the project's key; and the archive follows the published JSON Schema."""
import io
import json
from pathlib import Path

from jsonschema import Draft202012Validator
from sqlalchemy import select

from app.accounts.models import User
from app.archive.format import FORMAT, VERSION
from app.attachments.models import Attachment
from app.audit.models import AuditEvent
from app.backlog.models import Item
from app.backlog.services import create_item
from app.extensions import db
from app.invitations.models import Invitation
from tests.archive.conftest import export_bytes, make_zip, read_archive

ROOT = Path(__file__).resolve().parents[2]


def _schema():
    return json.loads((ROOT / "docs" / "export-format.schema.json").read_text("utf-8"))


def test_the_schema_in_docs_is_the_one_the_code_checks():
    code = (ROOT / "app" / "archive" / "export-format.schema.json").read_text("utf-8")
    assert code == (ROOT / "docs" / "export-format.schema.json").read_text("utf-8")
    Draft202012Validator.check_schema(_schema())


def test_an_export_follows_the_schema_and_holds_every_part(filled):
    document, files = read_archive(export_bytes(filled.world.project_a))
    Draft202012Validator(_schema()).validate(document)
    assert document["format"] == FORMAT and document["version"] == VERSION
    assert document["exported_at"].endswith("Z")
    story = next(i for i in document["items"] if i["title"] == "Eksport til Excel")
    assert story["parent"] == 1 and story["labels"] == ["eksport", "økonomi"]
    assert story["assignee"] == "delivery_lead@a.example"
    assert [c["body"] for c in story["comments"]] == ["Vi bruger UTF-8 med BOM.", "Godt."]
    changes = {(h["field"], h["old"], h["new"]) for h in story["history"]}
    assert ("assignee", "developer@a.example", "delivery_lead@a.example") in changes
    assert ("title", "Eksport til regneark", "Eksport til Excel") in changes
    assert ("sprint", None, "2") in changes  # sprints by the archive's ref, not a local id
    need = document["needs"][0]
    assert need["organisation"] == "Aarhus Kommune" and need["submitter"] == "po@aarhus.test"
    assert need["cosponsors"][0]["organisation"] == "Ballerup Kommune"
    assert need["items"][0]["item"] == story["number"]
    assert ("item", "", str(story["number"])) in {(h["field"], h["old"], h["new"])
                                                  for h in need["history"]}
    assert document["decisions"][0]["outcomes"][0]["need"] == need["number"]
    assert [d["recipient"] for d in document["digests"]] == ["steering@a.example"]
    kinds = sorted(a["container"]["kind"] for a in document["attachments"])
    assert kinds == ["comment", "item", "note"]
    assert sorted(files) == sorted({a["file"] for a in document["attachments"]})
    emails = {p["email"] for p in document["people"]}
    assert {m["email"] for m in document["members"]} <= emails
    assert "admin@example.test" not in emails  # never named in the project
    assert {o["name"]: o["participation"] for o in document["organisations"]} == {
        "Aarhus Kommune": "member", "Ballerup Kommune": "member",
        "Nordlys Software ApS": "vendor"}


def _comparable(document: dict) -> dict:
    document = json.loads(json.dumps(document))
    document.pop("exported_at")
    document["project"].pop("key")
    return document


def test_export_import_export_gives_the_same_archive(filled, factory, login, client):
    world = filled.world
    first = export_bytes(world.project_a)
    target = factory.project("GAMMA", "Tom")
    db.session.commit()
    login(world.users["site_admin"])
    response = client.post("/p/GAMMA/archive/import", data={
        "archive": (io.BytesIO(first), "alpha.zip")}, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The archive is imported: 3 items, 1 needs" in page
    db.session.expire_all()
    again = export_bytes(target)
    one, files_one = read_archive(first)
    two, files_two = read_archive(again)
    assert _comparable(two) == _comparable(one)
    assert files_two == files_one
    # Keys keep their numbers, under the new project's key; the image has its thumbnail.
    story = db.session.scalar(select(Item).where(Item.project_id == target.id,
                                                 Item.number == filled.story.number))
    assert story.title == "Eksport til Excel" and story.parent.number == 1
    assert client.get(f"/p/GAMMA/items/{story.number}").status_code == 200
    image = db.session.scalar(select(Attachment).where(Attachment.project_id == target.id,
                                                       Attachment.name == "skitse.png"))
    assert image.thumbnail_key is not None
    assert client.get(f"/p/GAMMA/files/{image.id}/thumbnail").status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "archive.imported"))
    assert event.project_id == target.id and event.details["items_count"] == 3
    # Everyone already had an account here: nobody was created or invited.
    assert db.session.scalar(select(Invitation.id)) is None


def test_people_without_an_account_are_created_inactive_and_invited(filled, factory, login,
                                                                    client, smtp):
    document, files = read_archive(export_bytes(filled.world.project_a))
    text = json.dumps(document).replace("po@aarhus.test", "ny@aarhus.test")
    factory.project("GAMMA", "Tom")
    db.session.commit()
    login(filled.world.users["site_admin"])
    data = make_zip({"project.json": text, **files})
    response = client.post("/p/GAMMA/archive/import", data={
        "archive": (io.BytesIO(data), "alpha.zip")}, content_type="multipart/form-data")
    assert response.status_code == 303
    person = db.session.scalar(select(User).where(User.email == "ny@aarhus.test"))
    assert person.is_active is False and person.password_hash is None
    assert person.organisation.name == "Aarhus Kommune"
    [message] = smtp.to("ny@aarhus.test")
    assert "GAMMA" in message["Subject"] or "Alfa" in message["Subject"]
    # The link claims the account made for them: name, password, active, already a member.
    link = next(line for line in message.get_body(("plain",)).get_content().splitlines()
                if "/invitations/" in line)
    token = link.rsplit("/invitations/", 1)[1].strip()
    client.get("/logout")
    answer = client.post(f"/invitations/{token}", data={
        "name": "Ny Aarhusianer", "password": "et-langt-kodeord-42", "locale": "da"})
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)
    db.session.expire_all()
    assert person.is_active and person.name == "Ny Aarhusianer" and person.has_password


def test_the_command_line_exports_and_imports(filled, factory, app, tmp_path):
    path = tmp_path / "alpha.zip"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["archive", "export", "ALPHA", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 items" in result.output
    factory.project("GAMMA", "Tom")
    db.session.commit()
    result = runner.invoke(args=["archive", "import", "GAMMA", str(path), "--by",
                                 "admin@example.test"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["archive", "import", "GAMMA", str(path), "--by",
                                 "admin@example.test"])
    assert result.exit_code != 0 and "tomt projekt" in result.output  # Danish by default


def test_an_archive_larger_than_an_ordinary_request_is_taken(filled, factory, login, client):
    """The import lifts the request limit (2 MB) to ARCHIVE_MAX_UPLOAD_MB for itself alone."""
    import hashlib
    import zipfile

    document, files = read_archive(export_bytes(filled.world.project_a))
    text = b"Referat fra workshoppen.\n" * 120_000  # 3 MB, stored uncompressed below
    sha = hashlib.sha256(text).hexdigest()
    document["attachments"].append({
        "ref": len(document["attachments"]) + 1, "container": {"kind": "item", "ref": 1},
        "name": "referat.txt", "size": len(text), "content_type": "text/plain", "sha256": sha,
        "file": f"attachments/{sha}", "uploaded_by": None, "uploaded_by_label": "",
        "created_at": "2026-12-01T09:00:00Z"})
    data = make_zip({"project.json": json.dumps(document), **files,
                     f"attachments/{sha}": text}, zipfile.ZIP_STORED)
    assert len(data) > 2 * 1024 * 1024
    factory.project("GAMMA", "Tom")
    db.session.commit()
    login(filled.world.users["site_admin"])
    response = client.post("/p/GAMMA/archive/import", data={
        "archive": (io.BytesIO(data), "alpha.zip")}, content_type="multipart/form-data")
    assert response.status_code == 303
    assert db.session.scalar(select(Attachment.content_type).where(
        Attachment.name == "referat.txt")) == "text/plain"


def test_archived_imported_and_edited_things_keep_their_state(filled, factory, login, client):
    """What tidying and imports add survives the round trip: an archived item with its Jira
    key, an archived need, an edited comment."""
    from app.backlog.archiving import archive_item, edit_comment
    from app.backlog.models import Comment
    from app.discovery import services as discovery
    from app.discovery.models import Need

    world = filled.world
    po, dev = world.users["product_owner"], world.users["developer"]
    project = world.project_a
    idea = create_item(project, po, "Gammel idé fra Jira")
    idea.external_key, idea.external_url = "KONT-7", "https://jira.example/browse/KONT-7"
    archive_item(idea, po)
    comment = db.session.scalar(select(Comment).where(Comment.author_id == dev.id))
    edit_comment(comment, dev, "Vi bruger UTF-8 med BOM (rettet).")
    parked = discovery.create_need(project, po, title="Fax-integration", background="Ingen.",
                                   desired_outcome="-", expected_value="-")
    discovery.archive_need(parked, po)
    db.session.commit()
    first = export_bytes(project)
    Draft202012Validator(_schema()).validate(read_archive(first)[0])
    target = factory.project("GAMMA", "Tom")
    db.session.commit()
    login(world.users["site_admin"])
    response = client.post("/p/GAMMA/archive/import", data={
        "archive": (io.BytesIO(first), "alpha.zip")}, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert _comparable(read_archive(export_bytes(target))[0]) == _comparable(
        read_archive(first)[0])
    copy = db.session.scalar(select(Item).where(Item.project_id == target.id,
                                                Item.number == idea.number))
    assert copy.archived_at is not None and copy.archived_by_id == po.id
    assert (copy.external_key, copy.external_url) == ("KONT-7",
                                                      "https://jira.example/browse/KONT-7")
    need = db.session.scalar(select(Need).where(Need.project_id == target.id,
                                                Need.number == parked.number))
    assert need.archived_at is not None
    edited = db.session.scalar(select(Comment).join(Item).where(
        Item.project_id == target.id, Comment.body == "Vi bruger UTF-8 med BOM (rettet)."))
    assert edited.edited_at is not None
