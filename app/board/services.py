"""The board's rules: moving cards between columns (accept and reject included), WIP limits,
what the board shows, and which columns changed since a given change number."""
import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import (and_, bindparam, case, func, literal, literal_column, or_, select,
                        union_all)

from app.accounts.models import User
from app.audit.services import record
from app.backlog.models import (MAX_REASON, STATUSES, BacklogCounter, Item, ItemHistory,
                                ItemType, Status, item_key, item_label)
from app.backlog import providers
from app.backlog.changes import bump_counter, record_change
from app.backlog.services import (check_status, check_version, item_status_changed,
                                  items_changed_now, place_item)
from app.board.models import WipLimit
from app.sprints.models import Sprint, SprintState
from app.database import parse_id, parse_int, utcnow
from app.events import publish
from app.extensions import db
from app.projects.models import Project
from app.services import RuleViolation, clean_text

# When no sprint is active the board shows every open item, and done items for this long.
RECENTLY_DONE = timedelta(days=14)
MAX_WIP = 999
# A poll further behind than this many changes re-renders every column instead of asking
# the history which ones changed.
MAX_CHANGES_PER_POLL = 200

S = Status
# The event a move publishes (app.events): accepting and rejecting have their own.
EVENT_OF_MOVE = {"accept": "item.accepted", "reject": "item.rejected"}


def active_sprint_id(project: Project) -> int | None:
    """The active sprint of the project, if any (one query per request): the board shows its
    items. Without one, the board shows all open items."""
    from app.sprints.services import active_sprint

    sprint = active_sprint(project)
    return sprint.id if sprint is not None else None


def transition(from_status: str, to_status: str) -> str:
    """The kind of move: "move", "accept", "reject" or "reopen" (raises for moves the
    workflow does not allow, whoever asks)."""
    if from_status == to_status:
        return "move"
    if from_status == S.ACCEPTANCE:
        if to_status == S.DONE:
            return "accept"
        if to_status == S.IN_PROGRESS:
            return "reject"
        raise RuleViolation(_("An item in acceptance is either accepted (done) or rejected "
                              "back to in progress."), "status")
    if from_status == S.DONE:
        if to_status == S.IN_PROGRESS:
            return "reopen"
        raise RuleViolation(_("A done item can only be reopened to in progress."), "status")
    if to_status == S.DONE:
        raise RuleViolation(_("Only an item in acceptance can be accepted as done."), "status")
    return "move"


def move_item(item: Item, actor, to_status: str, expected_version=None, reason: str = "",
              where: str | None = None, anchor: Item | None = None,
              at: datetime | None = None, version_required: bool = False) -> str | None:
    """Move the item to a column and, if `where` is given, to a place in the ranking.
    Writes the item and its history rows, nothing else (besides the change counter);
    returns the kind of move made, or None when nothing changed. Rights are the caller's;
    a person's move through a page is `version_required` (see `check_version`)."""
    check_version(item, expected_version, version_required)
    to_status = check_status(to_status)
    from_status = item.status
    kind = transition(from_status, to_status)
    reason = clean_text(reason, "reason", MAX_REASON)
    if kind in ("reject", "reopen") and not reason:
        raise RuleViolation(_("Say why the item goes back; the vendor sees the reason."),
                            "reason")
    if from_status == to_status and where is None:
        return None
    at = at or utcnow()
    change = bump_counter(item.project_id)[1]
    moved = from_status != to_status
    if moved:
        item.status = to_status
        item.updated_at = at
        _record_acceptance(item, actor, kind, reason, at)
        record_change(item, "status", from_status, to_status, actor, change, at,
                      note=reason if kind in ("reject", "reopen") else "")
    ranked = where is not None and place_item(item, actor, where, anchor, change=change, at=at)
    db.session.flush()
    if moved:
        item_status_changed.send(item, old=from_status, new=to_status, actor=actor)
        items_changed_now([item])
        publish(EVENT_OF_MOVE.get(kind, "item.moved"), item.project, actor, item, at=at,
                changes={"status": (from_status, to_status)})
    return kind if moved or ranked else None


