"""Reading the backlog: filters from the URL, keyset pages by rank, an item with everything its
page shows. Each function issues a fixed number of statements, whatever the data size."""
import functools
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import Row, Select, bindparam, false, func, or_, select
from sqlalchemy.orm import aliased, defer, joinedload, selectinload

from app.accounts.models import User
from app.backlog.indexing import ITEM_INDEX
from app.backlog.models import Comment, Item, ItemHistory, ItemType, Label, Status, item_label
from app.database import MAX_ID, parse_id
from app.extensions import db
from app.projects.models import Membership, Project
from app.search import list_match

PAGE_SIZE = 50
MAX_SHOWN = 5000
MAX_QUERY = 200


@dataclass
class BacklogFilters:
    """The backlog's filters, as they stand in the URL (so a view can be bookmarked)."""

    q: str = ""
    type: str = ""
    status: str = ""
    assignee: str = ""  # a user id, "none" or "me"
    label: str = ""  # a label id
    epic: str = ""  # an epic's id or "none"
    blocked: bool = False
    archived: bool = False  # the archived items instead of the backlog
    invalid: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> "BacklogFilters":
        """Read the filters; unknown values are dropped and noted in `invalid`."""
        f = cls(q=" ".join(args.get("q", "").split())[:MAX_QUERY])
        f.type = _choice(args.get("type", ""), set(ItemType), f, "type")
        f.status = _choice(args.get("status", ""), set(Status) | {"open"}, f, "status")
        assignee = args.get("assignee", "")
        f.assignee = assignee if assignee in ("none", "me") else _id(assignee, f, "assignee")
        f.label = _id(args.get("label", ""), f, "label")
        epic = args.get("epic", "")
        f.epic = epic if epic == "none" else _id(epic, f, "epic")
        f.blocked = args.get("blocked", "") in ("1", "y", "on", "true")
        f.archived = args.get("archived", "") in ("1", "y", "on", "true")
        return f

    def as_args(self) -> dict:
        """The filters that are set, for url_for."""
        args = {"q": self.q, "type": self.type, "status": self.status, "assignee": self.assignee,
                "label": self.label, "epic": self.epic, "blocked": "1" if self.blocked else "",
                "archived": "1" if self.archived else ""}
        return {k: v for k, v in args.items() if v}

    @property
    def is_active(self) -> bool:
        return bool(self.as_args())

    def apply(self, stmt: Select, user) -> Select:
        """Add the WHERE clauses of the set filters to a query over Item (archived items only
        with the `archived` filter, and then only they)."""
        stmt = stmt.where(Item.archived_at.is_not(None) if self.archived
                          else Item.archived_at.is_(None))
        if self.q:
            stmt = stmt.where(_text_match(self.q))
        if self.type:
            stmt = stmt.where(Item.type == self.type)
        if self.status == "open":
            stmt = stmt.where(Item.status != Status.DONE)
        elif self.status:
            stmt = stmt.where(Item.status == self.status)
        if self.assignee == "none":
            stmt = stmt.where(Item.assignee_id.is_(None))
        elif self.assignee == "me":
            stmt = stmt.where(Item.assignee_id == user.id)
        elif self.assignee:
            stmt = stmt.where(Item.assignee_id == int(self.assignee))
        if self.label:
            stmt = stmt.where(Item.id.in_(
                select(item_label.c.item_id).where(item_label.c.label_id == int(self.label))))
        if self.epic == "none":
            stmt = stmt.where(Item.parent_id.is_(None))
        elif self.epic:
            stmt = stmt.where(Item.parent_id == int(self.epic))
        if self.blocked:
            stmt = stmt.where(Item.is_blocked.is_(True))
        return stmt


def _choice(value: str, allowed: set, f: BacklogFilters, name: str) -> str:
    if value and value not in allowed:
        f.invalid.append(name)
        return ""
    return value


def _id(value: str, f: BacklogFilters, name: str) -> str:
    if not value:
        return ""
    number = parse_id(value)
    if number is None:
        f.invalid.append(name)
        return ""
    return str(number)


def _text_match(q: str):
    """Search (the search index: title, description, acceptance criteria; each word also as the
    beginning of a longer one); "OVB-12" or "12" also finds the item by its key."""
    conditions = [c for c in (list_match(ITEM_INDEX, Item.id, q),) if c is not None]
    number = parse_id(q.rsplit("-", 1)[-1])
    if number is not None:
        conditions.append(Item.number == number)
    return or_(*conditions) if conditions else false()


