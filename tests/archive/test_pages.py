"""The archive page: the secretariat asks for an archive, downloads it; big projects are
archived by the scheduler's job with the link by e-mail; archives expire and are pruned."""
from datetime import timedelta

from sqlalchemy import select

from app.archive import services
from app.archive.models import ExportState, ProjectExport
from app.audit.models import AuditEvent
from app.database import utcnow
from app.extensions import db
from tests.archive.conftest import read_archive


def _actions():
    return db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("archive.%")).order_by(AuditEvent.id)).all()


def test_the_members_page_links_to_the_archive_for_the_secretariat_only(filled, login, client):
    world = filled.world
    page = login(world.users["secretariat"]).get("/p/ALPHA/members").get_data(as_text=True)
    assert 'href="/p/ALPHA/archive"' in page
    page = login(world.users["product_owner"]).get("/p/ALPHA/members").get_data(as_text=True)
    assert 'href="/p/ALPHA/archive"' not in page


def test_a_small_project_is_archived_at_once_and_downloaded(filled, login, client):
    secretariat = filled.world.users["secretariat"]
    login(secretariat)
    page = client.get("/p/ALPHA/archive").get_data(as_text=True)
    assert "Make an archive" in page
    assert "already has work in it" in page  # no import into a project with work
    response = client.post("/p/ALPHA/archive/exports")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The archive is ready to download below." in page
    export = db.session.scalar(select(ProjectExport))
    assert export.state == ExportState.READY and export.requested_by_id == secretariat.id
    assert f'href="/p/ALPHA/archive/exports/{export.id}/download"' in page
    download = client.get(f"/p/ALPHA/archive/exports/{export.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert "samspil-ALPHA-" in download.headers["Content-Disposition"]
    document, _files = read_archive(download.data)
    assert document["project"]["key"] == "ALPHA" and len(document["items"]) == 3
    assert _actions() == ["archive.export_requested", "archive.exported", "archive.downloaded"]
    audit = client.get("/p/ALPHA/audit").get_data(as_text=True)
    assert "Project archive made" in audit and "Project archive downloaded" in audit


def test_others_cannot_download_an_archive(filled, login, client, factory):
    export = services.request_export(filled.world.project_a, filled.world.users["secretariat"])
    db.session.commit()
    url = f"/p/ALPHA/archive/exports/{export.id}/download"
    assert login(filled.world.users["product_owner"]).get(url).status_code == 403
    assert login(filled.world.users["outsider"]).get(url).status_code == 404
    # Another project's secretariat does not reach it through their own project either.
    other = factory.user(filled.world.muni_b, roles=["secretariat"],
                         project=filled.world.project_b)
    db.session.commit()
    assert login(other).get(f"/p/BETA/archive/exports/{export.id}/download").status_code == 404


def test_a_big_project_is_archived_by_the_scheduler_and_the_link_emailed(
        filled, login, client, app, monkeypatch, smtp):
    monkeypatch.setitem(app.config, "ARCHIVE_BACKGROUND_ITEMS", 2)
    secretariat = filled.world.users["secretariat"]
    login(secretariat)
    response = client.post("/p/ALPHA/archive/exports")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You will get an e-mail with the link" in page and "Being made" in page
    export = db.session.scalar(select(ProjectExport))
    assert export.state == ExportState.PENDING
    assert services.produce_pending() == 1
    assert services.produce_pending() == 0  # made once
    db.session.expire_all()
    assert export.state == ExportState.READY
    [message] = smtp.to(secretariat.email)
    assert message["Subject"] == "Arkivet af Alfa er klar"  # their language: Danish by default
    link = f"http://samspil.test/p/ALPHA/archive/exports/{export.id}/download"
    assert link in message.get_body(("plain",)).get_content()
    assert client.get(link.removeprefix("http://samspil.test")).status_code == 200


def test_a_failed_export_is_marked_and_shown(filled, login, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "ARCHIVE_BACKGROUND_ITEMS", 0)
    export = services.request_export(filled.world.project_a, filled.world.users["secretariat"])
    db.session.commit()

    def broken(self, fileobj):
        raise OSError("disk full")

    monkeypatch.setattr("app.archive.export.ProjectArchive.write", broken)
    assert services.produce_pending() == 0
    db.session.expire_all()
    assert export.state == ExportState.FAILED and "disk full" in export.error
    page = login(filled.world.users["secretariat"]).get("/p/ALPHA/archive").get_data(as_text=True)
    assert "Failed; ask again" in page


def test_expired_archives_are_pruned_with_their_files(filled):
    export = services.request_export(filled.world.project_a, filled.world.users["secretariat"])
    db.session.commit()
    path = services.file_of(export)
    assert path.is_file()
    assert services.prune(utcnow()) == 0
    assert services.prune(utcnow() + timedelta(days=8)) == 1
    assert not path.exists() and db.session.scalar(select(ProjectExport.id)) is None


def test_the_scheduler_runs_the_archive_jobs(app):
    from app.scheduler import scheduled_jobs

    ids = {job_id for job_id, _f, _t in scheduled_jobs(app)}
    assert {"archive.produce", "archive.prune"} <= ids
