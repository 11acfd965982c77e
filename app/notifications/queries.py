"""What the pages read about a person's notifications: the bell, the list, unread mentions.

Other surfaces (My work, the project dashboard) call `unread_count` and `unread_mentions`."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.clock import local_date
from app.extensions import db
from app.notifications.kinds import TARGET_DESCRIBERS, TARGET_MODELS, Kind
from app.notifications.models import Notification

PAGE_SIZE = 30


def bell_state(user) -> tuple[int, int]:
    """(unread count, newest notification id): ONE indexed query, the bell's ETag."""
    count, newest = db.session.execute(
        select(func.count(Notification.id).filter(Notification.read_at.is_(None)),
               func.coalesce(func.max(Notification.id), 0))
        .where(Notification.recipient_id == user.id)).one()
    return count, newest


def unread_count(user) -> int:
    """How many of the person's notifications are unread."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None)))


def unread_mentions(user, limit: int = 10) -> list[Notification]:
    """The person's unread mentions, newest first (with project and actor loaded)."""
    return list(db.session.scalars(
        select(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None),
               Notification.kind == Kind.MENTIONED)
        .options(joinedload(Notification.project), joinedload(Notification.actor))
        .order_by(Notification.id.desc()).limit(limit)))


@dataclass
class Day:
    day: date
    notifications: list[Notification]


@dataclass
class Page:
    days: list[Day]
    next_before: int | None  # the id to page on from, when there are older ones


def page_of(user, before: int | None = None, size: int = PAGE_SIZE) -> Page:
    """A page of the person's notifications, newest first, grouped by day in Copenhagen."""
    query = (select(Notification).where(Notification.recipient_id == user.id)
             .options(joinedload(Notification.project), joinedload(Notification.actor))
             .order_by(Notification.id.desc()).limit(size + 1))
    if before:
        query = query.where(Notification.id < before)
    rows = list(db.session.scalars(query))
    more = len(rows) > size
    rows = rows[:size]
    days: list[Day] = []
    for row in rows:
        day = local_date(row.created_at)
        if not days or days[-1].day != day:
            days.append(Day(day, []))
        days[-1].notifications.append(row)
    return Page(days, rows[-1].id if more else None)


def members_matching(project, text: str, limit: int = 8) -> list:
    """The project's active members whose name contains `text` (any case), by name: the
    choices the `@` of a Markdown field offers."""
    from app.accounts.models import User
    from app.projects.models import Membership

    text = (text or "").strip()[:60]
    query = (select(User.id, User.name).join(Membership, Membership.user_id == User.id)
             .where(Membership.project_id == project.id, User.is_active.is_(True))
             .order_by(User.name, User.id).limit(limit))
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(User.name).like(f"%{escaped.lower()}%", escape="\\"))
    return list(db.session.execute(query))


def organisation_needs_defaults(user) -> list[tuple]:
    """(project, whether I follow my municipality's needs there) for each of my projects."""
    from app.notifications.models import ProjectWatchDefault
    from app.projects.models import Membership, Project

    rows = db.session.execute(
        select(Project, ProjectWatchDefault.is_watching_organisation_needs)
        .join(Membership, Membership.project_id == Project.id)
        .outerjoin(ProjectWatchDefault, (ProjectWatchDefault.project_id == Project.id)
                   & (ProjectWatchDefault.user_id == user.id))
        .where(Membership.user_id == user.id).order_by(Project.name)).all()
    return [(project, bool(on)) for project, on in rows]


def watchable(project, kind: str, number: int):
    """(Target, organisations) of the project's watchable `kind` numbered `number`, or None."""
    model = TARGET_MODELS.get(kind)
    found = None if model is None else db.session.scalar(
        select(model).where(model.project_id == project.id, model.number == number))
    return None if found is None else TARGET_DESCRIBERS[kind](found)
