"""Items and their comments as containers of attachments: who may see, attach and delete, by
the backlog's own rules, and the item's history recording uploads and deletions."""
from flask import url_for
from flask_babel import lazy_gettext as _l

from app.attachments import Container, register_container
from app.backlog import services
from app.backlog.models import Comment, Item
from app.backlog.permissions import can_comment
from app.projects.loaders import get_by_id


def _item(project, ident):
    item = get_by_id(Item, ident)
    return item if item is not None and item.project_id == project.id else None


def _comment(project, ident):
    comment = get_by_id(Comment, ident)
    return comment if comment is not None and comment.item.project_id == project.id else None


def _item_url(item) -> str:
    return url_for("backlog.item", key=item.project.key, number=item.number)


def _may_attach_to_comment(user, comment) -> bool:
    """The comment's author, while they may still comment."""
    return comment.author_id == user.id and can_comment(user, comment.item.project)


def register() -> None:
    register_container(Container(
        kind="item", label=_l("item"), load=_item,
        may_attach=lambda user, item: can_comment(user, item.project),
        page_url=_item_url,
        record=lambda item, actor, action, file: services.record_attachment(
            item, actor, action, file.name)))
    register_container(Container(
        kind="comment", label=_l("comment"), load=_comment,
        may_attach=_may_attach_to_comment,
        page_url=lambda comment: _item_url(comment.item) + f"#comment-{comment.id}",
        record=lambda comment, actor, action, file: services.record_attachment(
            comment.item, actor, action, file.name)))
