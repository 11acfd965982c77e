"""Attaching files, deleting them, and removing deleted ones after the retention period.

An upload arrives as Werkzeug's spooled temporary file (the body is streamed to disk past
500 KB, and refused at MAX_CONTENT_LENGTH before it is read: see `limits`). It is copied once
more in chunks, hashed on the way, then checked: its size, its type by content, the project's
quota, and for images that Pillow can read it. Only then are the bytes stored, under their
SHA-256. Nothing is stored for a refused file.
"""
import hashlib
import io
import os
import re
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from sqlalchemy import func, select

from app.attachments import content
from app.attachments.models import MAX_NAME, Attachment
from app.attachments.registry import Container
from app.attachments.storage import storage
from app.audit.labels import register_actions
from app.audit.services import record
from app.database import utcnow
from app.i18n import format_size
from app.extensions import db
from app.services import RuleViolation

CHUNK = 64 * 1024
THUMBNAIL_SIZE = (320, 320)
THUMBNAIL_SUFFIX = ".thumb"
register_actions({"attachment.attached": _l("File attached"),
                  "attachment.deleted": _l("Attached file deleted")})

_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\\ufffe\uffff]")


def size_text(size: int) -> str:
    """A limit in words, in the reader's language: "25 MB", "512 kB"."""
    return format_size(size)


def check_name(raw: str | None) -> str:
    """The file's name as given, refused when it holds a path, control characters or more
    than MAX_NAME characters (no browser sends such a name; a crafted request does)."""
    name = (raw or "").strip()
    if not name:
        raise RuleViolation(_("The file has no name. Choose a file to attach."), "files")
    if _BAD_NAME.search(name):
        raise RuleViolation(_("The file's name may not contain folders (/ or \\) or control "
                              "characters. Rename the file and try again."), "files")
    if len(name) > MAX_NAME or name in {".", ".."}:
        raise RuleViolation(_("The file's name can have at most %(n)d characters. Rename the "
                              "file and try again.", n=MAX_NAME), "files")
    return name


def quota_used(project) -> int:
    """Bytes the project's attachments take (deleted ones count until they are removed)."""
    return int(db.session.scalar(select(func.coalesce(func.sum(Attachment.size), 0))
                                 .where(Attachment.project_id == project.id)) or 0)


@dataclass
class _Prepared:
    scratch: object
    name: str
    size: int
    digest: str
    mime: str
    thumbnail: bytes | None


def attach_files(project, spec: Container, container, actor, uploads) -> list[Attachment]:
    """Attach the uploaded files (Werkzeug FileStorage objects) to `container`: every file is
    checked before any is stored, so one refused file leaves nothing behind."""
    if not uploads:
        raise RuleViolation(_("Choose a file to attach."), "files")
    with ExitStack() as stack:
        prepared = [_prepare(stack, upload) for upload in uploads]
        quota = current_app.config["ATTACHMENTS_PROJECT_QUOTA_BYTES"]
        if quota_used(project) + sum(p.size for p in prepared) > quota:
            raise RuleViolation(_("The project has no room for this: its attachments may take "
                                  "at most %(limit)s. Delete files it no longer needs.",
                                  limit=size_text(quota)), "files", status=413)
        return [_store(project, spec, container, actor, p) for p in prepared]


def _prepare(stack: ExitStack, upload) -> _Prepared:
    name = check_name(upload.filename)
    scratch = stack.enter_context(tempfile.NamedTemporaryFile(prefix="upload-",  # noqa: SIM115
                                                              dir=_scratch_dir()))
    size, digest, head = _copy(upload.stream, scratch,
                               current_app.config["ATTACHMENTS_MAX_FILE_BYTES"], name)
    mime = _allowed_type(head, name)
    thumbnail = _thumbnail(scratch.name, name) if content.ALLOWED[mime].is_image else None
    return _Prepared(scratch, name, size, digest, mime, thumbnail)


def _store(project, spec, container, actor, p: _Prepared) -> Attachment:
    store = storage()
    store.put_file(p.digest, p.scratch.name)
    if p.thumbnail is not None:
        store.put_bytes(p.digest + THUMBNAIL_SUFFIX, p.thumbnail)
    attachment = Attachment(
        project_id=project.id, container_kind=spec.kind, container_id=container.id,
        name=p.name, size=p.size, content_type=p.mime, sha256=p.digest,
        thumbnail_key=p.digest + THUMBNAIL_SUFFIX if p.thumbnail is not None else None,
        uploaded_by=actor, uploaded_by_label=actor.name)
    db.session.add(attachment)
    db.session.flush()
    _record(project, spec, container, actor, "attached", attachment)
    return attachment


