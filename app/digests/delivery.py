"""Sending digests: find what is due, write one row per period, claim it, send it once.

The order matters for "never twice, never silently lost":
1. a job takes a PostgreSQL advisory lock (`pg_try_advisory_xact_lock`; no-op on SQLite) so
   that parallel scheduler processes do not even try the same work;
2. each due digest is rendered and its delivery row (unique per recipient, project and
   period) is committed BEFORE anything is sent; a second sender's insert fails and it moves on;
3. a row is claimed with a conditional UPDATE (still pending/retrying, claim free or expired),
   so only one sender hands it to the mail server;
4. once the mail server has accepted sender and recipient, and before the message content
   goes out, the row is committed as "sending" (by its claimant only: a sender whose claim
   was taken over stops there, having sent nothing);
5. the outcome is written back: sent; retrying with exponential backoff after a temporary
   failure before the content went out (connection refused, timeout, 4xx); failed after a
   permanent one (5xx) or too many attempts; uncertain when the content went out but no
   verdict came back (timeout, dropped connection) — the server may have taken it.

A row left "sending" means its sender stopped (crash, database failure) after step 4 without
recording the outcome: it may have been delivered. When its claim expires the next run marks
it uncertain instead of sending it again. Uncertain rows are never sent automatically: they
are shown to administrators on /admin/digests, with failures, and sent again only when one
asks (with the same Message-ID, so a mail client that got both may show one).
"""
import hashlib
import logging
import os
import socket
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import String, and_, literal, or_, select, text, union_all, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import defer, joinedload

from app.accounts.models import User
from app.database import utcnow
from app.digests import services
from app.digests.models import DeliveryState, DigestDelivery, DigestSubscription, Frequency
from app.digests.registry import SectionCache
from app.digests.schedule import DuePeriod, SendSettings, due_period
from app.extensions import db
from app.observability import delivery_finished
from app.mail.transport import DeliveryUncertain, MailError, send_message
from app.projects.models import Membership, MembershipRole, Project

log = logging.getLogger(__name__)
CLAIMABLE = (DeliveryState.PENDING, DeliveryState.RETRYING)


@dataclass
class Due:
    user: User
    project: Project
    roles: frozenset[str]
    frequency: Frequency
    period: DuePeriod
    nonce: str = ""  # of the explicit subscription, for the unsubscribe link


