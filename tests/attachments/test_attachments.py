"""Attachments through the real stack: upload, list, serve, delete, and the hostile cases."""
import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from app.attachments.models import Attachment
from app.attachments.services import purge_deleted
from app.audit.models import AuditEvent
from app.backlog.models import ItemHistory
from app.backlog.services import add_comment, create_item
from app.database import utcnow
from app.decisions.services import record_decision
from app.discovery.models import NeedChange
from app.discovery.services import add_note, create_need
from app.extensions import db
from tests.attachments.files import attach, docx, jpeg_with_exif, pdf, png


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path):
    """Each test stores its files in a folder of its own."""
    saved = {k: app.config[k] for k in app.config if k.startswith("ATTACHMENTS_")}
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "files")
    yield tmp_path / "files"
    app.config.update(saved)


@pytest.fixture
def item(world):
    item = create_item(world.project_a, world.users["product_owner"], "Skærmbilleder")
    db.session.commit()
    return item


def stored_files(root):
    return sorted(p.name for p in root.rglob("*")
                  if p.is_file() and p.relative_to(root).parts[0] != "tmp")


def post_files(client, url, *files, htmx=False):
    data = {"files": [(io.BytesIO(content), name) for content, name in files]}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data=data, content_type="multipart/form-data", headers=headers)


def upload_url(project, kind, container_id):
    return f"/p/{project.key}/attachments/{kind}/{container_id}"


def live(kind=None):
    query = select(Attachment).where(Attachment.deleted_at.is_(None))
    if kind:
        query = query.where(Attachment.container_kind == kind)
    return db.session.scalars(query).all()


def test_upload_list_serve_and_delete_on_an_item(world, item, client, login, storage_dir):
    po = world.users["product_owner"]
    login(po)
    response = post_files(client, upload_url(world.project_a, "item", item.id),
                          (png(), "Skærmbillede æøå.png"), (pdf(), "referat.pdf"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/p/ALPHA/items/{item.number}"
                                                 f"#attachments-item-{item.id}")
    files = live()
    assert {(f.name, f.content_type) for f in files} == {
        ("Skærmbillede æøå.png", "image/png"), ("referat.pdf", "application/pdf")}
    assert len(stored_files(storage_dir)) == 3  # two files and the image's thumbnail

    page = client.get(f"/p/ALPHA/items/{item.number}").get_data(as_text=True)
    assert "Skærmbillede æøå.png" in page and "referat.pdf" in page
    assert po.name in page and "PDF" in page
    image = next(f for f in files if f.is_image)
    served = client.get(f"/p/ALPHA/files/{image.id}")
    assert served.status_code == 200 and served.data == png()
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["Content-Disposition"].startswith("inline;")
    assert "filename*=UTF-8''Sk%C3%A6rmbillede%20%C3%A6%C3%B8%C3%A5.png" in (
        served.headers["Content-Disposition"])
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"].startswith("sandbox; ")

    history = db.session.scalars(select(ItemHistory.new_value).where(
        ItemHistory.item_id == item.id, ItemHistory.field == "attachment")).all()
    assert set(history) == {"referat.pdf", "Skærmbillede æøå.png"}

    confirm = client.get(f"/p/ALPHA/files/{image.id}/delete")
    assert confirm.status_code == 200 and "Skærmbillede æøå.png" in confirm.get_data(True)
    gone = client.post(f"/p/ALPHA/files/{image.id}/delete")
    assert gone.status_code == 303
    assert [f.name for f in live()] == ["referat.pdf"]
    assert client.get(f"/p/ALPHA/files/{image.id}").status_code == 404
    page = client.get(f"/p/ALPHA/items/{item.number}").get_data(as_text=True)
    assert "Deleted the attached file" in page or "Slettede den vedhæftede fil" in page
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("attachment.%"))).all()
    assert sorted(actions) == ["attachment.attached", "attachment.attached",
                               "attachment.deleted"]