def delete(project, container_spec: Container, container, attachment, actor) -> None:
    """Delete an attachment: gone from the container at once, its bytes removed by
    `purge_deleted` after ATTACHMENTS_RETENTION_DAYS (an accident can still be undone)."""
    if attachment.deleted_at is not None:
        raise RuleViolation(_("The file was already deleted."), status=409)
    attachment.deleted_at = utcnow()
    attachment.deleted_by_id = actor.id
    db.session.flush()
    _record(project, container_spec, container, actor, "deleted", attachment)


def _record(project, spec, container, actor, action, attachment) -> None:
    record("attachment.attached" if action == "attached" else "attachment.deleted",
           project=project, target=attachment, target_label=attachment.name, actor=actor)
    if spec.record is not None:
        spec.record(container, actor, action, attachment)


def purge_deleted(now=None) -> int:
    """Remove attachments deleted longer ago than the retention period, and the stored bytes
    no remaining attachment uses; returns how many rows went."""
    days = current_app.config["ATTACHMENTS_RETENTION_DAYS"]
    cutoff = (now or utcnow()) - timedelta(days=days)
    expired = db.session.scalars(select(Attachment).where(
        Attachment.deleted_at.is_not(None), Attachment.deleted_at < cutoff)).all()
    digests = {a.sha256 for a in expired}
    for attachment in expired:
        db.session.delete(attachment)
    db.session.flush()
    still_used = set(db.session.scalars(select(Attachment.sha256).where(
        Attachment.sha256.in_(digests)))) if digests else set()
    db.session.commit()
    store = storage()
    for digest in digests - still_used:
        store.delete(digest)
        store.delete(digest + THUMBNAIL_SUFFIX)
    return len(expired)


def _scratch_dir() -> str:
    path = os.path.join(current_app.config["ATTACHMENTS_DIR"], "tmp")
    os.makedirs(path, exist_ok=True)
    return path


def _copy(stream, target, limit: int, name: str) -> tuple[int, str, bytes]:
    """Copy `stream` to `target` in chunks: (size, SHA-256, the first bytes); refused when
    empty or over `limit`, without reading further."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise RuleViolation(_("“%(name)s” is too large: a file may be at most %(limit)s.",
                                  name=name, limit=size_text(limit)), "files", status=413)
        if len(head) < content.SNIFF_BYTES:
            head += chunk[:content.SNIFF_BYTES - len(head)]
        digest.update(chunk)
        target.write(chunk)
    target.flush()
    if size == 0:
        raise RuleViolation(_("“%(name)s” is empty. Nothing was attached.", name=name), "files")
    return size, digest.hexdigest(), head


def _allowed_type(head: bytes, name: str) -> str:
    mime = content.sniff(head, name)
    if mime == content.HTML:
        raise RuleViolation(_("“%(name)s” is a web page (HTML), which cannot be attached. Save "
                              "it as PDF instead.", name=name), "files", status=415)
    if mime not in content.ALLOWED:
        raise RuleViolation(_("“%(name)s” is not a type of file that can be attached. Attach "
                              "images, PDF, office documents, text or CSV.", name=name),
                            "files", status=415)
    return mime


def _thumbnail(path: str, name: str) -> bytes:
    """A small PNG of the image, turned upright and re-encoded without its metadata (EXIF
    with places and devices stays in the original only)."""
    try:
        with Image.open(path) as image:
            image.load()
            small = ImageOps.exif_transpose(image)
            small.thumbnail(THUMBNAIL_SIZE)
            if small.mode not in ("RGB", "RGBA"):
                small = small.convert("RGBA")
            out = io.BytesIO()
            small.save(out, format="PNG", optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise RuleViolation(_("“%(name)s” looks like an image but cannot be read: it may be "
                              "damaged or cut short. Nothing was attached.", name=name),
                            "files") from exc
    return out.getvalue()


def release_containers(project, kind: str, ids, actor) -> int:
    """The containers `ids` of `kind` are being deleted for good: their files are deleted as
    of now and left to `purge_deleted`, like any deleted file. Returns how many there were."""
    ids = list(ids)
    if not ids:
        return 0
    files = db.session.scalars(select(Attachment).where(
        Attachment.project_id == project.id, Attachment.container_kind == kind,
        Attachment.container_id.in_(ids), Attachment.deleted_at.is_(None))).all()
    now = utcnow()
    for attachment in files:
        attachment.deleted_at = now
        attachment.deleted_by_id = getattr(actor, "id", None)
    db.session.flush()
    return len(files)


def examine(path: str, name: str) -> tuple[str, bytes | None]:
    """A stored file's type by its content, checked as an upload's is, and its thumbnail when
    it is an image (the project archive's import restores files through this)."""
    with open(path, "rb") as source:
        head = source.read(content.SNIFF_BYTES)
    mime = _allowed_type(head, name)
    return mime, (_thumbnail(path, name) if content.ALLOWED[mime].is_image else None)
