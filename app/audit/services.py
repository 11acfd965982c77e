"""Recording and querying audit events. Services call record(); it adds a row and flushes
nothing."""
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import func, or_, select

from app.audit.models import AuditEvent
from app.extensions import db

# Column sizes of AuditEvent; labels are cut to fit so a long title never breaks a change.
_ACTION_MAX, _LABEL_MAX, _IP_MAX, _AGENT_MAX = 60, 254, 45, 255


def record(action: str, *, project=None, target=None, target_label: str = "", actor=None,
           actor_label: str | None = None, **details) -> AuditEvent:
    """Add an audit event for `action` (e.g. "item.accepted") done by the current user."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if not target_label and target is not None:
        target_label = str(getattr(target, "name", "") or getattr(target, "title", "") or "")
    event = AuditEvent(
        action=action[:_ACTION_MAX],
        actor=actor,
        actor_label=(actor_label if actor_label is not None
                     else (actor.email if actor else ""))[:_LABEL_MAX],
        project_id=project.id if project is not None else None,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        target_label=target_label[:_LABEL_MAX],
        details={k: v for k, v in details.items() if v is not None},
    )
    if has_request_context():
        event.ip_address = (request.remote_addr or "")[:_IP_MAX] or None
        event.user_agent = (request.user_agent.string or "")[:_AGENT_MAX] or None
    db.session.add(event)
    return event


def events_query(*, project=None, project_id: int | None = None, action: str | None = None,
                 actor: str | None = None):
    """A select of audit events, newest first, narrowed by the given filters.

    `actor` matches part of a name or e-mail address: of the actor, or of the person acted on
    (so a search for an account also finds the failed sign-ins and role changes aimed at it).
    """
    stmt = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if project is not None:
        project_id = project.id
    if project_id is not None:
        stmt = stmt.where(AuditEvent.project_id == project_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor:
        from app.accounts.models import User  # here: every area's services import this module

        needle = actor.strip().lower()
        people = select(User.id).where(or_(
            func.lower(User.email).contains(needle, autoescape=True),
            func.lower(User.name).contains(needle, autoescape=True)))
        stmt = stmt.where(or_(
            func.lower(AuditEvent.actor_label).contains(needle, autoescape=True),
            func.lower(AuditEvent.target_label).contains(needle, autoescape=True),
            AuditEvent.actor_id.in_(people),
            (AuditEvent.target_type == "User") & AuditEvent.target_id.in_(people)))
    return stmt


def recorded_actions(*, project=None) -> list[str]:
    """The distinct action names recorded (in the project, if given), for filter menus."""
    stmt = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    if project is not None:
        stmt = stmt.where(AuditEvent.project_id == project.id)
    return list(db.session.scalars(stmt))