def _record_acceptance(item: Item, actor, kind: str, reason: str, at: datetime) -> None:
    project = item.project
    label = f"{item_key(project.key, item.number)} {item.title}"[:254]
    if kind == "accept":
        item.accepted_at, item.accepted_by = at, actor
        record("item.accepted", project=project, target=item, target_label=label, actor=actor,
               at=at)
    elif kind in ("reject", "reopen"):
        item.rejected_at, item.rejected_by, item.rejected_reason = at, actor, reason
        item.accepted_at, item.accepted_by = None, None
        record("item.rejected" if kind == "reject" else "item.reopened", project=project,
               target=item, target_label=label, actor=actor, reason=reason, at=at)


@functools.lru_cache(maxsize=2)
def _state_statement(with_change: bool):
    project_id = bindparam("project_id")
    parts = [select(literal("#sprint"), Sprint.id).where(Sprint.project_id == project_id,
                                                         Sprint.state == SprintState.ACTIVE),
             select(WipLimit.status, WipLimit.max_items).where(WipLimit.project_id == project_id)]
    if with_change:
        parts.append(select(literal("#change"), BacklogCounter.change_number)
                     .where(BacklogCounter.project_id == project_id))
    return union_all(*parts)


def board_state(project: Project, with_change: bool = True
                ) -> tuple[int, int | None, dict[str, int]]:
    """The project's change number (0 when not asked for, or before the first change), its
    active sprint's id (None: no sprint is active) and its WIP limits, in one statement:
    three small reads that every board and every move made one by one."""
    number, sprint_id, limits = 0, None, {}
    for name, value in db.session.execute(_state_statement(with_change),
                                          {"project_id": project.id}):
        if name == "#change":
            number = value or 0
        elif name == "#sprint":
            sprint_id = value
        else:
            limits[name] = value
    return number, sprint_id, limits


def wip_limits(project: Project) -> dict[str, int]:
    return dict(db.session.execute(
        select(WipLimit.status, WipLimit.max_items).where(WipLimit.project_id == project.id)).all())


def set_wip_limits(project: Project, limits: dict) -> dict[str, int]:
    """Set the WIP limit per column; empty or 0 removes a column's limit."""
    clean: dict[str, int | None] = {}
    for status, value in limits.items():
        check_status(status)
        value = (str(value) if value is not None else "").strip()
        if not value or value == "0":
            clean[status] = None
            continue
        number = parse_int(value, 1, MAX_WIP)
        if number is None:
            raise RuleViolation(_("A WIP limit is a whole number from 1 to %(max)d.", max=MAX_WIP),
                                f"wip_{status}")
        clean[status] = number
    existing = {w.status: w for w in db.session.scalars(
        select(WipLimit).where(WipLimit.project_id == project.id))}
    for status, value in clean.items():
        row = existing.get(status)
        if value is None and row is not None:
            db.session.delete(row)
        elif value is not None and row is None:
            db.session.add(WipLimit(project_id=project.id, status=status, max_items=value))
        elif value is not None:
            row.max_items = value
    bump_counter(project.id)  # the board shows the limits: let open boards refresh
    db.session.flush()
    return wip_limits(project)


@dataclass
class BoardFilters:
    """The board's filters, as they stand in the URL."""

    mine: bool = False
    assignee: str = ""
    label: str = ""
    epic: str = ""
    lanes: bool = False

    @classmethod
    def from_args(cls, args) -> "BoardFilters":
        def ident(name):
            value = args.get(name, "")
            if value == "none" and name in ("assignee", "epic"):
                return value
            number = parse_id(value) if value else None
            return str(number) if number else ""

        return cls(mine=args.get("mine") in ("1", "y", "on"), assignee=ident("assignee"),
                   label=ident("label"), epic=ident("epic"), lanes=args.get("lanes") == "epic")

    @classmethod
    def of_shape(cls, shape: tuple) -> "BoardFilters":
        """Filters of this `shape` (with stand-in values: only the condition's form counts)."""
        mine, assignee, label, epic = shape
        return cls(mine=mine, assignee="none" if assignee == "none" else "1" if assignee
                   else "", label="1" if label else "",
                   epic="none" if epic == "none" else "1" if epic else "")

    def as_args(self) -> dict:
        args = {"mine": "1" if self.mine else "", "assignee": self.assignee, "label": self.label,
                "epic": self.epic, "lanes": "epic" if self.lanes else ""}
        return {k: v for k, v in args.items() if v}

    @property
    def narrows(self) -> bool:
        """Does a filter hide cards (so column counts must be counted apart)?"""
        return bool(self.mine or self.assignee or self.label or self.epic)

    def condition(self):
        """The filters as one SQL condition with parameters (`params`), None when nothing is
        filtered: the same filters make the same statement, which is built once."""
        conditions = []
        if self.mine:
            conditions.append(Item.assignee_id == bindparam("me"))
        if self.assignee == "none":
            conditions.append(Item.assignee_id.is_(None))
        elif self.assignee:
            conditions.append(Item.assignee_id == bindparam("assignee"))
        if self.label:
            conditions.append(Item.id.in_(
                select(item_label.c.item_id).where(item_label.c.label_id == bindparam("label"))))
        if self.epic == "none":
            conditions.append(Item.parent_id.is_(None))
        elif self.epic:
            conditions.append(Item.parent_id == bindparam("epic"))
        return and_(*conditions) if conditions else None

    def params(self, user) -> dict:
        """The values of the condition's parameters for this user."""
        params = {}
        if self.mine:
            params["me"] = user.id
        if self.assignee not in ("", "none"):
            params["assignee"] = int(self.assignee)
        if self.label:
            params["label"] = int(self.label)
        if self.epic not in ("", "none"):
            params["epic"] = int(self.epic)
        return params

    @property
    def shape(self) -> tuple:
        """What the condition looks like (not the values): the key of the built statements."""
        return (self.mine, self.assignee if self.assignee == "none" else bool(self.assignee),
                bool(self.label), self.epic if self.epic == "none" else bool(self.epic))


