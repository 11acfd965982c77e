"""What a sprint's history says: the burndown, the velocity across sprints, and the review
of what was delivered and accepted. Everything is computed from the items' recorded history
(`backlog_item_history`: status, estimate and sprint rows), never from their current state
alone, so a closed sprint's figures stay what they were whatever happens to its items later.

How the burndown counts (in Copenhagen calendar days):
- An item counts towards the remaining points while it is in the sprint and not done, with
  its estimate at that moment (no estimate counts as 0).
- The starting point is the remaining points at the moment the sprint was started.
- Each day's change is split in two: *completed* (status changes to and from done; a
  reopened item counts back as negative) and *scope* (items added to or removed from the
  sprint, and estimate changes of its open items). Scope is also summed apart as *added* and
  *removed*, so the sprint's points add up in words: committed + added − removed = done + open.
- The ideal line falls evenly over the working days (Monday–Friday) from the start to the
  end date, and stays flat at weekends.
- A closed sprint's curve ends at its close; the active sprint's ends today.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, union
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.backlog.models import Item, ItemHistory, Status
from app.database import utcnow
from app.extensions import db
from app.projects.models import Project
from app.sprints.models import Sprint, SprintState
from app.clock import local_date

TRACKED_FIELDS = ("status", "estimate", "sprint")
# The most days a burndown walks: a year holds the longest sprint the rules allow and a long
# overrun. Sprints stored with wider dates (before the dates were bounded, or by hand) are cut
# there; what happened later counts on the last day shown.
MAX_BURNDOWN_DAYS = 366


@dataclass
class BurndownDay:
    day: date
    is_working_day: bool
    ideal: float  # at the end of the day
    remaining: float | None  # at the end of the day; None for days still to come
    completed: float = 0.0  # points done that day, less points reopened
    scope: float = 0.0  # points added (+) or taken out (−) that day

    @property
    def is_past(self) -> bool:
        return self.remaining is not None


@dataclass
class Burndown:
    committed: float
    days: list[BurndownDay]
    added: float = 0.0  # points put into the sprint after it started (items, raised estimates)
    removed: float = 0.0  # points taken out (items, lowered estimates)

    @property
    def remaining(self) -> float:
        past = [d.remaining for d in self.days if d.remaining is not None]
        return past[-1] if past else self.committed

    @property
    def completed(self) -> float:
        return sum(d.completed for d in self.days)

    @property
    def scope_change(self) -> float:
        return sum(d.scope for d in self.days)

    @property
    def open(self) -> float:
        """The points still open: what was committed and added, less what was taken out and
        done (the same as the remaining points, also for a sprint started before its first
        day, whose days are all still to come)."""
        return round(self.committed + self.added - self.removed - self.completed, 2)


def sprint_item_ids(sprint: Sprint):
    """A subquery of the ids of every item that is or ever was in the sprint."""
    named = select(ItemHistory.item_id).where(
        ItemHistory.project_id == sprint.project_id, ItemHistory.field == "sprint",
        ItemHistory.new_value == str(sprint.id))
    current = select(Item.id).where(Item.sprint_id == sprint.id)
    return union(named, current).subquery()


def history_rows(sprint: Sprint, fields=TRACKED_FIELDS) -> list:
    """The tracked history rows of the sprint's items, oldest first (one query)."""
    ids = sprint_item_ids(sprint)
    return db.session.execute(
        select(ItemHistory.id, ItemHistory.item_id, ItemHistory.field, ItemHistory.old_value,
               ItemHistory.new_value, ItemHistory.note, ItemHistory.actor_id,
               ItemHistory.created_at)
        .where(ItemHistory.item_id.in_(select(ids.c[0])), ItemHistory.field.in_(fields))
        .order_by(ItemHistory.created_at, ItemHistory.id)).all()


@dataclass
class _ItemState:
    in_sprint: bool = False
    status: str | None = None
    estimate: float | None = None

    def open_points(self) -> float:
        if not self.in_sprint or self.status == Status.DONE:
            return 0.0
        return self.estimate or 0.0

    def apply(self, row, sprint_id: str) -> None:
        if row.field == "sprint":
            self.in_sprint = row.new_value == sprint_id
        elif row.field == "status":
            self.status = row.new_value
        elif row.field == "estimate":
            self.estimate = float(row.new_value) if row.new_value not in (None, "") else None


