"""The sprints' rules: creating and editing sprints, committing items to them and taking them
out, starting and closing, the retrospective, and the velocity the planning compares with.
Every function flushes and never commits.

Every change bumps the project's change number first (`backlog_counter`, as the backlog and
the board do): on PostgreSQL that row lock serialises the project's writers, so the checks
for overlapping dates and for the one active sprint read what the previous writer committed;
and open boards see that something changed. Committing an item to a sprint, or taking it out,
is written to the item's history (field "sprint", the sprint's id as the value): the
burndown is computed from those rows. Items whose sprint changed are announced through
`app.backlog.services.items_changed_now`, so discovery can plan the needs they serve.
"""
import math
from datetime import date, datetime, timedelta

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import record
from app.backlog.models import Item, ItemType, Status
from app.backlog.changes import bump_counter, record_change
from app.backlog.services import items_changed_now
from app.clock import local_today
from app.database import parse_id, utcnow
from app.events import publish
from app.extensions import db
from app.i18n import format_day
from app.projects.models import Project
from app.services import RuleViolation, clean_text
from app.sprints.models import MAX_GOAL, MAX_NAME, MAX_RETRO, Sprint, SprintState

MAX_CAPACITY = 9_999
VELOCITY_WINDOW = 3
UNFINISHED_CHOICES = ("backlog", "next")


def clean_name(value) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise RuleViolation(_("The sprint needs a name."), "name")
    if len(name) > MAX_NAME:
        raise RuleViolation(_("The name can have at most %(n)d characters.", n=MAX_NAME), "name")
    return name


def parse_capacity(value) -> float:
    """The capacity from a form: a non-negative number of points, halves allowed."""
    text = "" if value is None else str(value).strip().replace(",", ".")
    if not text:
        raise RuleViolation(_("Give the sprint's capacity in points."), "capacity")
    try:
        points = float(text)
    except ValueError:
        raise RuleViolation(_("The capacity must be a number of points, e.g. 30."),
                            "capacity") from None
    if not math.isfinite(points) or points < 0 or points > MAX_CAPACITY:
        raise RuleViolation(_("The capacity must be between 0 and %(max)d points.",
                              max=MAX_CAPACITY), "capacity")
    if not (points * 2).is_integer():
        raise RuleViolation(_("Capacity in whole or half points."), "capacity")
    return points


def max_sprint_weeks() -> int:
    """The longest a sprint may last, in weeks (SPRINT_MAX_WEEKS)."""
    return current_app.config.get("SPRINT_MAX_WEEKS", 12)


def _years_from(day: date, years: int) -> date:
    """The same day `years` later (earlier, if negative); 29 February becomes the 28th."""
    year = min(max(day.year + years, date.min.year), date.max.year)
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def date_window(today: date | None = None) -> tuple[date, date]:
    """The earliest start and the latest end a sprint may have (SPRINT_YEARS_BACK and
    SPRINT_YEARS_AHEAD around today). Wider dates are typing errors, and every page showing
    a sprint walks its days."""
    today = today or local_today()
    config = current_app.config
    return (_years_from(today, -config.get("SPRINT_YEARS_BACK", 5)),
            _years_from(today, config.get("SPRINT_YEARS_AHEAD", 5)))


def check_dates(project: Project, start, end, exclude: Sprint | None = None) -> None:
    """End after start, a sensible length within the date window, and no overlap with the
    project's other sprints. A sprint being changed (`exclude`) keeps a date it already has
    even if the window has moved past it."""
    if not isinstance(start, date):
        raise RuleViolation(_("Give the start date."), "start_date")
    if not isinstance(end, date):
        raise RuleViolation(_("Give the end date."), "end_date")
    earliest, latest = date_window()
    if start < earliest and (exclude is None or start != exclude.start_date):
        raise RuleViolation(_("The start date can be at most %(n)d years back: %(date)s or "
                              "later.", n=current_app.config.get("SPRINT_YEARS_BACK", 5),
                              date=format_day(earliest)), "start_date")
    if end > latest and (exclude is None or end != exclude.end_date):
        raise RuleViolation(_("The end date can be at most %(n)d years ahead: %(date)s or "
                              "earlier.", n=current_app.config.get("SPRINT_YEARS_AHEAD", 5),
                              date=format_day(latest)), "end_date")
    if end <= start:
        raise RuleViolation(_("The end date must be after the start date."), "end_date")
    weeks = max_sprint_weeks()
    if (end - start).days + 1 > weeks * 7:
        raise RuleViolation(ngettext("A sprint can last at most %(num)d week.",
                                     "A sprint can last at most %(num)d weeks.", weeks),
                            "end_date")
    stmt = (select(Sprint).where(Sprint.project_id == project.id, Sprint.start_date <= end,
                                 Sprint.end_date >= start)
            .order_by(Sprint.start_date).limit(1))
    if exclude is not None:
        stmt = stmt.where(Sprint.id != exclude.id)
    other = db.session.scalar(stmt)
    if other is not None:
        # Beside the date that moved: an active sprint's start date is not in its form.
        moved_start = exclude is None or start != exclude.start_date
        raise RuleViolation(
            _("The dates overlap with %(name)s (%(start)s – %(end)s).", name=other.name,
              start=format_day(other.start_date), end=format_day(other.end_date)),
            "start_date" if moved_start else "end_date")


