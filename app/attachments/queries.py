"""Reading attachments: a container's list, and the loaders of the attachment routes."""
import functools

from flask import abort
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.attachments.models import Attachment
from app.attachments.registry import container_kind
from app.extensions import db
from app.projects.loaders import get_in_project_or_404


def attachments_of(project, kind: str, ids) -> dict[int, list[Attachment]]:
    """The live attachments of the containers `ids` of `kind`, oldest first, by container id:
    one statement, whether there are no ids, no files or many (pages' statement counts must
    not grow with their comments or notes)."""
    ids = [i for i in ids if i is not None]
    found: dict[int, list[Attachment]] = {i: [] for i in ids}
    rows = db.session.scalars(_attachments_statement(), {
        "project_id": project.id, "kind": kind, "ids": ids})
    for row in rows:
        found[row.container_id].append(row)
    return found


@functools.lru_cache(maxsize=1)
def _attachments_statement():
    # Built once: every item, need and decision page runs it, twice for items and needs.
    return (select(Attachment).options(joinedload(Attachment.uploaded_by))
            .where(Attachment.project_id == bindparam("project_id"),
                   Attachment.container_kind == bindparam("kind"),
                   Attachment.container_id.in_(bindparam("ids", expanding=True)),
                   Attachment.deleted_at.is_(None))
            .order_by(Attachment.created_at, Attachment.id))


def container_or_404(project, kind: str, ident: int):
    """(spec, container): the container `ident` of `kind` in `project` if the current user may
    see it, by the area's own rules; 404 otherwise, and for another project's container."""
    spec = container_kind(kind)
    container = spec.load(project, ident) if spec is not None else None
    if container is None:
        abort(404)
    return spec, container


def attachment_or_404(project, ident: int):
    """(spec, container, attachment) for a live attachment whose container the user may see."""
    attachment = get_in_project_or_404(Attachment, project, ident)
    if attachment.deleted_at is not None:
        abort(404)
    spec, container = container_or_404(project, attachment.container_kind,
                                       attachment.container_id)
    return spec, container, attachment
