"""Recording audit events. Services call record(); it adds a row and flushes nothing."""
from flask import has_request_context, request
from flask_login import current_user

from app.audit.models import AuditEvent
from app.extensions import db


def record(action: str, *, project=None, target=None, target_label: str = "", actor=None,
           actor_label: str | None = None, **details) -> AuditEvent:
    """Add an audit event for `action` (e.g. "item.accepted") done by the current user."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user._get_current_object()
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_label=actor_label if actor_label is not None else (actor.email if actor else ""),
        project_id=project.id if project is not None else None,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        target_label=target_label or (str(getattr(target, "name", "")) if target else ""),
        details={k: v for k, v in details.items() if v is not None},
    )
    if has_request_context():
        event.ip_address = (request.remote_addr or "")[:45] or None
        event.user_agent = (request.user_agent.string or "")[:255] or None
    db.session.add(event)
    return event