def create_sprint(project: Project, actor, name, start_date, end_date, capacity, goal="",
                  at: datetime | None = None) -> Sprint:
    """Plan a new sprint of the project."""
    name = clean_name(name)
    goal = clean_text(goal, "goal", MAX_GOAL)
    capacity = parse_capacity(capacity)
    bump_counter(project.id)
    check_dates(project, start_date, end_date)
    at = at or utcnow()
    sprint = Sprint(project_id=project.id, name=name, goal=goal, start_date=start_date,
                    end_date=end_date, capacity=capacity, state=SprintState.PLANNED,
                    created_by=actor, created_at=at, updated_at=at)
    db.session.add(sprint)
    db.session.flush()
    return sprint


def check_version(sprint: Sprint, expected_version) -> None:
    """Refuse with 409 when the client saw an older version of the sprint."""
    if expected_version in (None, ""):
        return
    if parse_id(expected_version) != sprint.version_id:
        raise RuleViolation(_("Someone else changed this sprint meanwhile; review it and try "
                              "again."), status=409)


def update_sprint(sprint: Sprint, actor, changes: dict, expected_version=None) -> list[str]:
    """Change the name, goal, dates or capacity. A closed sprint is frozen; an active one keeps
    its start date (its burndown starts there). Returns the fields that changed."""
    if sprint.is_closed:
        raise RuleViolation(_("%(name)s is closed; it can no longer be changed.",
                              name=sprint.name), status=409)
    check_version(sprint, expected_version)
    new = {"name": clean_name(changes.get("name", sprint.name)),
           "goal": clean_text(changes.get("goal", sprint.goal), "goal", MAX_GOAL),
           "start_date": changes.get("start_date", sprint.start_date),
           "end_date": changes.get("end_date", sprint.end_date),
           "capacity": parse_capacity(changes.get("capacity", sprint.capacity))}
    if sprint.is_active and new["start_date"] != sprint.start_date:
        raise RuleViolation(_("The sprint has started; its start date stays."), "start_date")
    changed = [f for f, v in new.items() if getattr(sprint, f) != v]
    if not changed:
        return []
    bump_counter(sprint.project_id)
    check_dates(sprint.project, new["start_date"], new["end_date"], exclude=sprint)
    for field in changed:
        setattr(sprint, field, new[field])
    sprint.updated_at = utcnow()
    db.session.flush()
    return changed


def delete_sprint(sprint: Sprint, actor, at: datetime | None = None) -> int:
    """Delete a planned sprint; its items go back to the backlog. Returns how many went back."""
    _number, change = bump_counter(sprint.project_id)
    db.session.refresh(sprint)  # as the previous writer of the project left it
    if not sprint.is_planned:
        raise RuleViolation(_("Only a planned sprint can be deleted."), status=409)
    at = at or utcnow()
    items = sprint_items(sprint)
    for item in items:
        _set_sprint(item, None, actor, change, at)
    record("sprint.deleted", project=sprint.project, target=sprint, target_label=sprint.name,
           actor=actor, items=len(items), at=at)
    db.session.delete(sprint)
    db.session.flush()
    items_changed_now(items)
    return len(items)


def sprint_items(sprint: Sprint) -> list[Item]:
    """The items committed to the sprint now, in backlog rank order (with what a row of them
    shows: assignee, epic and labels, so that listing them costs the same for any number)."""
    return list(db.session.scalars(
        select(Item).where(Item.sprint_id == sprint.id).order_by(Item.rank)
        .options(joinedload(Item.assignee), joinedload(Item.parent),
                 selectinload(Item.labels))).unique())


def _set_sprint(item: Item, sprint: Sprint | None, actor, change: int, at: datetime) -> None:
    old = item.sprint_id
    item.sprint_id = sprint.id if sprint is not None else None
    item.updated_at = at
    record_change(item, "sprint", old, item.sprint_id, actor, change, at)


def project_item(project: Project, item_id) -> Item:
    """The item with this id, which must belong to the project (422 otherwise)."""
    number = parse_id(item_id)
    if number is None:
        raise RuleViolation(_("Choose an item."), "item", status=400)
    item = db.session.get(Item, number)
    if item is None or item.project_id != project.id:
        raise RuleViolation(_("The item is not an item of this project."), "item")
    return item