def backlog_page(project: Project, filters: BacklogFilters, user, after: str | None = None,
                 limit: int = PAGE_SIZE) -> tuple[list[Item], str | None]:
    """One page of the ranked backlog after the rank `after`; returns (items, next cursor)."""
    # Rows show no long texts, and of the assignee and the epic only the name and key: loading
    # less of each of up to thousands of rows is most of what a page of the backlog costs.
    stmt = (select(Item).where(Item.project_id == project.id)
            .options(defer(Item.description, raiseload=True),
                     defer(Item.acceptance_criteria, raiseload=True),
                     joinedload(Item.assignee).load_only(User.name),
                     joinedload(Item.parent).load_only(Item.number, Item.title),
                     selectinload(Item.labels))
            .order_by(Item.rank).limit(min(limit, MAX_SHOWN) + 1))
    if after:
        stmt = stmt.where(Item.rank > after)
    items = list(db.session.scalars(filters.apply(stmt, user)).unique())
    more = len(items) > limit
    items = items[:limit]
    return items, (items[-1].rank if more and items else None)


@dataclass(slots=True)
class Named:
    """The assignee, parent epic or label a backlog row names."""

    name: str = ""
    number: int | None = None
    title: str = ""


@dataclass(slots=True)
class ListedItem:
    """What a backlog row shows of an item, read as plain columns (`listed_page`): the same
    names as on `Item`, so that a row is written alike from either."""

    id: int
    number: int
    type: str
    title: str
    status: str
    estimate: object
    rank: str
    version_id: int
    is_blocked: bool
    assignee_id: int | None
    assignee: Named | None
    parent: Named | None
    labels: list = field(default_factory=list)


_PARENT = aliased(Item)
_LISTED = (Item.id, Item.number, Item.type, Item.title, Item.status, Item.estimate, Item.rank,
           Item.version_id, Item.is_blocked, Item.assignee_id, User.name, _PARENT.number,
           _PARENT.title)


def listed_page(project: Project, filters: BacklogFilters, user, after: str | None = None,
                limit: int = PAGE_SIZE) -> tuple[list[ListedItem], str | None]:
    """`backlog_page` for the list's rows: plain columns instead of ORM objects (building
    those was a fifth of the backlog's first page), in the same two statements."""
    stmt = (select(*_LISTED).where(Item.project_id == project.id)
            .outerjoin(User, User.id == Item.assignee_id)
            .outerjoin(_PARENT, _PARENT.id == Item.parent_id)
            .order_by(Item.rank).limit(min(limit, MAX_SHOWN) + 1))
    if after:
        stmt = stmt.where(Item.rank > after)
    rows = db.session.execute(filters.apply(stmt, user)).all()
    more = len(rows) > limit
    items = [ListedItem(*row[:10], assignee=Named(name=row[10]) if row[9] is not None else None,
                        parent=Named(number=row[11], title=row[12]) if row[11] is not None
                        else None)
             for row in rows[:limit]]
    if items:
        by_id = {item.id: item for item in items}
        for item_id, name in db.session.execute(
                select(item_label.c.item_id, Label.name)
                .join(Label, Label.id == item_label.c.label_id)
                .where(item_label.c.item_id.in_(list(by_id))).order_by(Label.name)):
            by_id[item_id].labels.append(Named(name=name))
    return items, (items[-1].rank if more and items else None)


def backlog_count(project: Project, filters: BacklogFilters, user) -> int:
    # count(*), not count(id): no row need be read for a column (half the time for 3,000).
    stmt = select(func.count()).select_from(Item).where(Item.project_id == project.id)
    return db.session.scalar(filters.apply(stmt, user))


def previous_in_view(item: Item, filters: BacklogFilters, user) -> Item | None:
    """The item just above this one in the filtered backlog."""
    stmt = (select(Item).where(Item.project_id == item.project_id, Item.rank < item.rank)
            .order_by(Item.rank.desc()).limit(1))
    return db.session.scalar(filters.apply(stmt, user))


