"""Tidying the backlog: archiving items (out of every list, board and digest, restorable),
deleting archived items for good (a tombstone remains), and editing or deleting comments.

Rules worth knowing:
- An epic is archived only once none of its items is left in the backlog: archiving it
  silently would leave them pointing at an epic nobody sees.
- An item in a planned or running sprint is not archived: taking it out of the sprint is the
  sprint's decision (it changes the commitment and the burndown), so the person is told to
  do that first. Items of closed sprints may be archived: the sprint's reports read history.
- Only an archived item can be deleted, so every rule above holds for deletions too; the
  deleted item's number is never handed out again (the counter only grows).
"""
from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.attachments.services import release_containers
from app.audit.labels import register_actions, register_details
from app.audit.services import record
from app.backlog import providers
from app.backlog.changes import bump_counter, record_change
from app.backlog.models import MAX_TEXT, Comment, Item, Tombstone, item_key
from app.backlog.services import check_version
from app.database import utcnow
from app.extensions import db
from app.projects.loaders import get_by_id
from app.services import RuleViolation, StaleVersion, clean_text

register_actions({
    "item.archived": _l("Item archived"),
    "item.restored": _l("Item restored"),
    "item.deleted": _l("Item deleted"),
})
register_details({"comments": _l("Comments"), "files": _l("Files")})


def _key(item: Item) -> str:
    return item_key(item.project.key, item.number)


def _label(item: Item) -> str:
    return f"{_key(item)} {item.title}"


def archive_item(item: Item, actor, expected_version=None, at: datetime | None = None) -> None:
    """Archive the item: it leaves the backlog, boards, sprints views, digests and search."""
    check_version(item, expected_version, required=expected_version is not None)
    if item.archived_at is not None:
        raise RuleViolation(_("%(key)s is already archived.", key=_key(item)), status=409)
    if item.is_epic:
        left = db.session.scalar(select(func.count(Item.id)).where(
            Item.parent_id == item.id, Item.archived_at.is_(None)))
        if left:
            raise RuleViolation(_(
                "This epic still has %(n)d items in the backlog; archive them or take them out "
                "of the epic first.", n=left))
    sprint = providers.sprints.open_sprint_name(item.sprint_id)
    if sprint:
        raise RuleViolation(_("%(key)s is in the sprint “%(sprint)s”; take it out of the "
                              "sprint first.", key=_key(item), sprint=sprint))
    at = at or utcnow()
    change = bump_counter(item.project_id)[1]
    item.archived_at, item.archived_by, item.updated_at = at, actor, at
    record_change(item, "archived", None, "yes", actor, change, at)
    record("item.archived", project=item.project, target=item, target_label=_label(item),
           actor=actor, key=_key(item))
    db.session.flush()


def restore_item(item: Item, actor, expected_version=None, at: datetime | None = None) -> None:
    """Bring an archived item back to the backlog where its rank puts it."""
    check_version(item, expected_version, required=expected_version is not None)
    if item.archived_at is None:
        raise RuleViolation(_("%(key)s is not archived.", key=_key(item)), status=409)
    at = at or utcnow()
    change = bump_counter(item.project_id)[1]
    item.archived_at, item.archived_by_id, item.updated_at = None, None, at
    record_change(item, "archived", "yes", None, actor, change, at)
    record("item.restored", project=item.project, target=item, target_label=_label(item),
           actor=actor, key=_key(item))
    db.session.flush()


def delete_item(item: Item, actor, confirmation: str, at: datetime | None = None) -> Tombstone:
    """Delete an archived item for good, with its comments, history and links; its files go
    to the attachments' retention. A tombstone and the audit log keep who deleted what."""
    key = _key(item)
    if item.archived_at is None:
        raise RuleViolation(_("Archive %(key)s before deleting it.", key=key), status=409)
    if (confirmation or "").strip().upper() != key.upper():
        raise RuleViolation(_("Type %(key)s to confirm the deletion.", key=key), "confirmation")
    at = at or utcnow()
    project = item.project
    bump_counter(item.project_id)
    tombstone = Tombstone(project_id=item.project_id, kind="item", number=item.number,
                          reference=key, title=item.title, deleted_by_id=getattr(actor, "id", None),
                          deleted_by_label=getattr(actor, "name", "") or "", deleted_at=at)
    db.session.add(tombstone)
    comment_ids = [c.id for c in item.comments]
    files = (release_containers(project, "item", [item.id], actor)
             + release_containers(project, "comment", comment_ids, actor))
    record("item.deleted", project=project, target=item, target_label=_label(item), actor=actor,
           key=key, comments=len(comment_ids) or None, files=files or None)
    for child in item.children:
        child.parent = None
    db.session.delete(item)
    db.session.flush()
    return tombstone


def tombstone_of(project, kind: str, number: int) -> Tombstone | None:
    """What remains of the project's deleted item or need with this number, if it was."""
    return db.session.scalar(select(Tombstone).where(
        Tombstone.project_id == project.id, Tombstone.kind == kind, Tombstone.number == number))


def comment_in(project, comment_id: int) -> Comment:
    """The comment with this id on an item of the project; 404 otherwise."""
    comment = get_by_id(Comment, comment_id)
    if comment is None or comment.item.project_id != project.id:
        abort(404)
    return comment


class StaleComment(StaleVersion):
    def __init__(self):
        super().__init__(_("The comment was changed meanwhile; review it and try again."))


def _check_seen(comment: Comment, seen) -> None:
    """The client names the comment's last edit it saw ("" for never edited): 409 if older."""
    if seen is None:
        return
    current = comment.edited_at.isoformat() if comment.edited_at else ""
    if str(seen) != current:
        raise StaleComment()


def edit_comment(comment: Comment, actor, body, seen=None, at: datetime | None = None) -> bool:
    """Change a comment's text; the earlier text stays in the item's history. Returns False
    when the text is unchanged."""
    _check_seen(comment, seen)
    body = clean_text(body, "body", MAX_TEXT)
    if not body:
        raise RuleViolation(_("Write a comment first, or delete it."), "body")
    if body == comment.body:
        return False
    at = at or utcnow()
    item = comment.item
    change = bump_counter(item.project_id)[1]
    record_change(item, "comment", comment.body, body, actor, change, at, note=f"#{comment.id}")
    comment.body, comment.edited_at = body, at
    db.session.flush()
    return True


def delete_comment(comment: Comment, actor, seen=None, at: datetime | None = None) -> None:
    """Delete a comment; the item's history keeps that it was, and what it said."""
    _check_seen(comment, seen)
    at = at or utcnow()
    item = comment.item
    change = bump_counter(item.project_id)[1]
    record_change(item, "comment", comment.body, None, actor, change, at, note=f"#{comment.id}")
    release_containers(item.project, "comment", [comment.id], actor)
    db.session.delete(comment)
    db.session.flush()