_ASK = object()


def board_scope(in_sprint: bool, by_column: bool = False) -> list:
    """Which items the board shows, as conditions with parameters (`scope_params`): the
    active sprint's, or (no sprint active) every open item plus those done in the last 14
    days. Epics are containers, not cards: they show as swimlanes and filters instead.
    `by_column`: the caller names each column's status, and gives the done column (without
    a sprint) `recently_done()` of its own instead of the scope's "open or recently done"."""
    conditions = [Item.project_id == bindparam("project_id"), Item.type != ItemType.EPIC,
                  Item.archived_at.is_(None)]
    if in_sprint:
        conditions.append(Item.sprint_id == bindparam("sprint_id"))
    elif not by_column:
        conditions.append(or_(Item.status != S.DONE, Item.updated_at >= bindparam("cutoff")))
    return conditions


# Without a sprint, the done column holds the items done in the last 14 days. The scope's
# "open or recently done" cannot be read from an index; the done column's own condition (its
# status written out, so that a prepared statement's plan may use it too) is read from the
# index of live done items by their last change: the recent ones, not every item the project
# ever finished.
DONE = literal_column("'done'")


def recently_done(status, updated_at) -> list:
    return [status == DONE, updated_at >= bindparam("cutoff")]


def scope_params(project: Project, sprint_id: int | None, filters: "BoardFilters", user,
                 now: datetime | None = None) -> dict:
    """The values of `board_scope`'s and the filters' parameters."""
    params = {"project_id": project.id, **filters.params(user)}
    if sprint_id is not None:
        params["sprint_id"] = sprint_id
    else:
        params["cutoff"] = (now or utcnow()) - RECENTLY_DONE
    return params


# A card sent back to in progress (rejected in acceptance, or a done item reopened) says so
# until it moves on: while its latest status change is still that one. Only such candidates
# (in progress, rejected at some time) look up their latest status row, by the history's
# (item_id, id) index; the rest of the board costs nothing more.
_SENT_BACK = and_(Item.status == S.IN_PROGRESS, Item.rejected_at.is_not(None))
_LAST_MOVED_FROM = (select(ItemHistory.old_value)
                    .where(ItemHistory.item_id == Item.id, ItemHistory.field == "status")
                    .order_by(ItemHistory.id.desc()).limit(1)
                    .correlate(Item).scalar_subquery())

CARD_COLUMNS = (Item.id, Item.number, Item.type, Item.title, Item.estimate, Item.status,
                Item.rank, Item.version_id, Item.is_blocked, Item.blocked_reason, Item.parent_id,
                Item.assignee_id, User.name.label("assignee_name"),
                case((_SENT_BACK, _LAST_MOVED_FROM), else_=None).label("sent_back_from"),
                case((_SENT_BACK, Item.rejected_reason), else_=None).label("sent_back_reason"))


def card_columns() -> tuple:
    """What a card shows, its need count included (read in the cards' own query, not in a
    second one naming every card's id)."""
    return (*CARD_COLUMNS, providers.needs.count_column(Item.id).label("need_count"))


