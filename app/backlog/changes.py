"""The project's change counter and the items' history: what every area that changes an item
(the backlog, the board, sprints) writes, and what boards poll and "someone else moved this"
reads.

Every change to an item bumps the project's change number (one small row, `backlog_counter`)
before it touches the item. On PostgreSQL that row lock also serialises concurrent writers
of one project, so rank neighbours are read after the previous writer has committed.
"""
import functools
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.backlog.models import BacklogCounter, Item, ItemHistory
from app.extensions import db
from app.projects.models import Project


def bump_counter(project_id: int, new_item: bool = False) -> tuple[int, int]:
    """Bump the project's change number (and the item number for a new item); returns
    (last item number, change number). The UPDATE takes the row lock that serialises writers."""
    table = BacklogCounter.__table__
    stmt = _bump_statement(new_item)
    params = {"counter_project": project_id}
    row = db.session.execute(stmt, params).one_or_none()
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.execute(table.insert().values(
                    project_id=project_id, change_number=0,
                    last_number=_highest_number(project_id)))
        except IntegrityError:
            pass  # another transaction created it first; its row is now visible
        row = db.session.execute(stmt, params).one()
    return row.last_number, row.change_number


@functools.lru_cache(maxsize=2)
def _bump_statement(new_item: bool):
    """Built once: every change of the backlog runs it."""
    table = BacklogCounter.__table__
    values = {"change_number": table.c.change_number + 1}
    if new_item:
        values["last_number"] = table.c.last_number + 1
    # Not named "project_id": an update's parameters named as a column of it are set.
    return (table.update().where(table.c.project_id == bindparam("counter_project"))
            .values(**values)
            .returning(table.c.last_number, table.c.change_number)
            # No counter object is kept in the session; looking for one in it on every bump
            # costs a pass over everything the transaction loaded (thousands in an import).
            .execution_options(synchronize_session=False))


def _highest_number(project_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.max(Item.number), 0)).where(Item.project_id == project_id))


def change_number(project: Project) -> int:
    """The project's current change number (0 before the first change)."""
    return db.session.scalar(select(BacklogCounter.change_number)
                             .where(BacklogCounter.project_id == project.id)) or 0


def record_change(item: Item, field: str, old, new, actor, change: int, at: datetime,
                  note: str = "") -> ItemHistory:
    """Add a history row for one changed field."""
    row = ItemHistory(item=item, project_id=item.project_id, actor=actor, field=field,
                      old_value=None if old is None else str(old),
                      new_value=None if new is None else str(new),
                      note=note, change_number=change, created_at=at)
    db.session.add(row)
    return row


def last_mover(item: Item) -> tuple[User | None, datetime | None]:
    """Who changed the item last, and when (for "someone else moved this")."""
    row = db.session.execute(
        select(ItemHistory.actor_id, ItemHistory.created_at).where(ItemHistory.item_id == item.id)
        .order_by(ItemHistory.id.desc()).limit(1)).first()
    if row is None:
        return None, None
    return (db.session.get(User, row.actor_id) if row.actor_id else None), row.created_at
