"""The digests' part of the benchmark: next Monday's weekly digests, rendered (a dry run) and
really sent, through `send_due`, to an SMTP server (aiosmtpd, as in tests/digests).

The target (issue #8) is 400 digests in at most 30 s. By their roles' defaults fewer members
are due (steering and product owners: 270 in the full data set), so the send measurement
subscribes further members to the weekly digest, in plan order (project key, e-mail), until
400 are due. Sending is idempotent per recipient and period, so the run is made repeatable by
removing what it added afterwards: the digest rows of that Monday's period and those
subscriptions. The work measured is the real work: every digest is rendered, written,
claimed, handed to the SMTP server and marked sent.
"""
import logging
import socket
import time
from datetime import datetime, timedelta

from aiosmtpd.controller import Controller
from flask import current_app
from sqlalchemy import delete, select

from app.accounts.models import User
from app.database import StatementCounter
from app.digests.delivery import plan_due, send_due
from app.digests.models import DigestDelivery, DigestSubscription, Frequency
from app.digests.schedule import TZ, SendSettings, due_period
from app.extensions import db
from app.projects.models import Membership, Project

SEND_COUNT = 400
SEND_TARGET_SECONDS = 30.0


def next_monday_morning() -> datetime:
    """Next Monday 07:05 in Copenhagen: the weekly digests are due, and the data set (seeded
    within the week before) is what they report."""
    today = datetime.now(TZ).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return datetime(monday.year, monday.month, monday.day, 7, 5, tzinfo=TZ)


def render_all_digests(app) -> dict:
    """Every weekly digest due next Monday, rendered (a dry run: nothing written or sent);
    reported per digest."""
    with app.app_context(), StatementCounter(db.engine) as counter:
        started = time.perf_counter()
        report = send_due(now=next_monday_morning(), dry_run=True)
        elapsed = time.perf_counter() - started
    count = max(1, len(report.planned) + report.skipped)
    return {"ms": round(1000 * elapsed / count, 1), "statements": round(counter.count / count),
            "digests": count, "seconds": round(elapsed, 2)}


class CountingHandler:
    """An aiosmtpd handler that accepts every message and counts what it received."""

    def __init__(self):
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 Message accepted for delivery"


def _period_key(now: datetime) -> str:
    return due_period(Frequency.WEEKLY, now, SendSettings.from_config(current_app.config)).key


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _subscribe_until(now: datetime, count: int) -> list[int]:
    """Weekly subscriptions for members whose digest is off, until `count` digests are due;
    the ids of the rows added (to remove them afterwards)."""
    due = {(d.user.id, d.project.id) for d in plan_due(now)}
    missing = count - len(due)
    if missing <= 0:
        return []
    subscribed = select(DigestSubscription.id).where(
        DigestSubscription.user_id == Membership.user_id,
        DigestSubscription.project_id == Membership.project_id).exists()
    members = db.session.execute(
        select(Membership.user_id, Membership.project_id).join(Membership.project)
        .join(Membership.user).where(~subscribed, User.is_active.is_(True))
        .order_by(Project.key, User.email)).all()
    rows = [DigestSubscription(user_id=user_id, project_id=project_id,
                               frequency=Frequency.WEEKLY)
            for user_id, project_id in members if (user_id, project_id) not in due][:missing]
    db.session.add_all(rows)
    db.session.commit()
    return [row.id for row in rows]


def _clean_up(period_key: str, subscription_ids: list[int]) -> None:
    db.session.rollback()
    db.session.execute(delete(DigestDelivery).where(DigestDelivery.period_key == period_key))
    if subscription_ids:
        db.session.execute(delete(DigestSubscription)
                           .where(DigestSubscription.id.in_(subscription_ids)))
    db.session.commit()


def send_digests(app) -> dict:
    """Next Monday's weekly digests (at least 400) sent for real to a local SMTP server."""
    now = next_monday_morning()
    # The SMTP server's own chatter (a line per SMTP command) is not the app's work.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    with app.app_context():
        key = _period_key(now)
        _clean_up(key, [])  # what an interrupted earlier run may have left
        added = _subscribe_until(now, SEND_COUNT)
        saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
                                             "MAIL_USE_SSL", "MAIL_USERNAME")}
        try:
            due = len(plan_due(now))
            controller.start()
            try:
                app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                                  MAIL_USE_TLS=False, MAIL_USE_SSL=False, MAIL_USERNAME="")
                db.session.remove()
                with StatementCounter(db.engine) as counter:
                    started = time.perf_counter()
                    report = send_due(now=now)
                    elapsed = time.perf_counter() - started
            finally:
                controller.stop()
        finally:
            app.config.update(saved)
            _clean_up(key, added)
    sent = max(1, report.sent)
    return {"ms": round(1000 * elapsed / sent, 1), "statements": round(counter.count / sent),
            "seconds": round(elapsed, 2), "due": due, "subscribed_for_bench": len(added),
            "sent": report.sent, "failed": report.failed + report.retrying,
            "skipped": report.skipped, "messages_received": handler.messages,
            "target": f"≤ {SEND_TARGET_SECONDS:g} s for {SEND_COUNT}",
            "met": "yes" if (report.sent >= SEND_COUNT and handler.messages == report.sent
                             and elapsed <= SEND_TARGET_SECONDS) else "**no**"}


BATCH = {
    "One weekly digest, rendered (mean over all due; dry run)": render_all_digests,
    f"Send {SEND_COUNT} weekly digests to a local SMTP server (per digest)": send_digests,
}
