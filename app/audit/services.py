"""Recording audit events. Services call record(); it adds a row and flushes nothing. The
administration pages read the log (`app.admin.queries`)."""
from datetime import datetime

from flask import has_request_context, request
from flask_login import current_user

from app.audit.models import AuditEvent
from app.extensions import db

# Column sizes of AuditEvent; labels are cut to fit so a long title never breaks a change.
_ACTION_MAX, _LABEL_MAX, _IP_MAX, _AGENT_MAX = 60, 254, 45, 255


def record(action: str, *, project=None, target=None, target_label: str = "", actor=None,
           actor_label: str | None = None, at: datetime | None = None, **details) -> AuditEvent:
    """Add an audit event for `action` (e.g. "item.accepted") done by the current user; `at`
    dates it when the service acts for a past moment (demo data), else it is now."""
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
    if at is not None:
        event.created_at = at
    if has_request_context():
        event.ip_address = (request.remote_addr or "")[:_IP_MAX] or None
        event.user_agent = (request.user_agent.string or "")[:_AGENT_MAX] or None
    db.session.add(event)
    return event