@dataclass
class SendReport:
    locked_out: bool = False
    created: int = 0
    skipped: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    uncertain: int = 0
    planned: list[tuple[str, str, str]] = field(default_factory=list)  # (e-mail, project, subject)
    created_ids: set[int] = field(default_factory=set)

    def add(self, state: str) -> None:
        setattr(self, state, getattr(self, state) + 1)


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def job_lock(name: str):
    """Yield True when this process may run the job `name` now; on PostgreSQL, a transaction-
    scoped advisory lock held on a connection of its own for the whole job."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    with db.engine.connect() as conn, conn.begin() as transaction:
        acquired = conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                {"key": _lock_key(name)}).scalar()
        try:
            yield bool(acquired)
        finally:
            transaction.rollback()


def plan_due(now: datetime, project_key: str | None = None) -> list[Due]:
    """Every active (member, project) whose digest period is due at `now` and has no delivery
    row yet, by project key and e-mail.

    Only what is due is read: the scheduler asks every few minutes, and reading every
    membership each time (and its roles) cost ~190 ms with 400 people in 5 projects (issue
    27). Which frequencies are due is decided here from the clock (none: no query at all);
    the database then finds, through indexes, the explicit subscriptions of a due frequency
    (ix_digest_subscription_frequency) and the members whose roles default to the weekly
    digest (ix_membership_role_role), less those whose delivery row for the period exists
    (the unique row per recipient, project and period), in one statement with the roles."""
    settings = SendSettings.from_config(current_app.config)
    periods = {frequency: period for frequency in (Frequency.DAILY, Frequency.WEEKLY)
               if (period := due_period(frequency, now, settings)) is not None}
    if not periods:
        return []
    due_members = union_all(*_due_branches(periods)).subquery()
    query = (
        select(User, Project, due_members.c.membership_id, due_members.c.frequency,
               due_members.c.nonce, MembershipRole.role)
        .select_from(due_members)
        .join(Membership, Membership.id == due_members.c.membership_id)
        .join(User, User.id == Membership.user_id)
        .join(Project, Project.id == Membership.project_id)
        .outerjoin(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(User.is_active.is_(True))
        .order_by(Project.key, User.email, Membership.id)
    )
    if project_key:
        query = query.where(Project.key == project_key)
    planned: dict[int, tuple] = {}
    for user, project, membership_id, frequency, nonce, role in db.session.execute(query):
        entry = planned.setdefault(membership_id, (user, project, Frequency(frequency),
                                                   nonce or "", set()))
        if role is not None:
            entry[4].add(role)
    return [Due(user, project, frozenset(roles), frequency, periods[frequency], nonce)
            for user, project, frequency, nonce, roles in planned.values()]


def _due_branches(periods: dict) -> list:
    """(membership id, frequency, nonce) of the members due for each due frequency."""

    def not_delivered(key: str):
        return ~select(DigestDelivery.id).where(
            DigestDelivery.user_id == Membership.user_id,
            DigestDelivery.project_id == Membership.project_id,
            DigestDelivery.period_key == key).exists()

    branches = [
        select(Membership.id.label("membership_id"), DigestSubscription.frequency,
               DigestSubscription.nonce)
        .select_from(DigestSubscription)
        .join(Membership, and_(Membership.user_id == DigestSubscription.user_id,
                               Membership.project_id == DigestSubscription.project_id))
        .where(DigestSubscription.frequency == frequency, not_delivered(period.key))
        for frequency, period in periods.items()]
    weekly = periods.get(Frequency.WEEKLY)
    if weekly is not None:  # no subscription of their own: their roles' default applies
        subscribed = select(DigestSubscription.id).where(
            DigestSubscription.user_id == Membership.user_id,
            DigestSubscription.project_id == Membership.project_id).exists()
        branches.append(
            select(Membership.id.label("membership_id"),
                   literal(str(Frequency.WEEKLY), String(10)).label("frequency"),
                   literal("", String(32)).label("nonce"))
            .where(Membership.id.in_(select(MembershipRole.membership_id).where(
                MembershipRole.role.in_(sorted(services.WEEKLY_BY_DEFAULT)))),
                ~subscribed, not_delivered(weekly.key)))
    return branches


def create_delivery(due: Due, now: datetime,
                    cache: SectionCache | None = None) -> tuple[int, str] | None:
    """Render the digest and commit its delivery row; its id and state (pending, or skipped
    when there is nothing to say), or None when another sender was first."""
    start = services.period_start_for(due.user.id, due.project.id, due.frequency, now)
    rendered = services.render_digest(due.user, due.project, due.roles, due.frequency, start, now,
                                      cache, nonce=due.nonce)
    has_content = bool(rendered.sections) or current_app.config["DIGEST_SEND_EMPTY"]
    state = DeliveryState.PENDING if has_content else DeliveryState.SKIPPED
    delivery = DigestDelivery(
        user_id=due.user.id, project_id=due.project.id, frequency=due.frequency,
        period_key=due.period.key, period_start=start, period_end=now, state=state,
        next_attempt_at=now, recipient=due.user.email, locale=rendered.locale,
        message_id=services.new_message_id(), subject=rendered.subject[:255],
        body_text=rendered.text, body_html=rendered.html,
        content=[s.to_dict() for s in rendered.sections])
    try:
        with db.session.begin_nested():
            db.session.add(delivery)
    except IntegrityError:
        db.session.commit()
        return None
    delivery_id = delivery.id
    db.session.commit()
    # The id and state as written: reading them now would reload the whole row (both
    # bodies and the sections) after the commit expired it.
    return delivery_id, state


# The steps below work on any model with the delivery columns of DigestDelivery (state,
# attempts, claim, recipient, message_id, bodies …): notification e-mails are sent by the
# same code (`model=`), so "never twice, never silently lost" is written once.

def claimable_ids(now: datetime, project_ids=None, model=DigestDelivery) -> list[int]:
    query = select(model.id).where(
        model.state.in_(CLAIMABLE), model.next_attempt_at <= now,
        or_(model.claimed_until.is_(None), model.claimed_until < now),
    ).order_by(model.id)
    if project_ids is not None:
        query = query.where(model.project_id.in_(project_ids))
    return list(db.session.scalars(query))


def claim(delivery_id: int, claimant: str, now: datetime, model=DigestDelivery) -> bool:
    """Take the row for sending, if nobody else has it; committed at once."""
    until = now + timedelta(seconds=current_app.config["DIGEST_CLAIM_SECONDS"])
    result = db.session.execute(
        update(model)
        .where(model.id == delivery_id, model.state.in_(CLAIMABLE),
               model.next_attempt_at <= now,
               or_(model.claimed_until.is_(None), model.claimed_until < now))
        .values(claimed_by=claimant, claimed_until=until, attempts=model.attempts + 1,
                updated_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def build_email(delivery: DigestDelivery, now: datetime, nonce: str = "") -> EmailMessage:
    """The multipart/alternative message of a stored delivery, with the list headers
    (`nonce`: the recipient's subscription's, for the unsubscribe link)."""
    message = EmailMessage()
    message["Subject"] = delivery.subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = Address(display_name=delivery.user.name, addr_spec=delivery.recipient)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = delivery.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = delivery.locale
    message["List-Unsubscribe"] = (
        f"<{services.unsubscribe_url(delivery.user_id, delivery.project_id, nonce)}>")
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(delivery.body_text)
    message.add_alternative(delivery.body_html, subtype="html")
    return message


def _subscription_nonce(delivery: DigestDelivery) -> str | None:
    """The nonce of the recipient's subscription ("" while the role's default applies), or
    None when they are no longer an active member of the project."""
    if not delivery.user.is_active:
        return None
    row = db.session.execute(
        select(Membership.id, DigestSubscription.nonce)
        .outerjoin(DigestSubscription,
                   and_(DigestSubscription.user_id == Membership.user_id,
                        DigestSubscription.project_id == Membership.project_id))
        .where(Membership.user_id == delivery.user_id,
               Membership.project_id == delivery.project_id)).first()
    return None if row is None else (row.nonce or "")


def _finish(delivery_id: int, claimant: str, model=DigestDelivery, **values) -> None:
    # Only the claimant writes the outcome: if its claim expired and another sender took
    # the row over, this write changes nothing. A row that mark_abandoned made uncertain
    # keeps its claimant, so a sender that was only slow still records what happened.
    db.session.execute(
        update(model)
        .where(model.id == delivery_id, model.claimed_by == claimant)
        .values(claimed_by=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False))
    db.session.commit()
    if "state" in values:
        delivery_finished(model.__tablename__, values["state"])


class ClaimLost(Exception):
    """Another sender took the row over (this one's claim had expired): send nothing."""


def _mark_sending(delivery_id: int, claimant: str, now: datetime, model=DigestDelivery) -> None:
    """Step 4: from here on a crash leaves a row the next run knows may have been sent."""
    result = db.session.execute(
        update(model)
        .where(model.id == delivery_id, model.claimed_by == claimant,
               model.state.in_(CLAIMABLE))
        .values(state=DeliveryState.SENDING, updated_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    if result.rowcount != 1:
        raise ClaimLost(delivery_id)


def deliver(delivery_id: int, claimant: str, now: datetime) -> str | None:
    """Send one claimed delivery and record the outcome; returns the new state (None when
    another sender took the row over meanwhile)."""
    # Fresh from the database with its recipient, but without the stored sections (only the
    # browser archive reads those).
    delivery = db.session.get(DigestDelivery, delivery_id, populate_existing=True,
                              options=[defer(DigestDelivery.content),
                                       joinedload(DigestDelivery.user)])
    nonce = _subscription_nonce(delivery)
    if nonce is None:
        _finish(delivery_id, claimant, state=DeliveryState.SKIPPED, updated_at=now,
                last_error="The recipient is no longer a member of the project.")
        return DeliveryState.SKIPPED
    return deliver_row(delivery, claimant, now, lambda: build_email(delivery, now, nonce))


def deliver_row(delivery, claimant: str, now: datetime, build) -> str | None:
    """Send a claimed row of any delivery model (`build()` makes its message) and record the
    outcome; the new state, or None when another sender took the row over meanwhile."""
    model = type(delivery)
    delivery_id = delivery.id
    handed_over = False

    def before_data():
        nonlocal handed_over
        _mark_sending(delivery_id, claimant, now, model)
        handed_over = True

    try:
        message = build()
        db.session.commit()  # no transaction stays open while we talk to the mail server
        send_message(message, before_data=before_data)
    except ClaimLost:
        log.warning("digest %s: another sender took it over; this one sent nothing", delivery_id)
        return None
    except DeliveryUncertain as exc:
        return _record_uncertain(delivery, claimant, str(exc), now)
    except MailError as exc:
        return _record_failure(delivery, claimant, exc, now)
    except SQLAlchemyError:
        # The row stays as last committed: claimed and pending (nothing went out: sent when
        # the claim expires) or sending (marked uncertain when it expires).
        db.session.rollback()
        raise
    except Exception as exc:  # a bug must not leave the row claimed and silent
        db.session.rollback()
        log.exception("digest %s: unexpected error while sending", delivery_id)
        reason = f"{type(exc).__name__}: {exc}"
        if handed_over:
            return _record_uncertain(delivery, claimant, reason, now)
        return _record_failure(delivery, claimant, MailError(reason, temporary=False), now)
    _finish(delivery_id, claimant, model=model, state=DeliveryState.SENT, sent_at=now,
            updated_at=now)
    return DeliveryState.SENT


def _record_uncertain(delivery: DigestDelivery, claimant: str, reason: str,
                      now: datetime) -> str:
    log.error("digest %s to %s: outcome unknown, not sent again automatically: %s",
              delivery.id, delivery.recipient, reason)
    _finish(delivery.id, claimant, model=type(delivery), state=DeliveryState.UNCERTAIN,
            last_error=reason[:2000],
            updated_at=now)
    return DeliveryState.UNCERTAIN


def _record_failure(delivery: DigestDelivery, claimant: str, exc: MailError, now: datetime) -> str:
    give_up = not exc.temporary or delivery.attempts >= current_app.config["DIGEST_MAX_ATTEMPTS"]
    state = DeliveryState.FAILED if give_up else DeliveryState.RETRYING
    next_attempt = now if give_up else now + services.retry_delay(delivery.attempts)
    (log.error if give_up else log.warning)(
        "digest %s to %s: attempt %s %s: %s", delivery.id, delivery.recipient,
        delivery.attempts, "failed" if give_up else "will be retried", exc)
    _finish(delivery.id, claimant, model=type(delivery), state=state, last_error=str(exc)[:2000],
            next_attempt_at=next_attempt, updated_at=now)
    return state


ABANDONED = ("Its sender stopped after handing the message to the mail server, before "
             "recording the outcome; it may have been delivered.")


def mark_abandoned(now: datetime, model=DigestDelivery) -> int:
    """Rows left "sending" whose claim has expired become uncertain (never sent again by
    themselves); how many."""
    result = db.session.execute(
        update(model)
        .where(model.state == DeliveryState.SENDING,
               model.claimed_until < now)
        .values(state=DeliveryState.UNCERTAIN, last_error=ABANDONED, updated_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    if result.rowcount:
        log.error("%s digest(s) may have been delivered without a record; see /admin/digests",
                  result.rowcount)
    return result.rowcount


def send_claimable(now: datetime, project_ids=None, report: SendReport | None = None) -> SendReport:
    """Claim and send every pending or retry-due delivery."""
    report = report or SendReport()
    report.uncertain += mark_abandoned(now)
    claimant = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:64]
    for delivery_id in claimable_ids(now, project_ids):
        if claim(delivery_id, claimant, now):
            state = deliver(delivery_id, claimant, now)
            if state is not None:
                report.add(state)
    return report


def send_due(now: datetime | None = None, project_key: str | None = None,
             dry_run: bool = False) -> SendReport:
    """The scheduler's job (and `flask digests send`): create and send what is due now."""
    now = now or utcnow()
    with job_lock("samspil.digests.send_due") as acquired:
        if not acquired:
            return SendReport(locked_out=True)
        due = plan_due(now, project_key)
        if dry_run:
            return _dry_run(due, now)
        report = SendReport()
        cache = SectionCache()  # shared sections: built once per project and period
        for item in due:
            created = create_delivery(item, now, cache)
            if created is not None:
                report.created += 1
                report.created_ids.add(created[0])
                if created[1] == DeliveryState.SKIPPED:
                    report.skipped += 1
        project_ids = None
        if project_key:
            project_ids = list(db.session.scalars(select(Project.id)
                                                  .where(Project.key == project_key)))
        return send_claimable(now, project_ids, report)


def _dry_run(due: list[Due], now: datetime) -> SendReport:
    report = SendReport()
    cache = SectionCache()
    for item in due:
        start = services.period_start_for(item.user.id, item.project.id, item.frequency, now)
        rendered = services.render_digest(item.user, item.project, item.roles, item.frequency,
                                          start, now, cache, nonce=item.nonce)
        if rendered.sections or current_app.config["DIGEST_SEND_EMPTY"]:
            report.planned.append((item.user.email, item.project.key, rendered.subject))
        else:
            report.skipped += 1
    db.session.rollback()
    return report


def send_retries(now: datetime | None = None) -> SendReport:
    """The scheduler's retry job: deliveries whose next attempt has come."""
    now = now or utcnow()
    with job_lock("samspil.digests.retry") as acquired:
        if not acquired:
            return SendReport(locked_out=True)
        return send_claimable(now)
