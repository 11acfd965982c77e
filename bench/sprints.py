"""The sprints' part of the benchmark: 40 sprints across the bench projects, with the item
history a burndown reads (commitments, items done within each sprint, items added
mid-sprint, estimate changes, unfinished work carried into the next sprint), and the
scenarios for the sprint pages.

BIG keeps no active sprint so that its board stays "all open items" (the board scenario);
the other projects each have one under way, KIT's with 300 cards (the "board of a sprint"
scenario). History rows are written in bulk with the moments they describe: the items are
the old done items of the backlog's data set, whose creation row is turned into "backlog"
so that each is open until its sprint finishes it.
"""
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select, update

from app.backlog.models import Item, ItemHistory, ItemType, Status
from app.extensions import db
from app.projects.models import Project
from app.sprints import reports
from app.sprints.models import Sprint, SprintState
from app.clock import COPENHAGEN, local_today
from bench.scenarios import Scenario, _any_member

# closed sprints per project, and whether one is active (BIG: a planned one instead)
SPRINTS = {"BIG": (8, False), "KIT": (8, True), "BOG": (6, True), "HJM": (6, True),
           "SKO": (7, True)}
ITEMS_PER_SPRINT = 30
# Open items in each project's sprint under way; KIT's is the "board of a sprint" scenario.
ACTIVE_OPEN_ITEMS = {"KIT": 300}
DEFAULT_ACTIVE_OPEN_ITEMS = 40


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


def seed_sprints(ctx: dict) -> None:
    """40 sprints with history across the bench projects."""
    rnd, scale = ctx["random"], ctx["scale"]
    # The open items of the data set were created three days ago; the sprint under way
    # started after that, two days ago.
    current = local_today() - timedelta(days=2)
    for project in ctx["projects"]:
        closed, has_active = SPRINTS[project.key]
        per_sprint = max(6, int(ITEMS_PER_SPRINT * scale))
        pool = list(db.session.scalars(
            select(Item).where(Item.project_id == project.id, Item.status == Status.DONE,
                               Item.type != ItemType.EPIC)
            .order_by(Item.number).limit(per_sprint * (closed + 1) + 10)))
        actor_id = pool[0].created_by_id
        rows: list[dict] = []
        sprints = []
        for k in range(closed):
            start = current - timedelta(days=14 * (closed - k))
            sprints.append(_sprint(project, f"Sprint {k + 1}", start, SprintState.CLOSED))
        following = (_sprint(project, f"Sprint {closed + 1}", current,
                             SprintState.ACTIVE if has_active else SprintState.PLANNED))
        db.session.flush()
        chunks = [pool[k * per_sprint:(k + 1) * per_sprint] for k in range(closed)]
        for k, (sprint, chunk) in enumerate(zip(sprints, chunks, strict=True)):
            nxt = sprints[k + 1] if k + 1 < closed else following
            carried = chunks[k + 1][:2] if k + 1 < closed else []
            rows += _closed_rows(rnd, project, sprint, chunk, carried, nxt, actor_id)
            sprint.carried_to_id = nxt.id
        if has_active:
            rows += _active_rows(rnd, project, following, pool[-10:], actor_id)
        _rewrite_creation(pool)
        db.session.execute(insert(ItemHistory), rows)
        db.session.flush()
        for sprint in [*sprints, following]:
            if sprint.state != SprintState.PLANNED:
                sprint.committed_points = reports.burndown(sprint).committed
        for sprint in sprints:
            sprint.completed_points = sum(i.estimate or 0 for i in pool if i.sprint_id == sprint.id)
        db.session.commit()


def _sprint(project, name, start: date, state) -> Sprint:
    sprint = Sprint(project_id=project.id, name=name, goal=f"Benchmarkmål for {name}",
                    start_date=start, end_date=start + timedelta(days=11), capacity=60,
                    state=state)
    if state != SprintState.PLANNED:
        sprint.started_at = _at(start, 9)
    if state == SprintState.CLOSED:
        sprint.closed_at = _at(sprint.end_date, 15)
    db.session.add(sprint)
    return sprint


def _row(item, field, old, new, at, actor_id, note="") -> dict:
    return {"item_id": item.id, "project_id": item.project_id, "actor_id": actor_id,
            "field": field, "old_value": old, "new_value": new, "note": note,
            "change_number": 0, "created_at": at}


def _done_rows(item, day: date, actor_id) -> list[dict]:
    return [_row(item, "status", "backlog", "acceptance", _at(day, 10), actor_id),
            _row(item, "status", "acceptance", "done", _at(day, 14), actor_id)]


