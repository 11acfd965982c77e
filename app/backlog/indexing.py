"""What search finds of the backlog: items (title, description, acceptance criteria; the key
jumps straight to the item) and their comments, shown with their item's key and status."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.backlog.forms import STATUS_LABELS
from app.backlog.models import Comment, Item
from app.extensions import db
from app.search import IndexedTable, SearchKind, register_key_finder, register_kind

ITEM_INDEX = IndexedTable("backlog_item", "title", ("description", "acceptance_criteria"))
COMMENT_INDEX = IndexedTable("backlog_comment", None, ("body",))


def _item_url(hit, **anchor) -> str:
    return url_for("backlog.item", key=hit.project.key, number=hit.number, **anchor)


def _reference(hit) -> str:
    return f"{hit.project.key}-{hit.number}"


def _statuses() -> dict:
    return dict(STATUS_LABELS)


def item_by_key(project, number: int) -> str | None:
    """The address of item <KEY>-<number>, if it exists."""
    found = db.session.scalar(select(Item.id).where(Item.project_id == project.id,
                                                    Item.number == number))
    return url_for("backlog.item", key=project.key, number=number) if found else None


def register() -> None:
    """Make items and comments searchable."""
    items = Item.__table__
    register_kind(SearchKind(
        name="item", label=_l("Item"), index=ITEM_INDEX, source=items,
        project_id=items.c.project_id, number=items.c.number, title=items.c.title,
        status=items.c.status, statuses=_statuses, link=_item_url, reference=_reference,
        archived_at=items.c.archived_at, order=10))
    register_kind(SearchKind(
        name="comment", label=_l("Comment"), index=COMMENT_INDEX, source=Comment.__table__,
        joins=((items, items.c.id == Comment.__table__.c.item_id),),
        project_id=items.c.project_id, number=items.c.number, title=items.c.title,
        status=items.c.status, statuses=_statuses, reference=_reference, order=20,
        archived_at=items.c.archived_at,
        link=lambda hit: _item_url(hit, _anchor=f"comment-{hit.ref_id}")))
    register_key_finder(item_by_key)