# A column shows its first cards by rank, this many at first and this many more each time
# "Show more" is asked; what it shows is the board's cost, not the project's size. Counts,
# points and WIP states come from one aggregate over the whole column.
PAGE = 50
MOST_SHOWN = 2000  # a column never shows more than this many (a forged "n_<status>")


def shown_limits(args, statuses, page: int = PAGE) -> dict[str, int]:
    """How many cards each column shows: `n_<status>` from the page (the cards it has loaded,
    or the plain "Show more" link's next count), at least `page`, at most MOST_SHOWN."""
    limits = {}
    for status in statuses:
        number = parse_int(args.get(f"n_{status}", ""), 0, MOST_SHOWN)
        limits[status] = max(page, number or 0)
    return limits


def _shown_condition(filters: BoardFilters):
    condition = filters.condition()
    return condition if condition is not None else literal(True)


# The board's statements are the same for every view of the same shape (sprint or not, which
# filters, which columns); built and keyed once, a view only binds its values. Building the
# cards' statement and its cache key cost ~1 ms of each board. (The needs provider is part of
# the key of those that read need counts: the discovery area plugs it in at start.)
@functools.lru_cache(maxsize=256)
def _totals_statement(in_sprint: bool, shape: tuple, statuses: tuple, by_lane: bool):
    condition = BoardFilters.of_shape(shape).condition()
    shown = (func.sum(case((condition, 1), else_=0)) if condition is not None
             else func.count()).label("shown")
    keys = [Item.status, *([Item.parent_id] if by_lane else [])]

    def totals(status, *where):
        return (select(status, *keys[1:], func.count().label("count"),
                       func.coalesce(func.sum(Item.estimate), 0).label("points"), shown)
                .where(*board_scope(in_sprint, by_column=True), *where)
                .group_by(*keys[:1] if status is Item.status else (), *keys[1:]))

    if in_sprint or S.DONE not in statuses:
        return totals(Item.status, Item.status.in_(statuses))
    # Not grouped by status: the index of done items does not hold it (it is a given there).
    done = totals(DONE.label("status"), *recently_done(Item.status, Item.updated_at))
    others = [status for status in statuses if status != S.DONE]
    return union_all(totals(Item.status, Item.status.in_(others)), done) if others else done


def column_totals(project: Project, filters: BoardFilters, user, statuses, sprint_id,
                  by_lane: bool = False) -> list:
    """Per column (and epic, for swimlanes): how many cards, their points and how many pass
    the filters, over the whole column in one aggregate, whatever it shows."""
    stmt = _totals_statement(sprint_id is not None, filters.shape, tuple(statuses), by_lane)
    return db.session.execute(stmt, scope_params(project, sprint_id, filters, user)).all()


@functools.lru_cache(maxsize=256)
def _cards_statement(in_sprint: bool, shape: tuple, statuses: tuple, offset: bool,
                     needs_provider):
    # The cards once, in a common table expression that each column's part reads with its
    # own LIMIT. NOT MATERIALIZED: the database folds it into each part, which then reads its
    # column from the index (as six full copies did, but in a statement a fifth as long: one
    # of 11 KB took psycopg 2 ms to convert on every run, and the planner longer to read).
    cards = (select(*card_columns(), Item.updated_at)
             .outerjoin(User, User.id == Item.assignee_id)
             .where(*board_scope(in_sprint, by_column=True),
                    _shown_condition(BoardFilters.of_shape(shape)))
             .cte("cards").prefix_with("NOT MATERIALIZED"))
    everything = literal_column("*")  # the columns are named once, in the expression
    # A card's row is what it shows: the last change only chooses the recent done ones (in
    # every row, its 250 timestamps cost the board 4% more to convert and to key).
    shown = [literal_column(column.key) for column in card_columns()]

    def column(status):
        if status != S.DONE or in_sprint:
            return select(everything).select_from(cards).where(cards.c.status == status)
        # The recent ones first, then in rank order: behind OFFSET 0 the database cannot
        # choose to walk every done item in rank order until it has found enough recent ones.
        recent = (select(everything).select_from(cards)
                  .where(*recently_done(cards.c.status, cards.c.updated_at))
                  .offset(0).subquery("recent"))
        return select(everything).select_from(recent)

    parts = [select(*shown).select_from(
                 column(status).order_by(literal_column("rank"))
                 .offset(bindparam("offset") if offset else None)
                 .limit(bindparam(f"limit_{status}")).subquery())
             for status in statuses]
    return parts[0] if len(parts) == 1 else union_all(*parts)


