"""Notification e-mails: one at once for urgent kinds (mentions, acceptance requests), the
others gathered into at most one e-mail per person per NOTIFICATION_BATCH_MINUTES.

Sending reuses the digests' exactly-once machinery (app/digests/delivery.py: the row is
committed before sending, claimed, marked "sending" before the content goes out, and an
unknown outcome is never retried by itself), with NotificationEmail as the row."""
import os
import socket
import uuid
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import NamedTuple

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.database import utcnow
from app.digests import delivery as outbox
from app.digests import services as digest_services
from app.digests.models import DeliveryState
from app.extensions import db
from app.notifications.kinds import SENTENCES, TARGET_ENDPOINTS, Kind
from app.notifications.models import Notification, NotificationEmail, NotificationPreference
from app.notifications.services import member_ids
from app.services import RuleViolation

UNSUBSCRIBE_SALT = "notification-unsubscribe"
ALL_KINDS = "*"


def sentence(notification: Notification) -> str:
    """The notification in a line: "Anna mentioned you in OVB-12 Login"."""
    actor = notification.actor.name if notification.actor else _("Someone")
    template = SENTENCES.get(notification.kind)
    if template is None:
        return notification.target_label
    return str(template) % {"actor": actor, "target": notification.target_label}


def target_path(notification: Notification) -> str | None:
    endpoint = TARGET_ENDPOINTS.get(notification.target_kind)
    if endpoint is None:
        return None
    return url_for(endpoint, key=notification.project.key, number=notification.target_number)


def _render(user: User, notifications: list[Notification], kind: str) -> dict:
    locale = digest_services.user_locale(user)
    with digest_services.rendering_context(), force_locale(locale):
        lines = [(sentence(n), n.detail, digest_services.absolute_url(target_path(n)),
                  n.project.name) for n in notifications]
        if len(lines) == 1:
            subject = lines[0][0]
        else:
            subject = _("%(count)s new notifications in Samspil", count=len(lines))
        context = dict(user=user, lines=lines, subject=subject,
                       notifications_url=digest_services.absolute_url(
                           url_for("notifications.index")),
                       settings_url=digest_services.absolute_url(
                           url_for("accounts.settings", _anchor="notification-settings")),
                       unsubscribe_url=unsubscribe_url(user.id, kind))
        text = render_template("email/notification.txt", **context)
        html = render_template("email/notification.html", **context)
    return dict(subject=subject[:255], body_text=text, body_html=html, locale=locale,
                recipient=user.email, message_id=digest_services.new_message_id("notification"))


def queue_immediate(notifications: list[Notification], at: datetime) -> None:
    """One e-mail row per urgent notification, in the same transaction (sent by the job)."""
    for notification in notifications:
        user = db.session.get(User, notification.recipient_id)
        db.session.add(NotificationEmail(user_id=user.id, kind=notification.kind, is_batch=False,
                                         state=DeliveryState.PENDING, next_attempt_at=at,
                                         created_at=at, **_render(user, [notification],
                                                                  notification.kind)))
    db.session.flush()


def _batch_due_user_ids(now: datetime) -> list[int]:
    """People with notifications waiting for e-mail whose last batch is old enough."""
    since = now - timedelta(minutes=current_app.config["NOTIFICATION_BATCH_MINUTES"])
    waiting = select(Notification.recipient_id).where(
        Notification.email_pending.is_(True)).distinct()
    recent = select(NotificationEmail.user_id).where(
        NotificationEmail.is_batch.is_(True), NotificationEmail.created_at > since)
    return sorted(set(db.session.scalars(waiting)) - set(db.session.scalars(recent)))


def create_batch(user_id: int, now: datetime) -> int | None:
    """Gather the person's waiting notifications into one e-mail row, committed before
    sending; those of projects they have left are dropped. The row's id, or None."""
    pending = list(db.session.scalars(
        select(Notification).where(Notification.recipient_id == user_id,
                                   Notification.email_pending.is_(True))
        .options(joinedload(Notification.project), joinedload(Notification.actor))
        .order_by(Notification.id)))
    db.session.execute(update(Notification).where(Notification.id.in_([n.id for n in pending]))
                       .values(email_pending=False).execution_options(synchronize_session=False))
    user = db.session.get(User, user_id)
    still = [n for n in pending if n.project_id in _projects_of(user_id, pending)]
    if not still or not user.is_active:
        db.session.commit()
        return None
    row = NotificationEmail(user_id=user_id, is_batch=True, kind="", created_at=now,
                            next_attempt_at=now, state=DeliveryState.PENDING,
                            **_render(user, still, ALL_KINDS))
    db.session.add(row)
    db.session.commit()
    return row.id