def end_of(sprint: Sprint, now: datetime) -> datetime:
    """Up to when the sprint's history counts: its close, or now."""
    return sprint.closed_at if sprint.is_closed and sprint.closed_at else now


def _days(sprint: Sprint, last: date) -> list[date]:
    """The burndown's days: from the start to the end date, or to `last` when the sprint runs
    over, at most MAX_BURNDOWN_DAYS of them."""
    end = max(sprint.end_date, last)
    count = min((end - sprint.start_date).days + 1, MAX_BURNDOWN_DAYS)
    return [sprint.start_date + timedelta(days=n) for n in range(count)]


def ideal_line(sprint: Sprint, committed: float, days: list[date]) -> list[float]:
    """The ideal remaining points at the end of each day: an even fall over working days."""
    in_sprint = [d for d in days if d <= sprint.end_date]
    working = {d for d in in_sprint if d.weekday() < 5} or set(in_sprint)
    step = committed / len(working) if working else 0
    left, ideal = committed, []
    for day in days:
        if day in working:
            left -= step
        ideal.append(max(round(left, 2), 0.0) if day <= sprint.end_date else 0.0)
    if in_sprint:
        ideal[len(in_sprint) - 1] = 0.0
    return ideal


def burndown(sprint: Sprint, now: datetime | None = None, rows=None) -> Burndown | None:
    """The sprint's burndown (None for a sprint that has not started)."""
    if sprint.state == SprintState.PLANNED or sprint.started_at is None:
        return None
    now = now or utcnow()
    baseline, end = sprint.started_at, end_of(sprint, now)
    last_day = local_date(end)
    days = _days(sprint, last_day)
    index = {d: n for n, d in enumerate(days)}
    completed, scope = [0.0] * len(days), [0.0] * len(days)
    added = removed = 0.0
    states: dict[int, _ItemState] = {}
    sid = str(sprint.id)
    rows = history_rows(sprint) if rows is None else rows
    for row in rows:
        if row.created_at >= end:
            break
        state = states.setdefault(row.item_id, _ItemState())
        before = state.open_points()
        state.apply(row, sid)
        if row.created_at < baseline:
            continue
        delta = state.open_points() - before
        if not delta:
            continue
        n = index.get(min(max(local_date(row.created_at), sprint.start_date), days[-1]), 0)
        if row.field == "status":
            completed[n] -= delta
        else:
            scope[n] += delta
            if delta > 0:
                added += delta
            else:
                removed -= delta
    committed = _open_at_baseline(rows, baseline, sid)
    ideal = ideal_line(sprint, committed, days)
    remaining, out = committed, []
    for n, day in enumerate(days):
        remaining += scope[n] - completed[n]
        out.append(BurndownDay(day=day, is_working_day=day.weekday() < 5, ideal=ideal[n],
                               remaining=round(remaining, 2) if day <= last_day else None,
                               completed=round(completed[n], 2), scope=round(scope[n], 2)))
    return Burndown(committed=committed, days=out, added=round(added, 2),
                    removed=round(removed, 2))


def _open_at_baseline(rows, baseline: datetime, sid: str) -> float:
    states: dict[int, _ItemState] = {}
    for row in rows:
        if row.created_at >= baseline:
            break
        states.setdefault(row.item_id, _ItemState()).apply(row, sid)
    return round(sum(s.open_points() for s in states.values()), 2)


@dataclass
class VelocityRow:
    sprint: Sprint
    committed: float
    completed: float


def velocity(project: Project) -> list[VelocityRow]:
    """Committed and completed points of every closed sprint, oldest first."""
    sprints = db.session.scalars(
        select(Sprint).where(Sprint.project_id == project.id, Sprint.state == SprintState.CLOSED)
        .order_by(Sprint.start_date, Sprint.id))
    return [VelocityRow(s, s.committed_points or 0.0, s.completed_points or 0.0)
            for s in sprints]


@dataclass
class Verdict:
    """An acceptance or a rejection (or reopening) recorded in the history."""

    actor: User | None
    at: datetime
    reason: str = ""
    kind: str = "accept"  # "accept", "reject" or "reopen"


