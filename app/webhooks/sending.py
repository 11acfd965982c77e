"""Sending the outbox, in the scheduler process, never in a request.

Claiming: a short transaction selects due rows `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite
serialises writers with BEGIN IMMEDIATE) and moves their `next_attempt_at` past the send's
timeout, then commits. A second scheduler skips the locked rows, and once the claim is
committed it no longer sees them as due: each (endpoint, event) is sent once. Should the
process die mid-send, the claim lapses and the row is tried again (a receiver dedupes on
`Samspil-Delivery`).

Outcome: 2xx delivered; network errors, 5xx and 429 retried with exponential backoff for
WEBHOOK_RETRY_HOURS (24); any other answer is final. An endpoint whose attempts all failed
for WEBHOOK_RETRY_HOURS is switched off and the project's secretariat told."""
import logging
import time
from datetime import timedelta

import urllib3
from flask import current_app
from sqlalchemy import delete, select

from app.database import utcnow
from app.extensions import db
from app.webhooks import secrets
from app.webhooks.models import MAX_RESPONSE, DeliveryState, WebhookDelivery, WebhookEndpoint
from app.webhooks.targets import TargetRefused, check_target

log = logging.getLogger(__name__)
USER_AGENT = "Samspil-Webhooks/1"


class Answer:
    """What one attempt got: a status and the start of the body, or an error (no answer)."""

    def __init__(self, status: int | None = None, body: str = "", error: str = "",
                 duration_ms: int = 0, retry: bool = False):
        self.status, self.body, self.error = status, body, error
        self.duration_ms, self.retry = duration_ms, retry

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _config(name: str):
    return current_app.config[name]


def _pool(target, timeout: float):
    common = {"port": target.port, "timeout": urllib3.Timeout(total=timeout), "retries": False,
              "maxsize": 1, "block": False}
    if target.scheme == "https":
        # Connect to the checked address; the name goes to SNI and certificate checking.
        return urllib3.HTTPSConnectionPool(target.address, cert_reqs="CERT_REQUIRED",
                                           server_hostname=target.host,
                                           assert_hostname=target.host, **common)
    return urllib3.HTTPConnectionPool(target.address, **common)


def post(url: str, body: bytes, headers: dict, timeout: float) -> Answer:
    """POST `body` to `url` once: checked target, no redirects, no retries, bounded time."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = check_target(url)
    except TargetRefused as exc:
        # A name that cannot be found may come back; an internal address is refused for good.
        return Answer(error=exc.message, duration_ms=took(), retry=exc.temporary)
    default_port = 443 if target.scheme == "https" else 80
    host = target.host if ":" not in target.host else f"[{target.host}]"
    headers = headers | {"Host": host if target.port == default_port else f"{host}:{target.port}"}
    pool = _pool(target, timeout)
    try:
        response = pool.urlopen("POST", target.path, body=body, headers=headers, redirect=False,
                                retries=False, preload_content=False, assert_same_host=False)
        try:
            text = response.read(MAX_RESPONSE).decode("utf-8", "replace")
        finally:
            response.release_conn()
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return Answer(error=_describe(exc), duration_ms=took(), retry=True)
    finally:
        pool.close()
    status = response.status
    return Answer(status, text, duration_ms=took(), retry=status == 429 or status >= 500)


def _describe(exc: Exception) -> str:
    if isinstance(exc, (urllib3.exceptions.TimeoutError, TimeoutError)):
        return "timeout"
    return f"{type(exc).__name__}: {exc}"[:500]


def claim_due(now=None, limit: int = 20) -> list[int]:
    """Claim up to `limit` due deliveries of active endpoints, in a short transaction."""
    now = now or utcnow()
    lease = now + timedelta(seconds=float(_config("WEBHOOK_TIMEOUT")) + 60)
    rows = db.session.scalars(
        select(WebhookDelivery).join(WebhookEndpoint)
        .where(WebhookDelivery.state == DeliveryState.PENDING,
               WebhookDelivery.next_attempt_at <= now, WebhookEndpoint.is_active.is_(True))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)
        .with_for_update(skip_locked=True, of=WebhookDelivery)).all()
    for row in rows:
        row.next_attempt_at = lease
    ids = [row.id for row in rows]
    db.session.commit()
    return ids


def headers_for(delivery: WebhookDelivery, secret: str, body: bytes, now) -> dict:
    return {"Content-Type": "application/json", "User-Agent": USER_AGENT,
            "Samspil-Event": delivery.event, "Samspil-Delivery": delivery.uuid,
            "Samspil-Signature": secrets.signature(secret, int(now.timestamp()), body)}


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … doubling after each failed attempt, at most an hour apart."""
    base = float(_config("WEBHOOK_RETRY_BASE_SECONDS"))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0),
                                 float(_config("WEBHOOK_RETRY_MAX_SECONDS"))))


def attempt(delivery_id: int, now=None) -> Answer | None:
    """Send one claimed delivery and write its outcome (its own transactions: none is held
    open during the request)."""
    now = now or utcnow()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.state != DeliveryState.PENDING:
        db.session.commit()
        return None
    secret = secrets.decrypt(delivery.endpoint.secret_encrypted)
    url, body = delivery.endpoint.url, delivery.body.encode("utf-8")
    headers = headers_for(delivery, secret or "", body, now)
    db.session.commit()
    if secret is None:
        answer = Answer(error="The signing secret cannot be read (SECRET_KEY changed).")
    else:
        answer = post(url, body, headers, float(_config("WEBHOOK_TIMEOUT")))
    record_outcome(delivery_id, answer, now)
    db.session.commit()
    return answer


def record_outcome(delivery_id: int, answer: Answer, now) -> None:
    """Write the attempt into the delivery (the log) and settle the endpoint's health."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:  # the endpoint was deleted meanwhile, and its log with it
        return
    endpoint = delivery.endpoint
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status, delivery.error = answer.status, answer.error[:500]
    delivery.response_body, delivery.duration_ms = answer.body[:MAX_RESPONSE], answer.duration_ms
    window = timedelta(hours=float(_config("WEBHOOK_RETRY_HOURS")))
    if answer.ok:
        delivery.state, delivery.next_attempt_at = DeliveryState.DELIVERED, None
        endpoint.failing_since = None
        return
    if answer.retry and now + backoff(delivery.attempts) - delivery.created_at <= window:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    else:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
    endpoint.failing_since = endpoint.failing_since or now
    if endpoint.is_active and now - endpoint.failing_since >= window:
        from app.webhooks.services import disable_failing

        disable_failing(endpoint, now)
    db.session.flush()


def send_due(now=None, limit: int = 20) -> str:
    """The scheduler's job: claim what is due and send it, batch after batch."""
    sent = failed = 0
    while True:
        ids = claim_due(now, limit)
        for delivery_id in ids:
            answer = attempt(delivery_id, now)
            if answer is not None and answer.ok:
                sent += 1
            elif answer is not None:
                failed += 1
        if len(ids) < limit:
            return f"{sent} delivered, {failed} failed"


def purge(now=None) -> str:
    """Forget deliveries older than WEBHOOK_LOG_DAYS (30): the log is kept that long."""
    cutoff = (now or utcnow()) - timedelta(days=int(_config("WEBHOOK_LOG_DAYS")))
    result = db.session.execute(delete(WebhookDelivery).where(
        WebhookDelivery.created_at < cutoff))
    db.session.commit()
    return f"{result.rowcount} old deliveries removed"