def test_htmx_upload_answers_the_list(world, item, client, login):
    login(world.users["contributor"])
    response = post_files(client, upload_url(world.project_a, "item", item.id),
                          (b"navn;antal\nBallerup;3\n", "tal.csv"), htmx=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'id="attachments-item-{item.id}-list"' in body and "tal.csv" in body
    assert "samspil:announce" in response.headers["HX-Trigger"]
    assert live()[0].content_type == "text/csv"


def test_every_kind_of_container(world, item, client, login):
    po = world.users["product_owner"]
    need = create_need(world.project_a, po, title="Overblik", background="Baggrund",
                       desired_outcome="Ét overblik", expected_value="Færre fejl")
    note = add_note(need, po, "note", "Workshop")
    comment = add_comment(item, po, "Se vedhæftet")
    decision = record_decision(world.project_a, world.users["steering"],
                               decided_on=utcnow().date(), title="Vi gør det")
    db.session.commit()
    login(po)
    for kind, ident in (("need", need.id), ("note", note.id), ("comment", comment.id)):
        response = post_files(client, upload_url(world.project_a, kind, ident),
                              (docx(), f"{kind}.docx"))
        assert response.status_code == 303, kind
    assert client.get(f"/p/ALPHA/needs/{need.number}").get_data(True).count(".docx") >= 2
    assert "comment.docx" in client.get(f"/p/ALPHA/items/{item.number}").get_data(True)
    changes = db.session.scalars(select(NeedChange.new_value).where(
        NeedChange.field == "attachment")).all()
    assert sorted(changes) == ["need.docx", "note.docx"]
    # Decisions: the steering group attaches its papers; a product owner may not.
    assert post_files(client, upload_url(world.project_a, "decision", decision.id),
                      (pdf(), "papir.pdf")).status_code == 403
    login(world.users["steering"])
    assert post_files(client, upload_url(world.project_a, "decision", decision.id),
                      (pdf(), "papir.pdf")).status_code == 303
    assert "papir.pdf" in client.get(f"/p/ALPHA/decisions/{decision.id}").get_data(True)
    assert {f.container_kind for f in live()} == {"need", "note", "comment", "decision"}


def test_another_project_answers_404(world, item, client, login):
    attachment = attach(world.project_a, "item", item, world.users["product_owner"], pdf(),
                        "a.pdf")
    other = create_item(world.project_b, world.users["outsider"], "B's item")
    db.session.commit()
    login(world.users["outsider"])
    assert client.get(f"/p/BETA/files/{attachment.id}").status_code == 404
    assert client.get(f"/p/ALPHA/files/{attachment.id}").status_code == 404
    assert post_files(client, upload_url(world.project_b, "item", item.id),
                      (pdf(), "x.pdf")).status_code == 404
    login(world.users["product_owner"])
    # A member of A names B's item under A's key: 404, nothing stored.
    assert post_files(client, upload_url(world.project_a, "item", other.id),
                      (pdf(), "x.pdf")).status_code == 404
    assert post_files(client, upload_url(world.project_a, "nonsense", item.id),
                      (pdf(), "x.pdf")).status_code == 404
    assert len(live()) == 1


@pytest.mark.parametrize(("content", "name", "status", "words"), [
    (b"<!doctype html><script>alert(1)</script>", "skærm.png", 415, "HTML"),
    (b"<html><body>hej</body></html>", "side.html", 415, "HTML"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200), "program.exe", 415, "type"),
    (b"", "tom.pdf", 422, "empty"),
    (png()[:60], "afklippet.png", 422, "cannot be read"),
    (pdf(), "../../etc/passwd.pdf", 422, "folders"),
    (pdf(), "n" * 10_000 + ".pdf", 422, "at most 255"),
])
def test_bad_files_are_refused_and_nothing_is_stored(world, item, client, login, storage_dir,
                                                     content, name, status, words):
    login(world.users["product_owner"])
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = post_files(client, upload_url(world.project_a, "item", item.id), (content, name))
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert live() == [] and stored_files(storage_dir) == []


def test_one_bad_file_among_several_stores_none(world, item, client, login, storage_dir):
    login(world.users["product_owner"])
    response = post_files(client, upload_url(world.project_a, "item", item.id),
                          (pdf(), "god.pdf"), (b"<html></html>", "ond.txt"))
    assert response.status_code == 415
    assert live() == [] and stored_files(storage_dir) == []


def test_nul_in_the_name_is_refused(world, item, client, login):
    login(world.users["product_owner"])
    response = post_files(client, upload_url(world.project_a, "item", item.id),
                          (pdf(), "a\x00b.pdf"))
    assert response.status_code in (400, 422) and live() == []


def test_no_file_chosen(world, item, client, login):
    login(world.users["product_owner"])
    response = client.post(upload_url(world.project_a, "item", item.id), data={},
                           content_type="multipart/form-data")
    assert response.status_code == 422