def _closed_rows(rnd, project, sprint, chunk, carried, nxt, actor_id) -> list[dict]:
    working = [sprint.start_date + timedelta(days=n) for n in range(12)
               if (sprint.start_date + timedelta(days=n)).weekday() < 5]
    rows = []
    for n, item in enumerate(chunk):
        arrived = n < 2 and sprint.name != "Sprint 1"  # carried in from the sprint before
        added = n in (5, 6)  # committed mid-sprint
        if not arrived:
            at = _at(working[3], 11) if added else _at(sprint.start_date, 8)
            rows.append(_row(item, "sprint", None, str(sprint.id), at, actor_id))
        if n == 7 and item.estimate:
            rows.append(_row(item, "estimate", str(item.estimate + 2), str(item.estimate),
                             _at(working[2], 12), actor_id))
        rows += _done_rows(item, working[1 + rnd.randrange(len(working) - 1)], actor_id)
        item.sprint_id = sprint.id
    for item in carried:  # committed here, unfinished, done in the next sprint
        rows.append(_row(item, "sprint", None, str(sprint.id), _at(sprint.start_date, 8),
                         actor_id))
        rows.append(_row(item, "sprint", str(sprint.id), str(nxt.id), sprint.closed_at,
                         actor_id))
    return rows


def _active_rows(rnd, project, sprint, done_items, actor_id) -> list[dict]:
    """The sprint under way: open items committed at the start (300 in KIT), ten done."""
    limit = ACTIVE_OPEN_ITEMS.get(project.key, DEFAULT_ACTIVE_OPEN_ITEMS)
    open_items = list(db.session.scalars(
        select(Item).where(Item.project_id == project.id, Item.status != Status.DONE,
                           Item.type != ItemType.EPIC, Item.sprint_id.is_(None))
        .order_by(Item.rank).limit(limit)))
    rows = []
    start = _at(sprint.start_date, 8)
    for item in open_items + done_items:
        rows.append(_row(item, "sprint", None, str(sprint.id), start, actor_id))
        item.sprint_id = sprint.id
    for n, item in enumerate(done_items):
        rows += _done_rows(item, sprint.start_date + timedelta(days=n % 3), actor_id)
    return rows


def _rewrite_creation(items) -> None:
    """The old done items were created done; make them start in the backlog instead."""
    db.session.execute(
        update(ItemHistory).where(ItemHistory.item_id.in_([i.id for i in items]),
                                  ItemHistory.field == "status",
                                  ItemHistory.old_value.is_(None))
        .values(new_value="backlog"))


def _sprint_id(key: str, state: str) -> int:
    return db.session.scalar(
        select(Sprint.id).join(Project, Project.id == Sprint.project_id)
        .where(Project.key == key, Sprint.state == state).order_by(Sprint.start_date.desc())
        .limit(1))


def sprint_board(ctx):
    email = _any_member("developer", "KIT")
    return lambda: (email, "GET", "/p/KIT/board", None)


def sprints_page(ctx):
    email = _any_member("product_owner")
    return lambda: (email, "GET", "/p/BIG/sprints", None)


def closed_sprint_page(ctx):
    email = _any_member("product_owner")
    sprint_id = _sprint_id("BIG", SprintState.CLOSED)
    return lambda: (email, "GET", f"/p/BIG/sprints/{sprint_id}", None)


def active_sprint_page(ctx):
    email = _any_member("product_owner", "KIT")
    sprint_id = _sprint_id("KIT", SprintState.ACTIVE)
    return lambda: (email, "GET", f"/p/KIT/sprints/{sprint_id}", None)


def sprint_review(ctx):
    email = _any_member("product_owner")
    sprint_id = _sprint_id("BIG", SprintState.CLOSED)
    return lambda: (email, "GET", f"/p/BIG/sprints/{sprint_id}/review", None)


def commit_item(ctx):
    """A product owner commits one backlog item to BIG's planned sprint and takes it out (an
    ordinary item: not the item page's, whose page would then show it in the sprint)."""
    email = _any_member("product_owner")
    sprint_id = _sprint_id("BIG", SprintState.PLANNED)
    item_id = db.session.scalar(
        select(Item.id).join(Project, Project.id == Item.project_id)
        .where(Project.key == "BIG", Item.status == Status.BACKLOG, Item.sprint_id.is_(None),
               Item.title.like("Punkt %"))
        .order_by(Item.rank).limit(1))
    state = {"action": "remove"}

    def make():
        state["action"] = "items" if state["action"] == "remove" else "remove"
        path = "items" if state["action"] == "items" else "items/remove"
        return email, "POST", f"/p/BIG/sprints/{sprint_id}/{path}", {"item": item_id}
    return make


SCENARIOS = [
    Scenario("Board of a sprint, 300 cards", sprint_board, target_ms=15, target_statements=12,
             runs=20),
    Scenario("Sprints page, 8 closed sprints and the velocity", sprints_page, target_ms=25),
    Scenario("Closed sprint: items and burndown from history", closed_sprint_page,
             target_ms=40),
    Scenario("Active sprint planning: 50 of the backlog beside 310 items, burndown",
             active_sprint_page, target_ms=80),
    Scenario("Sprint review of a closed sprint", sprint_review, target_ms=30),
    Scenario("Commit an item to a sprint and take it out (one row and its history)",
             commit_item, target_ms=15),
]


def actions(key: str):
    """Load actions: the sprints page (active, planned and closed sprints, velocity)."""
    return [(1, "sprints", lambda rnd, s: ("GET", f"/p/{key}/sprints", None, {200}))]