def commit_item(sprint: Sprint, actor, item: Item, at: datetime | None = None) -> bool:
    """Commit a backlog item to the sprint (mid-sprint it counts as a scope change).
    Returns False when it is already there."""
    if item.project_id != sprint.project_id:
        raise RuleViolation(_("The item is not an item of this project."), "item")
    if sprint.is_closed:
        raise RuleViolation(_("%(name)s is closed; nothing can be added to it.",
                              name=sprint.name), status=409)
    if item.sprint_id == sprint.id:
        return False
    if item.type == ItemType.EPIC:
        raise RuleViolation(_("An epic is a container; commit its items instead."), "item")
    if item.status == Status.DONE:
        raise RuleViolation(_("The item is done already."), "item")
    if item.sprint_id is not None:
        other = db.session.get(Sprint, item.sprint_id)
        raise RuleViolation(_("The item is in %(name)s already; take it out there first.",
                              name=other.name if other else "?"), status=409)
    at = at or utcnow()
    _number, change = bump_counter(sprint.project_id)
    db.session.refresh(sprint)  # closed meanwhile?
    if sprint.is_closed:
        raise RuleViolation(_("%(name)s is closed; nothing can be added to it.",
                              name=sprint.name), status=409)
    _set_sprint(item, sprint, actor, change, at)
    db.session.flush()
    items_changed_now([item])
    return True


def remove_item(sprint: Sprint, actor, item: Item, at: datetime | None = None) -> None:
    """Take an item out of the sprint, back to the backlog where its rank puts it."""
    if item.project_id != sprint.project_id:
        raise RuleViolation(_("The item is not an item of this project."), "item")
    if sprint.is_closed:
        raise RuleViolation(_("%(name)s is closed; its items stay as they were.",
                              name=sprint.name), status=409)
    if item.sprint_id != sprint.id:
        raise RuleViolation(_("The item is not in this sprint (any more)."), status=409)
    at = at or utcnow()
    _number, change = bump_counter(sprint.project_id)
    db.session.refresh(sprint)  # closed meanwhile?
    if sprint.is_closed:
        raise RuleViolation(_("%(name)s is closed; its items stay as they were.",
                              name=sprint.name), status=409)
    _set_sprint(item, None, actor, change, at)
    db.session.flush()
    items_changed_now([item])


def open_points(sprint: Sprint) -> float:
    """The points of the sprint's items that are not done."""
    return float(db.session.scalar(
        select(func.coalesce(func.sum(Item.estimate), 0))
        .where(Item.sprint_id == sprint.id, Item.status != Status.DONE)))


def done_points(sprint: Sprint) -> float:
    return float(db.session.scalar(
        select(func.coalesce(func.sum(Item.estimate), 0))
        .where(Item.sprint_id == sprint.id, Item.status == Status.DONE)))


def active_sprint(project: Project) -> Sprint | None:
    """The project's active sprint (one query, remembered for the rest of a request: the
    board asks for it once per query it builds, and its heading once more)."""
    if not has_request_context():
        return _query_active(project)
    cache = g.setdefault("_active_sprints", {})
    if project.id not in cache:
        cache[project.id] = _query_active(project)
    return cache[project.id]


def _query_active(project: Project) -> Sprint | None:
    return db.session.scalar(select(Sprint).where(Sprint.project_id == project.id,
                                                  Sprint.state == SprintState.ACTIVE))


def _forget_active() -> None:
    if has_request_context():
        g.pop("_active_sprints", None)


def start_sprint(sprint: Sprint, actor, at: datetime | None = None) -> None:
    """Planned → active: the board shows its items from now on; its open points are frozen
    as the commitment the burndown starts from."""
    bump_counter(sprint.project_id)
    db.session.refresh(sprint)  # as the previous writer of the project left it
    if not sprint.is_planned:
        raise RuleViolation(_("%(name)s has been started already.", name=sprint.name),
                            status=409)
    _forget_active()
    running = active_sprint(sprint.project)
    if running is not None:
        raise RuleViolation(_("%(name)s is still active; close it before starting another.",
                              name=running.name), status=409)
    at = at or utcnow()
    sprint.state = SprintState.ACTIVE
    sprint.started_at, sprint.started_by = at, actor
    sprint.committed_points = open_points(sprint)
    sprint.updated_at = at
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # Someone started another sprint of the project at the same moment.
        raise RuleViolation(_("Another sprint of the project was started meanwhile."),
                            status=409) from None
    _forget_active()
    record("sprint.started", project=sprint.project, target=sprint, target_label=sprint.name,
           actor=actor, committed=sprint.committed_points, at=at)
    publish("sprint.started", sprint.project, actor, sprint, at=at,
            changes={"state": (SprintState.PLANNED, SprintState.ACTIVE)})