def test_too_large_for_the_file_limit_and_the_request_limit(app, world, item, client, login,
                                                            storage_dir):
    app.config["ATTACHMENTS_MAX_FILE_BYTES"] = 1024
    app.config["ATTACHMENTS_MAX_REQUEST_BYTES"] = 4096
    login(world.users["product_owner"])
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    big_text = b"a" * 2000
    response = post_files(client, upload_url(world.project_a, "item", item.id),
                          (big_text, "stor.txt"))
    assert response.status_code == 413
    assert "too large: a file may be at most 1 kB" in response.get_data(as_text=True)
    # Over the request limit: refused from Content-Length, with a page, not a 500.
    response = post_files(client, upload_url(world.project_a, "item", item.id),
                          (b"a" * 10_000, "større.txt"))
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)
    assert live() == [] and stored_files(storage_dir) == []


def test_the_project_quota(app, world, item, client, login):
    app.config["ATTACHMENTS_PROJECT_QUOTA_BYTES"] = len(pdf()) + 10
    login(world.users["product_owner"])
    url = upload_url(world.project_a, "item", item.id)
    assert post_files(client, url, (pdf(), "første.pdf")).status_code == 303
    response = post_files(client, url, (pdf(), "anden.pdf"))
    assert response.status_code == 413
    assert [f.name for f in live()] == ["første.pdf"]


def test_thumbnail_has_no_exif_and_is_upright(world, item, client, login):
    attachment = attach(world.project_a, "item", item, world.users["product_owner"],
                        jpeg_with_exif(), "foto.jpg")
    db.session.commit()
    login(world.users["observer"])
    response = client.get(f"/p/ALPHA/files/{attachment.id}/thumbnail")
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
    thumb = Image.open(io.BytesIO(response.data))
    assert not thumb.getexif() and "exif" not in thumb.info
    assert thumb.size == (48, 64)  # turned upright by its orientation tag
    assert response.headers["Content-Security-Policy"].startswith("sandbox; ")


def test_other_types_download_and_svg_never_shows_inline(world, item, client, login):
    po = world.users["product_owner"]
    svg = attach(world.project_a, "item", item, po,
                 b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                 "tegning.svg")
    document = attach(world.project_a, "item", item, po, docx(), "notat.docx")
    db.session.commit()
    login(po)
    for attachment in (svg, document):
        response = client.get(f"/p/ALPHA/files/{attachment.id}")
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["Content-Security-Policy"].startswith("sandbox; ")
    assert svg.content_type == "image/svg+xml" and svg.thumbnail_key is None


def test_range_request(world, item, client, login):
    data = pdf()
    attachment = attach(world.project_a, "item", item, world.users["product_owner"], data,
                        "lang.pdf")
    db.session.commit()
    login(world.users["observer"])
    response = client.get(f"/p/ALPHA/files/{attachment.id}", headers={"Range": "bytes=5-14"})
    assert response.status_code == 206
    assert response.data == data[5:15]
    assert response.headers["Content-Range"] == f"bytes 5-14/{len(data)}"


def test_who_may_delete(world, item, client, login):
    attachment = attach(world.project_a, "item", item, world.users["developer"], pdf(), "a.pdf")
    db.session.commit()
    login(world.users["product_owner"])
    assert client.post(f"/p/ALPHA/files/{attachment.id}/delete").status_code == 403
    login(world.users["secretariat"])
    assert client.post(f"/p/ALPHA/files/{attachment.id}/delete").status_code == 303
    assert live() == []


def test_same_file_is_stored_once_and_purged_after_retention(app, world, item, storage_dir):
    po = world.users["product_owner"]
    first = attach(world.project_a, "item", item, po, png(), "a.png")
    second = attach(world.project_a, "item", item, po, png(), "b.png")
    db.session.commit()
    assert len(stored_files(storage_dir)) == 2  # one file, one thumbnail
    first.deleted_at = second.deleted_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert purge_deleted() == 2
    assert stored_files(storage_dir) == []
    assert db.session.scalars(select(Attachment)).all() == []


def test_purge_keeps_bytes_another_attachment_uses(app, world, item, storage_dir):
    po = world.users["product_owner"]
    old = attach(world.project_a, "item", item, po, pdf(), "a.pdf")
    attach(world.project_a, "item", item, po, pdf(), "b.pdf")
    recent = attach(world.project_a, "item", item, po, docx(), "c.docx")
    db.session.commit()
    old.deleted_at = utcnow() - timedelta(days=40)
    recent.deleted_at = utcnow() - timedelta(days=2)
    db.session.commit()
    assert purge_deleted() == 1
    assert len(stored_files(storage_dir)) == 2  # the PDF still used, the recent deletion kept
