"""The outbox: for each published event (app.events), a delivery row per active endpoint of
the project that chose it, written in the change's own transaction, with the body as it will
be signed and sent. The body's `data` is the JSON API's representation of the thing."""
import functools
import json
import uuid
from contextlib import nullcontext

from flask import current_app, has_request_context
from sqlalchemy import bindparam, select

from app.api import representations as rep
from app.database import utcnow
from app.events import DomainEvent
from app.extensions import db
from app.webhooks.kinds import EVENTS
from app.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint


def _url_context():
    """A request context on BASE_URL, so the representations' links can be built in jobs."""
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context("/", base_url=current_app.config["BASE_URL"])


def representation(name: str, subject, key: str):
    """The API's representation of what the event is about."""
    kind = name.split(".", 1)[0]
    if kind == "item":
        from app.backlog.services import position_of

        return rep.item(subject, key, position_of(subject))
    if kind == "comment":
        return rep.comment(subject) | {"item": rep.item_summary(subject.item, key)}
    if kind == "need":
        from app.discovery import queries

        return rep.need(subject, key, queries.cosponsors_of(subject),
                        queries.linked_items(subject))
    if kind == "decision":
        return rep.decision(subject, key)
    if kind == "sprint":
        return rep.sprint(subject, key)
    return subject


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    iso = getattr(value, "isoformat", None)
    return iso() if iso else str(value)


def envelope(name: str, project, actor, data, changes=None, occurred_at=None,
             delivery_id: str | None = None) -> dict:
    """The body every receiver gets (docs/webhooks.md)."""
    body = {"event": name, "id": delivery_id or str(uuid.uuid4()),
            "occurred_at": rep.iso(occurred_at or utcnow()),
            "project": {"key": project.key, "name": project.name},
            "actor": rep.person(actor), "data": data}
    if changes:
        body["changes"] = {field: {"old": _jsonable(old), "new": _jsonable(new)}
                           for field, (old, new) in changes.items()}
    return body


def encode(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def queue(endpoint: WebhookEndpoint, name: str, body: dict, at=None) -> WebhookDelivery:
    """A delivery of `body` to the endpoint, due at once."""
    at = at or utcnow()
    delivery = WebhookDelivery(uuid=body["id"], endpoint=endpoint, event=name, body=encode(body),
                               state=DeliveryState.PENDING, next_attempt_at=at, created_at=at)
    db.session.add(delivery)
    return delivery


def subscribers(project_id: int, name: str) -> list[WebhookEndpoint]:
    endpoints = db.session.scalars(_subscribers_statement(), {"project_id": project_id})
    return [e for e in endpoints if name in (e.events or ())]


@functools.lru_cache(maxsize=1)
def _subscribers_statement():
    # Built once: every change of the events' subjects (a move, an edit) runs it.
    return (select(WebhookEndpoint).where(WebhookEndpoint.project_id == bindparam("project_id"),
                                          WebhookEndpoint.is_active.is_(True))
            .order_by(WebhookEndpoint.id))


def on_event(event: DomainEvent) -> None:
    """app.events listener: write the outbox rows for this event (nothing is sent here)."""
    if event.name not in EVENTS or event.project is None:
        return
    endpoints = subscribers(event.project.id, event.name)
    if not endpoints:
        return
    db.session.flush()
    with _url_context():
        data = representation(event.name, event.subject, event.project.key)
    for endpoint in endpoints:
        queue(endpoint, event.name, envelope(event.name, event.project, event.actor, data,
                                             event.changes, event.occurred_at))
    db.session.flush()