def board_cards(project: Project, filters: BoardFilters, user,
                limits: dict[str, int] | None = None, sprint_id=_ASK, offset: int = 0) -> list:
    """The first cards of each column in rank order (`limits`: column -> how many, after
    `offset` of them), and one more per column to tell where "Show more" leads: light rows,
    not ORM objects, that pass the filters. One statement: a LIMIT per column, each read in
    rank order from the (project, status, rank) index."""
    if sprint_id is _ASK:
        sprint_id = active_sprint_id(project)
    limits = dict.fromkeys(STATUSES, PAGE) if limits is None else limits
    if not limits:
        return []
    stmt = _cards_statement(sprint_id is not None, filters.shape, tuple(limits), bool(offset),
                            providers.needs)
    params = {**scope_params(project, sprint_id, filters, user),
              **{f"limit_{status}": limit + 1 for status, limit in limits.items()}}
    if offset:
        params["offset"] = offset
    order = {s: n for n, s in enumerate(STATUSES)}
    return sorted(db.session.execute(stmt, params).all(),
                  key=lambda c: (order[c.status], c.rank))


@dataclass
class Column:
    status: str
    count: int = 0
    points: float = 0.0
    shown: int = 0
    wip_limit: int | None = None
    loaded: int = 0  # the cards the board shows of the `shown`
    next_number: int | None = None  # the first card "Show more" brings

    @property
    def is_over_limit(self) -> bool:
        return self.wip_limit is not None and self.count > self.wip_limit

    @property
    def more(self) -> int:
        """The cards passing the filters that the column does not show (yet)."""
        return max(0, self.shown - self.loaded)


@dataclass
class Lane:
    id: str  # "all", "none" or the epic's id
    epic: object | None = None  # the epic's (id, number, title) row
    cells: dict[str, list] = field(default_factory=dict)
    count: int = 0  # the cards of the lane passing the filters, shown or not


@dataclass
class Board:
    columns: list[Column]
    lanes: list[Lane]
    change_number: int
    sprint_id: int | None = None  # the active sprint shown, if any
    offset: int = 0  # "Show more": the cards come after this many of each column

    def column(self, status: str) -> Column | None:
        return next((c for c in self.columns if c.status == status), None)


def build_board(project: Project, filters: BoardFilters, user, epics: list,
                statuses=None, limits: dict[str, int] | None = None, offset: int = 0) -> Board:
    """The board, or only some of its columns, grouped into swimlanes when asked; each
    column shows its first `limits[status]` cards (PAGE by default) after `offset`."""
    statuses = [s for s in STATUSES if statuses is None or s in statuses]
    limits = {s: (limits or {}).get(s, PAGE) for s in statuses}
    # Read before the cards: a change committed in between then makes the next poll fetch
    # again, instead of being missed for good.
    number, sprint_id, wip = board_state(project)
    columns = {s: Column(status=s, wip_limit=wip.get(s)) for s in statuses}
    lane_counts: dict = {}
    for row in column_totals(project, filters, user, statuses, sprint_id, filters.lanes):
        column = columns[row.status]
        column.count += row.count
        column.points += float(row.points or 0)
        column.shown += int(row.shown or 0)
        if filters.lanes:
            lane_counts[row.parent_id] = lane_counts.get(row.parent_id, 0) + int(row.shown or 0)
    cards = []
    for column in columns.values():
        column.loaded = offset
    for card in board_cards(project, filters, user, limits, sprint_id, offset):
        column = columns[card.status]
        if column.loaded - offset >= limits[card.status]:
            column.next_number = card.number  # the one more each column's query brings
            continue
        column.loaded += 1
        cards.append(card)
    lanes = _lanes(cards, filters, epics, statuses, lane_counts)
    return Board(columns=[columns[s] for s in statuses], lanes=lanes,
                 change_number=number, sprint_id=sprint_id, offset=offset)