def next_in_view(item: Item, filters: BacklogFilters, user) -> Item | None:
    stmt = (select(Item).where(Item.project_id == item.project_id, Item.rank > item.rank)
            .order_by(Item.rank).limit(1))
    return db.session.scalar(filters.apply(stmt, user))


def members(project: Project) -> list[Row]:
    """The project's members as (id, name) rows, by name, for assignee choices and filters:
    a project of 400 people lists them on every backlog and board page, so only what the
    choices show is loaded. Deactivated accounts are left out: nothing new is assigned to
    them."""
    return list(db.session.execute(_members_statement(), {"project_id": project.id}))


def labels(project: Project) -> list[Label]:
    return list(db.session.scalars(_labels_statement(), {"project_id": project.id}))


def epics(project: Project) -> list[Row]:
    """The project's epics in rank order as (id, number, title) rows, for parent choices,
    filters and swimlanes: every board and backlog page lists them, and ORM objects cost
    most of that reading."""
    return list(db.session.execute(_epics_statement(), {"project_id": project.id}))


# The statements every board, backlog and item page runs are built once, with their
# parameters bound at each run: building a statement and its cache key cost about as much as
# running it (see bench/).
@functools.lru_cache(maxsize=1)
def _members_statement():
    return (select(User.id, User.name).join(Membership, Membership.user_id == User.id)
            .where(Membership.project_id == bindparam("project_id"), User.is_active.is_(True))
            .order_by(User.name, User.id))


@functools.lru_cache(maxsize=1)
def _labels_statement():
    return (select(Label).where(Label.project_id == bindparam("project_id"))
            .order_by(Label.name))


@functools.lru_cache(maxsize=1)
def _epics_statement():
    return (select(Item.id, Item.number, Item.title)
            .where(Item.project_id == bindparam("project_id"), Item.type == ItemType.EPIC,
                   Item.archived_at.is_(None))
            .order_by(Item.rank))


@functools.lru_cache(maxsize=2)
def _item_statement(lean: bool):
    stmt = select(Item).where(Item.project_id == bindparam("project_id"),
                              Item.number == bindparam("number"))
    if not lean:
        stmt = stmt.options(joinedload(Item.assignee), joinedload(Item.parent),
                            selectinload(Item.labels))
    return stmt


def get_item_or_404(project: Project, number, lean: bool = False) -> Item:
    """The item `<KEY>-<number>` of this (already visible) project; 404 otherwise. `lean`
    skips loading what only its page shows (for moves and rank changes)."""
    item = find_item(project, number, lean)
    if item is None:
        abort(404)
    return item


def find_item(project: Project, number, lean: bool = False) -> Item | None:
    """The item `<KEY>-<number>` of this project, or None (see `get_item_or_404`)."""
    if not isinstance(number, int) or not 0 < number <= MAX_ID:
        return None
    return db.session.scalar(_item_statement(lean), {"project_id": project.id, "number": number})


def item_comments(item: Item) -> list[Comment]:
    return list(db.session.scalars(_comments_statement(), {"item_id": item.id}))


@functools.lru_cache(maxsize=1)
def _comments_statement():
    return (select(Comment).where(Comment.item_id == bindparam("item_id"))
            .options(joinedload(Comment.author)).order_by(Comment.created_at, Comment.id))


def item_history(item: Item) -> list[Row]:
    """The item's history, newest first, with the name of who made each change (light rows:
    a busy item has hundreds of entries, and the page needs only these columns)."""
    return list(db.session.execute(_history_statement(), {"item_id": item.id}))


@functools.lru_cache(maxsize=1)
def _history_statement():
    return (select(ItemHistory.field, ItemHistory.old_value, ItemHistory.new_value,
                   ItemHistory.note, ItemHistory.created_at, User.name.label("actor_name"))
            .outerjoin(User, User.id == ItemHistory.actor_id)
            .where(ItemHistory.item_id == bindparam("item_id")).order_by(ItemHistory.id.desc()))


def users_by_id(ids) -> dict[int, User]:
    """Users named in history rows (assignees), in one query."""
    wanted = {parse_id(i) for i in ids} - {None}
    if not wanted:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}


def children_of(epic: Item) -> list[Item]:
    return list(db.session.scalars(
        select(Item).where(Item.parent_id == epic.id, Item.archived_at.is_(None))
        .options(joinedload(Item.assignee))
        .order_by(Item.rank)))
