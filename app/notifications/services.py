"""The notify API the areas call, watching, reading and the e-mail choices. Every function
flushes and never commits.

The framework knows no area: a target is named by kind, id, number and label (`Target`), and
the areas say who is concerned; here the rules common to every event are kept: never the
actor, only active members of the project, each kind by e-mail only if the person wants it."""
import functools
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, exists, func, insert, literal, select, update

from app.accounts.models import User
from app.database import parse_id, utcnow
from app.extensions import db
from app.notifications.kinds import IMMEDIATE, Kind, no_organisations
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


@dataclass(frozen=True)
class Watchers:
    """Those watching a target, as `watching` names them: `notify` reads them within its own
    statement."""

    target: Target


def _recipient_values(user_ids, actor_id: int | None) -> dict | None:
    """The bound values of `_among` for these people (ids, or `Watchers`): None when nobody is
    left once the actor is left out."""
    if isinstance(user_ids, Watchers):
        return {"watched_kind": user_ids.target.kind, "watched_id": user_ids.target.id,
                "actor_id": actor_id}
    user_ids = {i for i in user_ids if i} - {actor_id}
    return {"recipient_ids": sorted(user_ids)} if user_ids else None


def _among(watchers: bool, leave_out_actor: bool) -> list:
    """The condition on `Membership.user_id` for the people named (`Watchers`, or ids), their
    values bound (`_recipient_values`)."""
    if not watchers:
        return [Membership.user_id.in_(bindparam("recipient_ids", expanding=True))]
    among = [Membership.user_id.in_(
        select(Watch.user_id).where(Watch.target_kind == bindparam("watched_kind"),
                                    Watch.target_id == bindparam("watched_id"),
                                    Watch.is_watching.is_(True)).scalar_subquery())]
    if leave_out_actor:
        among.append(Membership.user_id != bindparam("actor_id"))
    return among


def _recipients_with_choice(watchers: bool, leave_out_actor: bool) -> Select:
    """Active members of the project among those named, each with their e-mail choice for
    this kind (NULL when they made none: on); the project and the kind bound as `project_id`
    and `kind`."""
    return (select(Membership.user_id, NotificationPreference.is_email)
            .join(User, User.id == Membership.user_id)
            .outerjoin(NotificationPreference,
                       and_(NotificationPreference.user_id == User.id,
                            NotificationPreference.kind == bindparam("kind")))
            .where(Membership.project_id == bindparam("project_id"),
                   *_among(watchers, leave_out_actor), User.is_active.is_(True)))


# The recipients' statements are built once for each way of naming them (ids or watchers, the
# actor left out or not), their values bound at each run: every move, comment and block of an
# item notifies, and building such a statement cost more than running it.
@functools.lru_cache(maxsize=4)
def _recipients_statement(watchers: bool, leave_out_actor: bool):
    return _recipients_with_choice(watchers, leave_out_actor)


def recipients(project_id: int, user_ids, kind: str, actor_id: int | None = None
               ) -> dict[int, bool]:
    """Those of `user_ids` (ids, or `Watchers`) who are active members of the project now, the
    actor left out, each with whether they want this kind by e-mail (on unless they said no):
    one statement."""
    values = _recipient_values(user_ids, actor_id)
    if values is None:
        return {}
    rows = db.session.execute(
        _recipients_statement(isinstance(user_ids, Watchers), actor_id is not None),
        {**values, "project_id": project_id, "kind": str(kind)})
    return {user_id: is_email is not False for user_id, is_email in rows}