def _lanes(cards, filters: BoardFilters, epics: list, statuses,
           lane_counts: dict) -> list[Lane]:
    if not filters.lanes:
        lane = Lane(id="all", cells={s: [] for s in statuses}, count=len(cards))
        for card in cards:
            lane.cells[card.status].append(card)
        return [lane]
    by_epic = {e.id: Lane(id=str(e.id), epic=e, cells={s: [] for s in statuses},
                          count=lane_counts.get(e.id, 0)) for e in epics}
    loose = Lane(id="none", cells={s: [] for s in statuses},
                 count=sum(n for parent, n in lane_counts.items() if parent not in by_epic))
    for card in cards:
        by_epic.get(card.parent_id, loose).cells[card.status].append(card)
    lanes = [lane for lane in by_epic.values() if lane.count]
    return [*lanes, loose]


@functools.lru_cache(maxsize=64)
def _moved_card_statement(in_sprint: bool, shape: tuple, needs_provider):
    """One card by number, if the board shows it, with its place in its column: how many of
    the column's cards stand before its rank (counted no further than `reach`) and the number
    of the one just before it. Its column and rank are given (the mover has the item)."""
    scope = [*board_scope(in_sprint), _shown_condition(BoardFilters.of_shape(shape))]
    ahead = (select(Item.number)
             .where(*scope, Item.status == bindparam("status"), Item.rank < bindparam("rank"))
             .correlate(None))
    return (select(*card_columns(),
                   select(func.count()).select_from(ahead.limit(bindparam("reach")).subquery())
                   .scalar_subquery().label("place"),
                   ahead.order_by(Item.rank.desc()).limit(1).scalar_subquery().label("after"))
            .outerjoin(User, User.id == Item.assignee_id)
            .where(*scope, Item.number == bindparam("number")))


@dataclass
class MovedCard:
    """A moved card as the board shows it after a move (see `moved_card`)."""

    columns: list[Column]  # the touched columns: heads and "Show more"
    card: object | None = None  # the card's row, when the board shows it now
    after: int | None = None  # the number of the card it follows (None: first in its column)


def moved_card(project: Project, filters: BoardFilters, user, item, statuses,
               loaded: dict[str, int]) -> MovedCard:
    """After a move of `item`: the touched columns' heads, and its card with its place among
    the cards the board had loaded (`loaded`: per column, how many besides the card). Costs
    the same whatever the columns hold: the place is counted no further than `loaded`."""
    _, sprint_id, wip = board_state(project, with_change=False)
    columns = {s: Column(status=s, wip_limit=wip.get(s), loaded=loaded.get(s, PAGE))
               for s in STATUSES if s in statuses}
    for row in column_totals(project, filters, user, columns, sprint_id):
        column = columns[row.status]
        column.count, column.points, column.shown = row.count, float(row.points), int(row.shown)
    moved = MovedCard(columns=list(columns.values()))
    column = columns.get(item.status)
    if column is None:
        return moved
    params = {**scope_params(project, sprint_id, filters, user), "number": item.number,
              "status": item.status, "rank": item.rank, "reach": column.loaded + 1}
    card = db.session.execute(_moved_card_statement(sprint_id is not None, filters.shape,
                                                    providers.needs), params).first()
    if card is not None and (card.place < column.loaded or column.loaded >= column.shown - 1):
        column.loaded += 1
        moved.card, moved.after = card, card.after
    return moved


def changed_statuses(project: Project, since: int, current: int) -> set[str] | None:
    """The columns touched by changes after change number `since` up to `current`; None means
    "all of them" (too far behind, or the limits changed)."""
    if since >= current:
        return set() if since == current else None
    if current - since > MAX_CHANGES_PER_POLL:
        return None
    rows = db.session.execute(
        select(ItemHistory.field, ItemHistory.old_value, ItemHistory.new_value, Item.status)
        .join(Item, Item.id == ItemHistory.item_id)
        .where(ItemHistory.project_id == project.id, ItemHistory.change_number > since)).all()
    changed: set[str] = set()
    for row in rows:
        changed.add(row.status)
        if row.field == "status":
            changed.update(v for v in (row.old_value, row.new_value) if v)
    if not rows:
        return None  # a change without history: the WIP limits; refresh everything
    return changed


def move_targets(user, project: Project, status: str) -> list[tuple[str, str]]:
    """Where the user may move an item that is in `status`: (status, kind) in board order."""
    from app.board.permissions import can_move_between

    targets = []
    for target in STATUSES:
        if target == status:
            continue
        try:
            kind = transition(status, target)
        except RuleViolation:
            continue
        if can_move_between(user, project, status, target):
            targets.append((target, kind))
    return targets
