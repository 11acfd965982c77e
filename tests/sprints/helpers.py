"""Building sprints with history at chosen moments, through the real services."""
from datetime import date, datetime, UTC

from app.backlog.services import create_item, update_item
from app.board.services import move_item
from app.extensions import db
from app.sprints import services


def utc(y, m, d, h=10, minute=0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=UTC)


def item(project, actor, title, points, at):
    return create_item(project, actor, title, estimate=points, at=at)


def deliver(it, dev, po, at):
    """Through acceptance to done (accepted by the product owner) at one moment."""
    move_item(it, dev, "acceptance", at=at)
    move_item(it, po, "done", at=at)


def reopen(it, po, at, reason="Virker ikke i Safari"):
    move_item(it, po, "in_progress", reason=reason, at=at)


def reject(it, po, at, reason="Eksporten mangler"):
    move_item(it, po, "in_progress", reason=reason, at=at)


def change_estimate(it, actor, points, at):
    update_item(it, actor, {"estimate": points}, at=at)


def closed_sprint(project, lead, dev, po, name, start: date, end: date, points: float):
    """A short closed sprint whose one item of `points` points was done."""
    sprint = services.create_sprint(project, lead, name, start, end, 20)
    it = item(project, po, f"Arbejde i {name}", points, utc(start.year, start.month, start.day, 6))
    services.commit_item(sprint, lead, it, at=utc(start.year, start.month, start.day, 7))
    services.start_sprint(sprint, lead, at=utc(start.year, start.month, start.day, 8))
    deliver(it, dev, po, utc(start.year, start.month, start.day, 12))
    services.close_sprint(sprint, lead, at=utc(end.year, end.month, end.day, 15))
    db.session.flush()
    return sprint
