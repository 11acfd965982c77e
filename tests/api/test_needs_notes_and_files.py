"""A need's texts and discovery log, and the files of items and needs, through the API: the
same rules as the pages, If-Match on every change of what exists, files under the attachments'
limits, and every write recorded in the audit log with the token that made it."""
import io

import pytest
from sqlalchemy import select

from app.attachments.models import Attachment
from app.audit.models import AuditEvent
from app.backlog.services import create_item
from app.discovery.models import NeedChange
from app.discovery.services import create_need
from app.extensions import db
from tests.api.test_planning import NEED_TEXTS
from tests.attachments.files import attach, pdf, png

NEEDS = "/api/v1/projects/ALPHA/needs"
ITEMS = "/api/v1/projects/ALPHA/items"


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path):
    saved = {k: app.config[k] for k in app.config if k.startswith("ATTACHMENTS_")}
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "files")
    yield
    app.config.update(saved)


@pytest.fixture
def need(world):
    need = create_need(world.project_a, world.users["product_owner"], **NEED_TEXTS)
    db.session.commit()
    return need


def test_a_needs_texts_change_only_from_the_version_seen(world, api_as, need):
    api = api_as("product_owner")
    url = f"{NEEDS}/{need.number}"
    assert api.patch(url, json={"title": "Kontraktoverblik"}).status_code == 428
    seen = api.get(url).headers["ETag"]
    changed = api.patch(url, json={"title": "Kontraktoverblik"}, headers={"If-Match": seen})
    assert changed.status_code == 200 and changed.json["title"] == "Kontraktoverblik"
    assert changed.headers["ETag"] != seen
    stale = api.patch(url, json={"background": "Andet."}, headers={"If-Match": seen})
    assert stale.status_code == 412 and stale.json["current"]["title"] == "Kontraktoverblik"
    assert stale.headers["ETag"] == changed.headers["ETag"]
    refused = api.patch(url, json={"title": "", "colour": "rød"},
                        headers={"If-Match": changed.headers["ETag"]})
    assert refused.status_code == 422 and set(refused.json["errors"]) == {"colour"}
    emptied = api.patch(url, json={"title": "  "}, headers={"If-Match": changed.headers["ETag"]})
    assert emptied.status_code == 422 and "title" in emptied.json["errors"]
    db.session.expire_all()
    history = db.session.scalars(select(NeedChange.field).where(
        NeedChange.need_id == need.id).order_by(NeedChange.id)).all()
    assert history.count("title") == 1 and "background" not in history


def test_the_discovery_log_is_read_and_written(world, api_as, need):
    developer = api_as("developer")  # the vendor takes part in discovery too
    url = f"{NEEDS}/{need.number}/notes"
    written = developer.post(url, json={"kind": "workshop", "body": "Workshop i Ballerup.",
                                        "occurred_on": "2026-11-30"})
    assert written.status_code == 201
    assert written.json["kind"] == "workshop" and written.json["occurred_on"] == "2026-11-30"
    assert written.json["author"]["name"] == world.users["developer"].name
    developer.post(url, json={"body": "Et spørgsmål mere."})
    log = developer.get(url).json["data"]
    assert [n["body"] for n in log] == ["Et spørgsmål mere.", "Workshop i Ballerup."]
    assert developer.post(url, json={"kind": "gossip", "body": "x"}).status_code == 422
    future = developer.post(url, json={"body": "x", "occurred_on": "2999-01-01"})
    assert future.status_code == 422 and "occurred_on" in future.json["errors"]
    assert developer.post(url, json={"body": "x", "occurred_on": "30-11-2026"}).status_code == 422
    assert developer.post(url, json={"body": "   "}).status_code == 422
    assert len(developer.get(url).json["data"]) == 2


