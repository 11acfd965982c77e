"""Exports people ask for, the files they produce, and imports of uploaded archives.

An export is a row (`ProjectExport`) written in the request that asks for it. A project of at
most ARCHIVE_BACKGROUND_ITEMS items is archived there and then; a bigger one is left pending
for the scheduler process (`produce_pending`, every minute), which claims it, writes the file,
and e-mails the link to whoever asked. Files go to ARCHIVE_DIR under a random name, written
as `.part` and renamed when complete, and `prune` removes them (and their rows) once expired.
"""
import logging
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from app.archive.export import ProjectArchive
from app.archive.importing import Imported, import_archive
from app.archive.models import ExportState, ProjectExport
from app.archive.reading import open_archive
from app.audit.labels import register_actions, register_details
from app.audit.services import record
from app.backlog.models import Item
from app.database import utcnow
from app.digests.delivery import job_lock
from app.extensions import db
from app.services import RuleViolation

log = logging.getLogger(__name__)

COUNT_LABELS = {"items": _l("Items"), "needs": _l("Needs"), "sprints": _l("Sprints"),
                "decisions": _l("Decisions"), "digests": _l("Digests sent"),
                "attachments": _l("Attached files"), "members": _l("Members")}
register_details({f"{name}_count": label for name, label in COUNT_LABELS.items()}
                 | {"people_created": _l("Accounts created"), "archive_bytes": _l("Size"),
                    "in_background": _l("Made in the background"),
                    "source_key": _l("Project key of the source"),
                    "exported_at": _l("Exported"), "export_id": _l("Archive")})


def counted(counts: dict) -> dict:
    """Counts as audit details, named apart from the details other actions record."""
    return {f"{name}_count": n for name, n in counts.items()}


register_actions({
    "archive.export_requested": _l("Project archive requested"),
    "archive.exported": _l("Project archive made"),
    "archive.downloaded": _l("Project archive downloaded"),
    "archive.imported": _l("Project archive imported"),
})


def archive_dir() -> Path:
    path = Path(current_app.config["ARCHIVE_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_of(export: ProjectExport) -> Path:
    return archive_dir() / export.file_name


def item_count(project) -> int:
    return db.session.scalar(select(func.count(Item.id)).where(Item.project_id == project.id))


def is_big(count: int) -> bool:
    return count > current_app.config["ARCHIVE_BACKGROUND_ITEMS"]


def recent_exports(project, limit: int = 10) -> list[ProjectExport]:
    """The project's exports that are not pruned yet, newest first."""
    return list(db.session.scalars(
        select(ProjectExport).where(ProjectExport.project_id == project.id)
        .order_by(ProjectExport.created_at.desc(), ProjectExport.id.desc()).limit(limit)))


def request_export(project, actor) -> ProjectExport:
    """Ask for the project's archive: made now for a small project, else left pending for the
    scheduler process."""
    count = item_count(project)
    export = ProjectExport(project=project, requested_by=actor, item_count=count)
    db.session.add(export)
    db.session.flush()
    record("archive.export_requested", project=project, target=project, actor=actor,
           items_count=count, in_background=is_big(count))
    if not is_big(count):
        try:
            produce(export)
        except OSError as exc:
            log.exception("archive export of %s failed", project.key)
            raise RuleViolation(_("The archive could not be written (%(reason)s). Try again, "
                                  "or tell the site administrators.",
                                  reason=exc.strerror or exc), status=503) from None
    return export


def produce(export: ProjectExport) -> None:
    """Write the export's file and mark it ready (flushes; the caller commits)."""
    target = file_of(export)
    draft = target.with_name(target.name + ".part")
    try:
        with open(draft, "wb") as out:
            counts = ProjectArchive(export.project).write(out)
        os.replace(draft, target)
    finally:
        draft.unlink(missing_ok=True)
    now = utcnow()
    export.state = ExportState.READY
    export.size = target.stat().st_size
    export.finished_at = now
    export.expires_at = now + timedelta(days=current_app.config["ARCHIVE_KEEP_DAYS"])
    export.claimed_until = None
    record("archive.exported", project=export.project, target=export.project,
           actor=export.requested_by, archive_bytes=export.size, **counted(counts))
    db.session.flush()


def downloadable(export: ProjectExport) -> Path | None:
    """The export's file while it may be downloaded."""
    if not export.is_ready or export.expires_at is None or export.expires_at <= utcnow():
        return None
    path = file_of(export)
    return path if path.is_file() else None


def record_download(export: ProjectExport, actor) -> None:
    record("archive.downloaded", project=export.project, target=export.project, actor=actor,
           export_id=export.id)


def _claim(now) -> ProjectExport | None:
    """Take the oldest pending export (or one whose claim ran out: its process died)."""
    candidate = db.session.scalar(
        select(ProjectExport.id).where(or_(
            ProjectExport.state == ExportState.PENDING,
            (ProjectExport.state == ExportState.RUNNING) & (ProjectExport.claimed_until < now)))
        .order_by(ProjectExport.id).limit(1))
    if candidate is None:
        return None
    until = now + timedelta(seconds=current_app.config["ARCHIVE_CLAIM_SECONDS"])
    taken = db.session.execute(
        update(ProjectExport).where(ProjectExport.id == candidate, or_(
            ProjectExport.state == ExportState.PENDING,
            ProjectExport.claimed_until < now))
        .values(state=ExportState.RUNNING, claimed_until=until)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return db.session.get(ProjectExport, candidate) if taken.rowcount == 1 else None


def produce_pending(now=None, limit: int = 5) -> int:
    """The scheduler's job: make pending exports and e-mail their links; how many were made."""
    from app.archive.emails import send_ready

    made = 0
    with job_lock("archive.exports") as acquired:
        if not acquired:
            return 0
        for _ in range(limit):
            export = _claim(now or utcnow())
            if export is None:
                break
            try:
                produce(export)
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                log.exception("archive export %s failed", export.id)
                _fail(export.id, str(exc))
                continue
            made += 1
            send_ready(export)
    return made


def _fail(export_id: int, error: str) -> None:
    db.session.execute(update(ProjectExport).where(ProjectExport.id == export_id)
                       .values(state=ExportState.FAILED, error=error[:1000],
                               finished_at=utcnow(), claimed_until=None,
                               expires_at=utcnow() + timedelta(
                                   days=current_app.config["ARCHIVE_KEEP_DAYS"])))
    db.session.commit()


def prune(now=None) -> int:
    """Remove expired exports: their files and their rows. How many were removed."""
    now = now or utcnow()
    expired = db.session.scalars(select(ProjectExport).where(
        ProjectExport.expires_at.is_not(None), ProjectExport.expires_at <= now)).all()
    for export in expired:
        file_of(export).unlink(missing_ok=True)
        db.session.delete(export)
    db.session.commit()
    return len(expired)


def import_upload(project, actor, upload) -> Imported:
    """Import an uploaded archive (a Werkzeug FileStorage) into the empty project."""
    folder = archive_dir()
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".upload") as scratch:
        upload.save(scratch)
        scratch.flush()
        archive = open_archive(scratch.name)
        try:
            return import_archive(project, actor, archive)
        finally:
            archive.close()


def import_message(imported: Imported) -> str:
    c = imported.counts
    return _("The archive is imported: %(items)d items, %(needs)d needs, %(sprints)d sprints "
             "and %(decisions)d decisions. %(invited)d people were invited to take up their "
             "accounts.", items=c["items"], needs=c["needs"], sprints=c["sprints"],
             decisions=c["decisions"], invited=len(imported.invitations))
