"""The notify API the areas call, watching, reading and the e-mail choices. Every function
flushes and never commits.

The framework knows no area: a target is named by kind, id, number and label (`Target`), and
the areas say who is concerned; here the rules common to every event are kept: never the
actor, only active members of the project, each kind by e-mail only if the person wants it."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.models import User
from app.database import parse_id, utcnow
from app.extensions import db
from app.notifications.kinds import IMMEDIATE, Kind
from app.notifications.models import (Notification, NotificationPreference, ProjectWatchDefault,
                                      Watch, new_nonce)
from app.projects.models import Membership
from app.services import RuleViolation


@dataclass(frozen=True)
class Target:
    """What a notification is about: an item or a need of a project."""

    kind: str
    id: int
    number: int
    label: str
    project_id: int


def member_ids(project_id: int, user_ids) -> set[int]:
    """Those of `user_ids` who are active members of the project now."""
    user_ids = {i for i in user_ids if i}
    if not user_ids:
        return set()
    return set(db.session.scalars(
        select(Membership.user_id).join(User, User.id == Membership.user_id)
        .where(Membership.project_id == project_id, Membership.user_id.in_(list(user_ids)),
               User.is_active.is_(True))))


def email_choices(user_ids, kind: str) -> dict[int, bool]:
    """Whether each person wants this kind by e-mail (on unless they said no)."""
    rows = dict(db.session.execute(
        select(NotificationPreference.user_id, NotificationPreference.is_email)
        .where(NotificationPreference.user_id.in_(list(user_ids)),
               NotificationPreference.kind == kind)).all())
    return {user_id: rows.get(user_id, True) for user_id in user_ids}


def notify(kind: Kind, target: Target, recipient_ids, actor=None, detail: str = "",
           at: datetime | None = None) -> list[Notification]:
    """Notify these people of an event about `target`: never the actor, never someone who is
    not (or no longer) an active member of the project. Urgent kinds are e-mailed at once
    (a row the scheduler sends), the others wait for the recipient's next batch."""
    actor_id = getattr(actor, "id", None)
    wanted = member_ids(target.project_id, set(recipient_ids) - {actor_id})
    if not wanted:
        return []
    at = at or utcnow()
    by_email = email_choices(wanted, kind)
    rows = []
    for recipient_id in sorted(wanted):
        row = Notification(recipient_id=recipient_id, project_id=target.project_id, kind=kind,
                           actor_id=actor_id, target_kind=target.kind, target_id=target.id,
                           target_number=target.number, target_label=target.label[:255],
                           detail=(detail or "")[:255], created_at=at,
                           email_pending=by_email[recipient_id] and kind not in IMMEDIATE)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    urgent = [row for row in rows if kind in IMMEDIATE and by_email[row.recipient_id]]
    if urgent:
        from app.notifications.email import queue_immediate

        queue_immediate(urgent, at)
    return rows


def watch(user_id: int | None, target: Target, explicit: bool = False) -> None:
    """Follow the target. Automatic watching (creator, assignee, commenter) respects an
    earlier explicit Unwatch; the Watch button (`explicit`) overrides it."""
    if not user_id:
        return
    row = _watch_row(user_id, target)
    if row is None:
        with db.session.begin_nested():
            db.session.add(Watch(user_id=user_id, project_id=target.project_id,
                                 target_kind=target.kind, target_id=target.id))
    elif explicit:
        row.is_watching = True
    db.session.flush()


def unwatch(user_id: int, target: Target) -> None:
    """Stop following the target (remembered, so automatic watching does not undo it)."""
    row = _watch_row(user_id, target)
    if row is None:
        db.session.add(Watch(user_id=user_id, project_id=target.project_id,
                             target_kind=target.kind, target_id=target.id, is_watching=False))
    else:
        row.is_watching = False
    db.session.flush()


def _watch_row(user_id: int, target: Target) -> Watch | None:
    return db.session.scalar(select(Watch).where(
        Watch.user_id == user_id, Watch.target_kind == target.kind,
        Watch.target_id == target.id))


def watcher_ids(target: Target, organisation_ids=()) -> set[int]:
    """Who follows the target: those watching it, and, for a need, the members of the
    `organisation_ids` (its municipalities) who chose to follow their municipality's needs in
    this project — unless they unwatched this one."""
    rows = db.session.execute(select(Watch.user_id, Watch.is_watching).where(
        Watch.target_kind == target.kind, Watch.target_id == target.id)).all()
    watching = {user_id for user_id, is_watching in rows if is_watching}
    if organisation_ids:
        declined = {user_id for user_id, is_watching in rows if not is_watching}
        opted_in = set(db.session.scalars(
            select(ProjectWatchDefault.user_id).join(User, User.id == ProjectWatchDefault.user_id)
            .where(ProjectWatchDefault.project_id == target.project_id,
                   ProjectWatchDefault.is_watching_organisation_needs.is_(True),
                   User.organisation_id.in_(list(organisation_ids)))))
        watching |= opted_in - declined
    return watching


def is_watching(user_id: int, target: Target, organisation_ids=()) -> bool:
    """Whether the person follows the target (for the Watch/Unwatch button)."""
    return user_id in watcher_ids(target, organisation_ids)


def mark_read(user, notification_id) -> Notification:
    """Mark one of the user's notifications read (another person's is not found)."""
    ident = parse_id(notification_id)
    row = db.session.get(Notification, ident) if ident else None
    if row is None or row.recipient_id != user.id:
        raise RuleViolation(_("There is no such notification."), status=404)
    if row.read_at is None:
        row.read_at = utcnow()
        db.session.flush()
    return row


def mark_all_read(user) -> int:
    """Mark every unread notification of the user read; how many."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount


def email_preferences(user) -> dict[str, bool]:
    """Each kind: whether the user gets it by e-mail."""
    return email_choices_for_user(user.id)


def email_choices_for_user(user_id: int) -> dict[str, bool]:
    rows = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.is_email)
        .where(NotificationPreference.user_id == user_id)).all())
    return {kind.value: rows.get(kind.value, True) for kind in Kind}


def set_email_preferences(user, chosen) -> None:
    """Save the kinds the user wants by e-mail (`chosen`: the checked ones); a changed choice
    makes the unsubscribe links of earlier e-mails stale."""
    chosen = {str(k) for k in chosen}
    unknown = chosen - {k.value for k in Kind}
    if unknown:
        raise RuleViolation(_("Unknown kind of notification."), "kinds")
    rows = {row.kind: row for row in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind in Kind:
        wanted = kind.value in chosen
        row = rows.get(kind.value)
        if row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind.value,
                                                  is_email=wanted))
        elif row.is_email != wanted:
            row.is_email, row.nonce = wanted, new_nonce()
    db.session.flush()


def set_organisation_needs_default(user, project, is_watching: bool) -> None:
    """Follow (or not) every need of my municipality in this project."""
    row = db.session.scalar(select(ProjectWatchDefault).where(
        ProjectWatchDefault.user_id == user.id, ProjectWatchDefault.project_id == project.id))
    if row is None:
        row = ProjectWatchDefault(user_id=user.id, project_id=project.id)
        db.session.add(row)
    row.is_watching_organisation_needs = bool(is_watching)
    db.session.flush()


def set_organisation_needs_defaults(user, chosen_keys, projects) -> None:
    """Save, for each of `projects` (mine), whether I follow my municipality's needs there
    (`chosen_keys`: the keys of those ticked)."""
    chosen = set(chosen_keys)
    for project in projects:
        set_organisation_needs_default(user, project, project.key in chosen)