@dataclass
class ReviewEntry:
    item: Item
    status: str  # at the end of the sprint (now, for a sprint still running)
    accepted: Verdict | None = None
    rejections: list[Verdict] = field(default_factory=list)

    @property
    def last_rejection(self) -> Verdict | None:
        return self.rejections[-1] if self.rejections else None


@dataclass
class Review:
    accepted: list[ReviewEntry]
    awaiting: list[ReviewEntry]
    rejected: list[ReviewEntry]
    unfinished: list[ReviewEntry]

    @property
    def accepted_points(self) -> float:
        return sum(e.item.estimate or 0 for e in self.accepted)

    @property
    def is_empty(self) -> bool:
        return not (self.accepted or self.awaiting or self.rejected or self.unfinished)


def review(sprint: Sprint, now: datetime | None = None) -> Review:
    """What the sprint delivered, by the municipality's verdict: accepted (by whom, from which
    organisation, when), awaiting acceptance, rejected (with the reason), and not finished.
    A closed sprint is read as it stood when it closed."""
    now = now or utcnow()
    end = end_of(sprint, now)
    start = sprint.started_at or end
    sid = str(sprint.id)
    rows = history_rows(sprint, ("status", "sprint"))
    states: dict[int, _ItemState] = {}
    verdicts: dict[int, list[Verdict]] = {}
    actor_ids = set()
    for row in rows:
        if row.created_at >= end:
            break
        states.setdefault(row.item_id, _ItemState()).apply(row, sid)
        kind = _verdict_kind(row)
        if kind and row.created_at >= start:
            verdicts.setdefault(row.item_id, []).append(
                Verdict(actor=row.actor_id, at=row.created_at, reason=row.note, kind=kind))
            actor_ids.add(row.actor_id)
    if sprint.is_closed:
        ids = [i for i, s in states.items() if s.in_sprint]
    else:
        ids = list(db.session.scalars(select(Item.id).where(Item.sprint_id == sprint.id)))
    items = _items_with_people(ids)
    people = _users(actor_ids)
    result = Review([], [], [], [])
    for item in items:
        status = states[item.id].status if sprint.is_closed else item.status
        found = verdicts.get(item.id, [])
        for verdict in found:
            verdict.actor = people.get(verdict.actor)
        accepts = [v for v in found if v.kind == "accept"]
        entry = ReviewEntry(item=item, status=status or item.status,
                            rejections=[v for v in found if v.kind != "accept"])
        if entry.status == Status.DONE:
            entry.accepted = accepts[-1] if accepts else _recorded_acceptance(item)
            result.accepted.append(entry)
        elif entry.status == Status.ACCEPTANCE:
            result.awaiting.append(entry)
        elif entry.rejections:
            result.rejected.append(entry)
        else:
            result.unfinished.append(entry)
    return result


def _verdict_kind(row) -> str | None:
    if row.field != "status":
        return None
    if row.old_value == Status.ACCEPTANCE and row.new_value == Status.DONE:
        return "accept"
    if row.old_value == Status.ACCEPTANCE and row.new_value != Status.DONE:
        return "reject"
    if row.old_value == Status.DONE:
        return "reopen"
    return None


def _recorded_acceptance(item: Item) -> Verdict | None:
    if item.accepted_at is None:
        return None
    return Verdict(actor=item.accepted_by, at=item.accepted_at)


def _items_with_people(ids) -> list[Item]:
    if not ids:
        return []
    return list(db.session.scalars(
        select(Item).where(Item.id.in_(ids))
        .options(joinedload(Item.accepted_by).joinedload(User.organisation),
                 joinedload(Item.assignee))
        .order_by(Item.rank)).unique())


def _users(ids) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_(ids)).options(joinedload(User.organisation)))}


def committed_and_completed(sprint: Sprint) -> tuple[float | None, float | None]:
    """The sprint's committed and completed points: frozen once started and closed, live
    (the current plan) before."""
    from app.sprints.services import done_points, open_points

    if sprint.is_closed:
        return sprint.committed_points, sprint.completed_points
    if sprint.is_active:
        return sprint.committed_points, done_points(sprint)
    return open_points(sprint), None