def _projects_of(user_id: int, notifications) -> set[int]:
    projects = {n.project_id for n in notifications}
    return {p for p in projects if member_ids(p, {user_id})}


class Report(NamedTuple):
    batches: int
    states: dict


def send_due(now: datetime | None = None) -> Report:
    """The scheduler's job: write the batches that are due, then send every waiting e-mail."""
    now = now or utcnow()
    with outbox.job_lock("samspil.notifications.send") as acquired:
        if not acquired:
            return Report(0, {"locked_out": 1})
        batches = sum(create_batch(user_id, now) is not None
                      for user_id in _batch_due_user_ids(now))
        states: dict[str, int] = {}
        outbox.mark_abandoned(now, NotificationEmail)
        claimant = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:64]
        for row_id in outbox.claimable_ids(now, model=NotificationEmail):
            if outbox.claim(row_id, claimant, now, NotificationEmail):
                state = _deliver(row_id, claimant, now)
                if state is not None:
                    states[state] = states.get(state, 0) + 1
        return Report(batches, states)


def _deliver(row_id: int, claimant: str, now: datetime) -> str | None:
    row = db.session.get(NotificationEmail, row_id, populate_existing=True,
                         options=[joinedload(NotificationEmail.user)])
    if not row.user.is_active:
        outbox._finish(row_id, claimant, model=NotificationEmail, state=DeliveryState.SKIPPED,
                       updated_at=now, last_error="The recipient's account is deactivated.")
        return DeliveryState.SKIPPED
    return outbox.deliver_row(row, claimant, now, lambda: build_email(row, now))


def build_email(row: NotificationEmail, now: datetime) -> EmailMessage:
    """The multipart message of a stored row, with one-click unsubscribe headers."""
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = Address(display_name=row.user.name, addr_spec=row.recipient)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = row.locale
    message["List-Unsubscribe"] = f"<{unsubscribe_url(row.user_id, row.kind or ALL_KINDS)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    return message


class UnsubscribeToken(NamedTuple):
    user_id: int
    kind: str  # a kind, or "*" for every batched kind
    nonce: str


def _nonce(user_id: int, kind: str) -> str:
    """The state an unsubscribe link names: the nonces of the person's choices concerned."""
    query = select(func.coalesce(func.max(NotificationPreference.nonce), "")).where(
        NotificationPreference.user_id == user_id)
    if kind != ALL_KINDS:
        query = query.where(NotificationPreference.kind == kind)
    return db.session.scalar(query) or ""


def unsubscribe_url(user_id: int, kind: str) -> str:
    token = digest_services.signed_serializer(UNSUBSCRIBE_SALT).dumps(
        [user_id, kind, _nonce(user_id, kind)])
    return digest_services.absolute_url(f"/notifications/unsubscribe/{token}")


def read_unsubscribe_token(token: str) -> UnsubscribeToken:
    """What a link names; RuleViolation (400) when it was tampered with or is stale."""
    try:
        data = digest_services.signed_serializer(UNSUBSCRIBE_SALT).loads(token)
    except BadSignature as exc:
        raise RuleViolation(_("This unsubscribe link is not valid."), status=400) from exc
    if (not isinstance(data, list) or len(data) != 3 or not isinstance(data[0], int)
            or isinstance(data[0], bool) or not isinstance(data[1], str)
            or not isinstance(data[2], str)
            or (data[1] != ALL_KINDS and data[1] not in {k.value for k in Kind})):
        raise RuleViolation(_("This unsubscribe link is not valid."), status=400)
    parsed = UnsubscribeToken(*data)
    if _nonce(parsed.user_id, parsed.kind) != parsed.nonce:
        raise RuleViolation(_("You have changed your notification e-mails since this e-mail "
                              "was sent."), status=400)
    return parsed


def unsubscribe(token: UnsubscribeToken) -> None:
    """Stop e-mailing this kind (or every kind) to the person; idempotent (the nonce stays, so
    the link keeps working after it was used once)."""
    kinds = [k.value for k in Kind] if token.kind == ALL_KINDS else [token.kind]
    rows = {row.kind: row for row in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == token.user_id))}
    for kind in kinds:
        row = rows.get(kind)
        if row is None:
            db.session.add(NotificationPreference(user_id=token.user_id, kind=kind,
                                                  is_email=False, nonce=token.nonce))
        else:
            row.is_email = False
    db.session.flush()