def next_planned(sprint: Sprint) -> Sprint | None:
    """The planned sprint that comes next after this one, by its start date."""
    return db.session.scalar(
        select(Sprint).where(Sprint.project_id == sprint.project_id, Sprint.id != sprint.id,
                             Sprint.state == SprintState.PLANNED)
        .order_by(Sprint.start_date).limit(1))


def close_sprint(sprint: Sprint, actor, unfinished: str = "backlog", expected_version=None,
                 at: datetime | None = None) -> list[Item]:
    """Active → closed: the unfinished items go back to the backlog (keeping their rank) or
    into the next planned sprint; the completed points are frozen. Returns the moved items."""
    _number, change = bump_counter(sprint.project_id)
    db.session.refresh(sprint)  # as the previous writer of the project left it
    if sprint.is_closed:
        raise RuleViolation(_("%(name)s is closed already.", name=sprint.name), status=409)
    if not sprint.is_active:
        raise RuleViolation(_("Only an active sprint can be closed."), status=409)
    check_version(sprint, expected_version)
    if unfinished not in UNFINISHED_CHOICES:
        raise RuleViolation(_("Choose where the unfinished items go."), "unfinished")
    target = next_planned(sprint) if unfinished == "next" else None
    if unfinished == "next" and target is None:
        raise RuleViolation(_("There is no planned sprint to move the unfinished items to."),
                            "unfinished")
    at = at or utcnow()
    moved = [item for item in sprint_items(sprint) if item.status != Status.DONE]
    sprint.completed_points = done_points(sprint)
    for item in moved:
        _set_sprint(item, target, actor, change, at)
    sprint.state = SprintState.CLOSED
    sprint.closed_at, sprint.closed_by = at, actor
    sprint.carried_to = target
    sprint.updated_at = at
    db.session.flush()
    _forget_active()
    items_changed_now(moved)
    record("sprint.closed", project=sprint.project, target=sprint, target_label=sprint.name,
           actor=actor, committed=sprint.committed_points, completed=sprint.completed_points,
           unfinished=len(moved), moved_to=target.name if target else "backlog", at=at)
    publish("sprint.closed", sprint.project, actor, sprint, at=at,
            changes={"state": (SprintState.ACTIVE, SprintState.CLOSED)})
    return moved


def save_retrospective(sprint: Sprint, actor, went_well, to_improve, actions,
                       expected_version=None, at: datetime | None = None) -> bool:
    """The team's notes on a closed sprint (Markdown). Returns False when nothing changed."""
    if not sprint.is_closed:
        raise RuleViolation(_("The retrospective is written once the sprint is closed."),
                            status=409)
    check_version(sprint, expected_version)
    new = {"retro_went_well": clean_text(went_well, "went_well", MAX_RETRO),
           "retro_to_improve": clean_text(to_improve, "to_improve", MAX_RETRO),
           "retro_actions": clean_text(actions, "actions", MAX_RETRO)}
    if all(getattr(sprint, f) == v for f, v in new.items()):
        return False
    for field, value in new.items():
        setattr(sprint, field, value)
    sprint.retro_updated_at, sprint.retro_updated_by = at or utcnow(), actor
    db.session.flush()
    return True


def closed_sprints(project: Project, limit: int | None = None) -> list[Sprint]:
    """The project's closed sprints, the latest first."""
    stmt = (select(Sprint).where(Sprint.project_id == project.id,
                                 Sprint.state == SprintState.CLOSED)
            .order_by(Sprint.end_date.desc(), Sprint.id.desc()))
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def average_velocity(project: Project) -> float | None:
    """The mean completed points of the last three closed sprints (None before the first)."""
    sprints = closed_sprints(project, VELOCITY_WINDOW)
    if not sprints:
        return None
    return sum(s.completed_points or 0 for s in sprints) / len(sprints)


def suggested_dates(project: Project, today: date | None = None) -> tuple[date, date]:
    """Dates for a new sprint: two weeks from the Monday after the last sprint (or today).
    Sprints ending beyond the date window (stored before it was enforced) are passed over:
    the days after 9999-12-31 do not exist."""
    today = today or local_today()
    _earliest, latest = date_window(today)
    last_end = db.session.scalar(select(func.max(Sprint.end_date))
                                 .where(Sprint.project_id == project.id,
                                        Sprint.end_date <= latest))
    start = max(today, last_end + timedelta(days=1)) if last_end else today
    start += timedelta(days=(7 - start.weekday()) % 7)
    return start, start + timedelta(days=11)
