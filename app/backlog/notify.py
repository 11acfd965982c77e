"""What the backlog tells the notifications framework: items as targets, who watches them, and
the events of items (assigned, commented, blocked, status changed, mentioned)."""
from sqlalchemy import select

from app.backlog.models import Comment, Item, item_key
from app.extensions import db
from app.notifications.kinds import Kind, no_organisations, register_target
from app.notifications.references import Source, register_reference_kind, text_saved
from app.notifications.services import Target, notify, watch, watching


def item_target(item: Item) -> Target:
    return Target("item", item.id, item.number,
                  f"{item_key(item.project.key, item.number)} {item.title}", item.project_id)


def _numbers(project_id: int, numbers) -> dict[int, int]:
    query = select(Item.number, Item.id).where(Item.project_id == project_id)
    if numbers is not None:
        query = query.where(Item.number.in_(list(numbers)))
    return dict(db.session.execute(query).all())


def _describe(item: Item):
    return item_target(item), no_organisations


def created(item: Item, actor) -> None:
    """A new item: its creator and assignee watch it; the assignee is told; mentions."""
    target = item_target(item)
    watch(getattr(actor, "id", None), target)
    if item.assignee_id:
        assigned(item, actor)
    texts_saved(item, actor, (), (item.description, item.acceptance_criteria))


def assigned(item: Item, actor) -> None:
    target = item_target(item)
    watch(item.assignee_id, target)
    notify(Kind.ASSIGNED, target, {item.assignee_id}, actor=actor)


def blocked(item: Item, actor) -> None:
    target = item_target(item)
    notify(Kind.ITEM_BLOCKED, target, watching(target), actor=actor,
           detail=item.blocked_reason)


def texts_saved(item: Item, actor, old_texts, new_texts) -> None:
    target = item_target(item)
    text_saved(item.project, actor, Source("item", item.id, "item", item.number, target.label),
               target, old_texts, new_texts)


def commented(comment: Comment, actor) -> None:
    """The commenter watches the item; its watchers are told; mentions and references."""
    item = comment.item
    target = item_target(item)
    watch(getattr(actor, "id", None), target)
    notify(Kind.ITEM_COMMENT, target, watching(target), actor=actor,
           detail=comment.body[:200])
    text_saved(item.project, actor, Source("comment", comment.id, "item", item.number,
                                           target.label), target, (), (comment.body,))


def _status_changed(item, old=None, new=None, actor=None, **_):
    from app.backlog.display import status_label  # display reads the services: import late

    target = item_target(item)
    notify(Kind.ITEM_STATUS, target, watching(target), actor=actor,
           detail=status_label(new))


def connect() -> None:
    """Register items as targets and references, and follow status changes."""
    from app.backlog.services import item_status_changed

    register_target("item", "backlog.item", Item, _describe)
    register_reference_kind("item", _numbers)
    item_status_changed.connect(_status_changed, weak=False)