def notify(kind: Kind, target: Target, recipient_ids, actor=None, detail: str = "",
           at: datetime | None = None) -> list[Notification]:
    """Notify these people of an event about `target`: never the actor, never someone who is
    not (or no longer) an active member of the project. Urgent kinds are e-mailed at once
    (a row the scheduler sends; their notifications are returned), the others wait for the
    recipient's next batch and are written in one statement that finds their recipients."""
    actor_id = getattr(actor, "id", None)
    at = at or utcnow()
    if kind not in IMMEDIATE:
        _insert_batched(kind, target, recipient_ids, actor_id, detail, at)
        return []
    by_email = recipients(target.project_id, recipient_ids, kind, actor_id)
    if not by_email:
        return []
    rows = []
    for recipient_id in sorted(by_email):
        row = Notification(recipient_id=recipient_id, project_id=target.project_id, kind=kind,
                           actor_id=actor_id, target_kind=target.kind, target_id=target.id,
                           target_number=target.number, target_label=target.label[:255],
                           detail=(detail or "")[:255], created_at=at, email_pending=False)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    urgent = [row for row in rows if by_email[row.recipient_id]]
    if urgent:
        from app.notifications.email import queue_immediate

        queue_immediate(urgent, at)
    return rows


def _insert_batched(kind: Kind, target: Target, recipient_ids, actor_id: int | None,
                    detail: str, at: datetime) -> None:
    """INSERT … SELECT: a notification for each recipient, waiting for their batched e-mail
    unless they switched this kind's e-mail off."""
    values = _recipient_values(recipient_ids, actor_id)
    if values is None:
        return
    db.session.execute(
        _batched_statement(isinstance(recipient_ids, Watchers), actor_id is not None),
        {**values, "project_id": target.project_id, "kind": str(kind), "actor_id": actor_id,
         "target_kind": target.kind, "target_id": target.id, "target_number": target.number,
         "target_label": target.label[:255], "detail": (detail or "")[:255],
         "created_at": at})


_BATCHED_VALUES = ("project_id", "kind", "actor_id", "target_kind", "target_id", "target_number",
                   "target_label", "detail", "created_at")


@functools.lru_cache(maxsize=4)
def _batched_statement(watchers: bool, leave_out_actor: bool):
    table = Notification.__table__
    chosen = _recipients_with_choice(watchers, leave_out_actor).subquery()
    # The table, not the entity: an ORM insert run with parameters is a bulk insert of them.
    return insert(table).from_select(
        ["recipient_id", *_BATCHED_VALUES, "email_pending"],
        select(chosen.c.user_id,
               *(bindparam(name, type_=table.c[name].type) for name in _BATCHED_VALUES),
               func.coalesce(chosen.c.is_email, literal(True)))
        .order_by(chosen.c.user_id))


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


def watching(target: Target) -> Watchers:
    """Those watching the target, for `notify` to read within its own statement: for a target
    that no organisation follows (items), one statement fewer than `watcher_ids`."""
    return Watchers(target)


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


def is_watching(user, target: Target, organisations=no_organisations) -> bool:
    """Whether the person follows the target (for the Watch/Unwatch button), as `watcher_ids`
    counts them: their own choice on it if they made one, else whether they follow their
    municipality's needs in the project and the target is one of those (`organisations()`,
    asked only then). One statement where `watcher_ids` takes three for a need."""
    chosen, follows_needs = db.session.execute(_watching_statement(), {
        "user_id": user.id, "target_kind": target.kind, "target_id": target.id,
        "project_id": target.project_id}).one()
    if chosen is not None:
        return bool(chosen)
    return bool(follows_needs) and user.organisation_id in set(organisations())


@functools.lru_cache(maxsize=1)
def _watching_statement():
    """Built once: every item and need page runs it (building it cost more than running it)."""
    user_id = bindparam("user_id")
    return select(
        select(Watch.is_watching).where(Watch.user_id == user_id,
                                        Watch.target_kind == bindparam("target_kind"),
                                        Watch.target_id == bindparam("target_id"))
        .scalar_subquery(),
        exists().where(ProjectWatchDefault.user_id == user_id,
                       ProjectWatchDefault.project_id == bindparam("project_id"),
                       ProjectWatchDefault.is_watching_organisation_needs.is_(True)))


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
