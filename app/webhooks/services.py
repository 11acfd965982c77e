"""Managing a project's webhook endpoints: register, change, delete, redeliver, ping, and
switching off an endpoint that keeps failing. Every function flushes and never commits."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.database import utcnow
from app.extensions import db
from app.notifications.kinds import Kind
from app.notifications.services import Target, notify
from app.projects.models import Membership, MembershipRole, Role
from app.services import RuleViolation, clean_text
from app.webhooks import secrets
from app.webhooks.kinds import EVENTS, PING
from app.webhooks.models import (MAX_DESCRIPTION, DeliveryState, WebhookDelivery,
                                 WebhookEndpoint)
from app.webhooks.outbox import envelope, queue
from app.webhooks.targets import check_target


def clean_events(events) -> list[str]:
    """The chosen events in the form's order; an unknown one is refused."""
    chosen = [str(e) for e in (events or ())]
    unknown = sorted(set(chosen) - set(EVENTS))
    if unknown:
        raise RuleViolation(_("Unknown event: %(events)s.", events=", ".join(unknown)), "events")
    if not chosen:
        raise RuleViolation(_("Choose at least one event."), "events")
    return [e for e in EVENTS if e in chosen]


def _clean(url, events, description) -> tuple[str, list[str], str]:
    url = (url or "").strip()
    check_target(url)
    description = clean_text(description or "", "description", MAX_DESCRIPTION)
    return url, clean_events(events), description


def endpoints_of(project) -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.project_id == project.id).order_by(WebhookEndpoint.id)))


def create_endpoint(project, actor, url, events, description="", is_active=True):
    """Register an endpoint; returns it and its secret, which is never shown again."""
    url, events, description = _clean(url, events, description)
    secret = secrets.new_secret()
    endpoint = WebhookEndpoint(project=project, url=url, events=events, description=description,
                               is_active=bool(is_active), secret_encrypted=secrets.encrypt(secret),
                               secret_hint=secret[:10], created_by=actor)
    db.session.add(endpoint)
    db.session.flush()
    record("webhook.created", project=project, target=endpoint, target_label=url[:254],
           actor=actor)
    return endpoint, secret


def update_endpoint(endpoint, actor, url, events, description="", is_active=True) -> None:
    """Change an endpoint; switching it on again forgets its failures."""
    url, events, description = _clean(url, events, description)
    if is_active and not endpoint.is_active:
        endpoint.failing_since, endpoint.disabled_reason = None, ""
    endpoint.url, endpoint.events, endpoint.description = url, events, description
    endpoint.is_active = bool(is_active)
    endpoint.updated_at = utcnow()
    record("webhook.updated", project=endpoint.project, target=endpoint,
           target_label=url[:254], actor=actor)
    db.session.flush()


def new_secret(endpoint, actor) -> str:
    """Replace the signing secret (the old one stops working at once); returns the new one."""
    secret = secrets.new_secret()
    endpoint.secret_encrypted, endpoint.secret_hint = secrets.encrypt(secret), secret[:10]
    endpoint.updated_at = utcnow()
    record("webhook.secret_replaced", project=endpoint.project, target=endpoint,
           target_label=endpoint.url[:254], actor=actor)
    db.session.flush()
    return secret


def delete_endpoint(endpoint, actor) -> None:
    """Delete the endpoint and its delivery log."""
    record("webhook.deleted", project=endpoint.project, target=endpoint,
           target_label=endpoint.url[:254], actor=actor)
    db.session.delete(endpoint)
    db.session.flush()


def redeliver(delivery: WebhookDelivery, actor) -> None:
    """Send a delivery again, as it was (same body and id, so receivers can tell), soon."""
    if delivery.state == DeliveryState.PENDING:
        raise RuleViolation(_("This delivery is still waiting to be sent."), status=409)
    now = utcnow()
    delivery.state, delivery.next_attempt_at, delivery.created_at = DeliveryState.PENDING, now, now
    record("webhook.redelivered", project=delivery.endpoint.project, target=delivery.endpoint,
           target_label=delivery.endpoint.url[:254], actor=actor, delivery=delivery.uuid)
    db.session.flush()


def ping(endpoint, actor) -> WebhookDelivery:
    """Queue a `ping` to test the endpoint (sent by the scheduler within a minute)."""
    data = {"endpoint": {"id": endpoint.id, "url": endpoint.url, "events": endpoint.events}}
    delivery = queue(endpoint, PING, envelope(PING, endpoint.project, actor, data))
    record("webhook.pinged", project=endpoint.project, target=endpoint,
           target_label=endpoint.url[:254], actor=actor)
    db.session.flush()
    return delivery


def endpoint_target(endpoint) -> Target:
    return Target("webhook", endpoint.id, endpoint.id, endpoint.url[:200], endpoint.project_id)


def disable_failing(endpoint, now) -> None:
    """Switch off an endpoint that failed for 24 hours and tell the project's secretariat."""
    endpoint.is_active = False
    endpoint.disabled_reason = "failing"
    endpoint.updated_at = now
    record("webhook.disabled", project=endpoint.project, target=endpoint,
           target_label=endpoint.url[:254], actor_label="system")
    secretariat = set(db.session.scalars(
        select(Membership.user_id).join(MembershipRole)
        .where(Membership.project_id == endpoint.project_id,
               MembershipRole.role == Role.SECRETARIAT)))
    notify(Kind.WEBHOOK_DISABLED, endpoint_target(endpoint), secretariat, at=now,
           detail=endpoint.url[:200])
    db.session.flush()


def delivery_of(endpoint, delivery_id) -> WebhookDelivery | None:
    return db.session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.id == delivery_id))


def deliveries_of(endpoint, limit: int = 100) -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(limit)))
