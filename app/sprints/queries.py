"""Reading sprints: the project's sprints with their figures, one sprint (404 across projects),
and the planning lists. Each function issues a fixed number of statements."""
from dataclasses import dataclass

from flask import abort
from sqlalchemy import case, func, select

from app.accounts.models import User
from app.backlog.models import Item, ItemType, Status
from app.database import MAX_ID, parse_id
from app.extensions import db
from app.projects.models import Project
from app.sprints.models import Sprint, SprintState
from app.sprints.services import average_velocity

PLAN_PAGE = 50
MAX_PLAN_SHOWN = 1000


def get_sprint_or_404(project: Project, sprint_id) -> Sprint:
    """The sprint of this (already visible) project; 404 for another project's or none."""
    if not isinstance(sprint_id, int) or not 0 < sprint_id <= MAX_ID:
        abort(404)
    sprint = db.session.get(Sprint, sprint_id)
    if sprint is None or sprint.project_id != project.id:
        abort(404)
    return sprint


@dataclass
class SprintFigures:
    sprint: Sprint
    items: int
    committed: float | None
    completed: float | None
    open: float


@dataclass
class SprintLists:
    active: SprintFigures | None
    planned: list[SprintFigures]
    closed: list[SprintFigures]


def sprint_lists(project: Project) -> SprintLists:
    """The project's sprints: the active one, the planned ones (soonest first) and the closed
    ones (latest first), with their figures (two queries)."""
    sprints = list(db.session.scalars(
        select(Sprint).where(Sprint.project_id == project.id).order_by(Sprint.start_date)))
    live = _live_points([s.id for s in sprints])
    lists = SprintLists(None, [], [])
    for sprint in sprints:
        count, open_points, done = live.get(sprint.id, (0, 0.0, 0.0))
        if sprint.is_closed:
            lists.closed.append(SprintFigures(sprint, count, sprint.committed_points,
                                              sprint.completed_points, 0.0))
        elif sprint.is_active:
            lists.active = SprintFigures(sprint, count, sprint.committed_points, done, open_points)
        else:
            lists.planned.append(SprintFigures(sprint, count, open_points, None, open_points))
    lists.closed.reverse()
    return lists


def _live_points(ids) -> dict[int, tuple[int, float, float]]:
    """Items, open points and done points per sprint, as the sprints hold them now."""
    if not ids:
        return {}
    done = Item.status == Status.DONE
    rows = db.session.execute(
        select(Item.sprint_id, func.count(Item.id),
               func.coalesce(func.sum(case((done, 0), else_=Item.estimate)), 0),
               func.coalesce(func.sum(case((done, Item.estimate), else_=0)), 0))
        .where(Item.sprint_id.in_(ids)).group_by(Item.sprint_id))
    return {sid: (count, float(o), float(d)) for sid, count, o, d in rows}


def plannable(project: Project):
    """Conditions for the items a sprint can take: open, in no sprint, not epics."""
    return (Item.project_id == project.id, Item.sprint_id.is_(None), Item.status != Status.DONE,
            Item.type != ItemType.EPIC, Item.archived_at.is_(None))


# The planning lists are light rows, not ORM objects: a sprint may hold hundreds of items.
PLAN_COLUMNS = (Item.id, Item.number, Item.type, Item.title, Item.estimate, Item.status,
                Item.rank, User.name.label("assignee_name"))


def _plan_rows():
    return select(*PLAN_COLUMNS).outerjoin(User, User.id == Item.assignee_id)


def plannable_page(project: Project, after: str | None = None,
                   limit: int = PLAN_PAGE) -> tuple[list, str | None]:
    """One page of the ranked backlog a sprint can take from; returns (rows, next cursor)."""
    limit = max(1, min(limit, MAX_PLAN_SHOWN))
    stmt = _plan_rows().where(*plannable(project)).order_by(Item.rank).limit(limit + 1)
    if after:
        stmt = stmt.where(Item.rank > after)
    items = list(db.session.execute(stmt))
    more = len(items) > limit
    items = items[:limit]
    return items, (items[-1].rank if more and items else None)


def plannable_count(project: Project) -> int:
    return db.session.scalar(select(func.count(Item.id)).where(*plannable(project)))


def items_of(sprint: Sprint) -> list:
    """The sprint's items now (light rows), in rank order, with their assignees' names."""
    return list(db.session.execute(
        _plan_rows().where(Item.sprint_id == sprint.id).order_by(Item.rank)))


@dataclass
class PlanTotals:
    points: float
    items: int
    unestimated: int
    capacity: float
    velocity: float | None

    @property
    def over_capacity(self) -> float:
        return max(self.points - self.capacity, 0.0)

    @property
    def over_velocity(self) -> float:
        return max(self.points - self.velocity, 0.0) if self.velocity is not None else 0.0


def plan_totals(sprint: Sprint, items: list) -> PlanTotals:
    """The sprint's points against its capacity and the recent velocity."""
    return PlanTotals(points=sum(i.estimate or 0 for i in items), items=len(items),
                      unestimated=sum(1 for i in items if i.estimate is None),
                      capacity=sprint.capacity, velocity=average_velocity(sprint.project))


def open_sprint_name(sprint_id) -> str | None:
    """The sprint's name while it is planned or running; None once closed (or unknown)."""
    if sprint_id is None:
        return None
    return db.session.scalar(select(Sprint.name).where(
        Sprint.id == sprint_id, Sprint.state != SprintState.CLOSED))


def sprint_names(ids) -> dict[str, str]:
    """Sprint names by id as text (history rows store the id), in one query."""
    wanted = {n for n in map(parse_id, ids) if n is not None}
    if not wanted:
        return {}
    return {str(i): n for i, n in db.session.execute(
        select(Sprint.id, Sprint.name).where(Sprint.id.in_(wanted)))}