def test_files_are_attached_listed_downloaded_and_deleted(world, api_as, client):
    item = create_item(world.project_a, world.users["product_owner"], "Skærmbilleder")
    db.session.commit()
    api = api_as("developer")
    url = f"{ITEMS}/{item.number}/attachments"
    uploaded = api.post(url, data={"files": [(io.BytesIO(png()), "skærm.png"),
                                             (io.BytesIO(pdf()), "Referat æøå.pdf")]},
                        content_type="multipart/form-data")
    assert uploaded.status_code == 201
    names = [f["name"] for f in uploaded.json["data"]]
    assert names == ["skærm.png", "Referat æøå.pdf"]
    image, paper = uploaded.json["data"]
    assert image["content_type"] == "image/png" and "thumbnail" in image["links"]
    assert api.get(f"{ITEMS}/{item.number}").json["links"]["attachments"].endswith(url)
    assert [f["name"] for f in api.get(url).json["data"]] == names
    content = api.get(paper["links"]["content"])
    assert content.status_code == 200 and content.data == pdf()
    assert content.headers["Content-Security-Policy"].startswith("sandbox")
    assert content.headers["X-Content-Type-Options"] == "nosniff"
    assert "filename*=UTF-8''Referat%20%C3%A6%C3%B8%C3%A5.pdf" in (
        content.headers["Content-Disposition"])
    part = api.get(paper["links"]["content"],
                   headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.data == b"%PDF"
    # Its uploader deletes one; the list no longer shows it and its content is gone.
    gone = api.delete(f"/api/v1/projects/ALPHA/attachments/{image['id']}")
    assert gone.status_code == 204
    assert [f["name"] for f in api.get(url).json["data"]] == ["Referat æøå.pdf"]
    assert api.get(f"/api/v1/projects/ALPHA/attachments/{image['id']}/content").status_code == 404


def test_a_need_takes_files_from_every_member(world, api_as, need):
    api = api_as("observer")
    url = f"{NEEDS}/{need.number}/attachments"
    assert api.post(url, data={"files": [(io.BytesIO(pdf()), "proces.pdf")]},
                    content_type="multipart/form-data").status_code == 201
    assert [f["name"] for f in api.get(url).json["data"]] == ["proces.pdf"]


def test_bad_files_are_refused_and_nothing_is_stored(world, api_as, app):
    item = create_item(world.project_a, world.users["product_owner"], "Bilag")
    db.session.commit()
    api = api_as("developer")
    url = f"{ITEMS}/{item.number}/attachments"
    nothing = api.post(url, data={}, content_type="multipart/form-data")
    assert nothing.status_code == 422 and "files" in nothing.json["errors"]
    assert api.post(url, json={"files": []}).status_code == 422
    html = api.post(url, data={"files": [(io.BytesIO(b"<html><script>x</script>"), "x.png")]},
                    content_type="multipart/form-data")
    assert html.status_code == 415 and "detail" in html.json
    app.config["ATTACHMENTS_MAX_REQUEST_BYTES"] = 2048
    large = api.post(url, data={"files": [(io.BytesIO(b"%PDF-1.4\n" + b"0" * 5000),
                                           "stor.pdf")]}, content_type="multipart/form-data")
    assert large.status_code == 413 and large.mimetype == "application/problem+json"
    assert db.session.scalar(select(Attachment.id)) is None


def test_another_projects_file_is_404(world, api_as, factory):
    other_item = create_item(world.project_b, world.users["outsider"], "Hemmeligt")
    db.session.commit()
    secret = attach(world.project_b, "item", other_item, world.users["outsider"], pdf(), "b.pdf")
    db.session.commit()
    api = api_as("secretariat")
    assert api.get(f"/api/v1/projects/ALPHA/attachments/{secret.id}/content").status_code == 404
    assert api.delete(f"/api/v1/projects/ALPHA/attachments/{secret.id}").status_code == 404


def test_every_write_is_audited_with_its_token(world, api_as):
    api = api_as("developer")
    created = api.post(ITEMS, json={"title": "Fra CI"})
    assert created.status_code == 201
    api.get(f"{ITEMS}/{created.json['number']}")  # reading is not audited
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.write")
                                .order_by(AuditEvent.id)).all()
    assert len(events) == 1
    [event] = events
    assert event.actor_id == world.users["developer"].id and event.target_label == "Test"
    assert event.target_type == "AccessToken" and event.project_id == world.project_a.id
    assert event.details == {"method": "POST", "path": ITEMS}
