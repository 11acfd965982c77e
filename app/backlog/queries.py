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

    @property
    def shape(self) -> tuple:
        """What of the filters (but the search) shapes a statement: which are set, and the
        special values. Their values are bound parameters (`values`), so the statements of a
        shape can be built once."""
        return (self.archived, bool(self.type),
                "open" if self.status == "open" else bool(self.status),
                self.assignee if self.assignee in ("none", "me") else bool(self.assignee),
                bool(self.label), "none" if self.epic == "none" else bool(self.epic),
                self.blocked)

    def values(self, user) -> dict:
        """The values of the bound parameters of `conditions`."""
        return {"f_type": self.type, "f_status": self.status,
                "f_assignee": user.id if self.assignee == "me" else parse_id(self.assignee),
                "f_label": parse_id(self.label), "f_epic": parse_id(self.epic)}

    def apply(self, stmt: Select, user) -> Select:
        """Add the WHERE clauses of the set filters to a query over Item (archived items only
        with the `archived` filter, and then only they), their values bound."""
        stmt = stmt.where(*conditions(self.shape)).params(self.values(user))
        return stmt.where(_text_match(self.q)) if self.q else stmt


def conditions(shape: tuple) -> list:
    """The WHERE clauses of filters of this shape (`BacklogFilters.shape`), with their values
    as bound parameters (`BacklogFilters.values`)."""
    archived, type_, status, assignee, label, epic, blocked = shape
    found = [Item.archived_at.is_not(None) if archived else Item.archived_at.is_(None)]
    if type_:
        found.append(Item.type == bindparam("f_type"))
    if status == "open":
        found.append(Item.status != Status.DONE)
    elif status:
        found.append(Item.status == bindparam("f_status"))
    if assignee == "none":
        found.append(Item.assignee_id.is_(None))
    elif assignee:  # "me" or a person: the id is bound either way
        found.append(Item.assignee_id == bindparam("f_assignee"))
    if label:
        found.append(Item.id.in_(select(item_label.c.item_id)
                                 .where(item_label.c.label_id == bindparam("f_label"))))
    if epic == "none":
        found.append(Item.parent_id.is_(None))
    elif epic:
        found.append(Item.parent_id == bindparam("f_epic"))
    if blocked:
        found.append(Item.is_blocked.is_(True))
    return found


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
    params = {**filters.values(user), "project_id": project.id, "after": after,
              "limit": min(limit, MAX_SHOWN) + 1}
    stmt = _listed_statement(filters.shape, bool(after))
    if filters.q:
        stmt = stmt.where(_text_match(filters.q))
    rows = db.session.execute(stmt, params).all()
    more = len(rows) > limit
    items = [ListedItem(*row[:10], assignee=Named(name=row[10]) if row[9] is not None else None,
                        parent=Named(number=row[11], title=row[12]) if row[11] is not None
                        else None)
             for row in rows[:limit]]
    if items:
        by_id = {item.id: item for item in items}
        for item_id, name in db.session.execute(_listed_labels_statement(),
                                                {"item_ids": list(by_id)}):
            by_id[item_id].labels.append(Named(name=name))
    return items, (items[-1].rank if more and items else None)


# The list's statements are built once for each shape of the filters, their values bound at
# each run (a search adds its words): building a statement and its cache key cost about as
# much as the database's work for a page of 50.
@functools.lru_cache(maxsize=256)
def _listed_statement(shape: tuple, after: bool):
    stmt = (select(*_LISTED).where(Item.project_id == bindparam("project_id"),
                                   *conditions(shape))
            .outerjoin(User, User.id == Item.assignee_id)
            .outerjoin(_PARENT, _PARENT.id == Item.parent_id)
            .order_by(Item.rank).limit(bindparam("limit")))
    return stmt.where(Item.rank > bindparam("after")) if after else stmt


@functools.lru_cache(maxsize=1)
def _listed_labels_statement():
    return (select(item_label.c.item_id, Label.name)
            .join(Label, Label.id == item_label.c.label_id)
            .where(item_label.c.item_id.in_(bindparam("item_ids", expanding=True)))
            .order_by(Label.name))


@functools.lru_cache(maxsize=128)
def _count_statement(shape: tuple):
    # count(*), not count(id): no row need be read for a column (half the time for 3,000).
    return select(func.count()).select_from(Item).where(
        Item.project_id == bindparam("project_id"), *conditions(shape))


def backlog_count(project: Project, filters: BacklogFilters, user) -> int:
    stmt = _count_statement(filters.shape)
    if filters.q:
        stmt = stmt.where(_text_match(filters.q))
    return db.session.scalar(stmt, {**filters.values(user), "project_id": project.id})


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
        # The labels joined too (an item has a handful): one round trip, not two.
        stmt = stmt.options(joinedload(Item.assignee), joinedload(Item.parent),
                            joinedload(Item.labels))
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
    return db.session.execute(_item_statement(lean), {"project_id": project.id,
                                                      "number": number}).unique().scalar()


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
