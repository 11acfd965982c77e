"""Why `flask digests send` sent what it sent: per project and frequency, who receives the
digest, whether a period is due now, and what became of that period's digests — written by
this run or earlier — so that "0 sent" comes with its reason."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager

from app.accounts.models import User
from app.digests import services
from app.digests.models import DeliveryState, DigestDelivery, DigestSubscription, Frequency
from app.digests.schedule import TZ, DuePeriod, SendSettings, due_period, next_send_at
from app.extensions import db
from app.projects.models import Membership, Project

SENT_FREQUENCIES = (Frequency.WEEKLY, Frequency.DAILY)


@dataclass
class FrequencyStatus:
    frequency: Frequency
    subscribers: int
    period: DuePeriod | None  # the period due now, if any
    next_at: datetime | None  # the next send moment after now
    this_run: Counter = field(default_factory=Counter)  # the period's digests by state
    earlier: Counter = field(default_factory=Counter)
    last_sent_at: datetime | None = None  # of the digests written earlier

    @property
    def not_written(self) -> int:
        """Subscribers whose digest for the due period has no row yet (a dry run's)."""
        return max(0, self.subscribers - sum(self.this_run.values())
                   - sum(self.earlier.values()))


@dataclass
class ProjectStatus:
    key: str
    name: str
    members: int = 0
    frequencies: dict[Frequency, FrequencyStatus] = field(default_factory=dict)


def project_statuses(now: datetime, project_key: str | None = None,
                     this_run: set[int] = frozenset()) -> list[ProjectStatus]:
    """Each project's digest situation at `now`; `this_run` holds the ids of the delivery rows
    the run just wrote."""
    settings = SendSettings.from_config(current_app.config)
    projects = select(Project).order_by(Project.key)
    if project_key:
        projects = projects.where(Project.key == project_key)
    statuses = {p.id: ProjectStatus(p.key, p.name) for p in db.session.scalars(projects)}
    for project_id, frequency in _member_frequencies(statuses.keys()):
        status = statuses[project_id]
        status.members += 1
        if frequency == Frequency.OFF:
            continue
        if frequency not in status.frequencies:
            status.frequencies[frequency] = FrequencyStatus(
                frequency, 0, due_period(frequency, now, settings),
                next_send_at(frequency, now, settings))
        status.frequencies[frequency].subscribers += 1
    _count_deliveries(statuses, this_run)
    return list(statuses.values())


def _member_frequencies(project_ids) -> list[tuple[int, Frequency]]:
    """(project id, frequency in force) for every active member of those projects."""
    rows = db.session.execute(
        select(Membership, DigestSubscription.frequency)
        .join(Membership.user)
        .outerjoin(DigestSubscription, and_(DigestSubscription.user_id == Membership.user_id,
                                            DigestSubscription.project_id == Membership.project_id))
        .where(User.is_active.is_(True), Membership.project_id.in_(list(project_ids)))
        .options(contains_eager(Membership.user)))
    return [(m.project_id, Frequency(explicit) if explicit
             else services.default_frequency(m.role_names)) for m, explicit in rows]


def _count_deliveries(statuses: dict[int, ProjectStatus], this_run: set[int]) -> None:
    """Count the due periods' delivery rows into their project's and frequency's status."""
    by_period = {(project_id, f.period.key): f for project_id, status in statuses.items()
                 for f in status.frequencies.values() if f.period is not None}
    if not by_period:
        return
    rows = db.session.execute(
        select(DigestDelivery.id, DigestDelivery.project_id, DigestDelivery.period_key,
               DigestDelivery.state, DigestDelivery.sent_at)
        .where(DigestDelivery.project_id.in_({p for p, _k in by_period}),
               DigestDelivery.period_key.in_({k for _p, k in by_period})))
    for row in rows:
        status = by_period.get((row.project_id, row.period_key))
        if status is None:
            continue
        if row.id in this_run:
            status.this_run[row.state] += 1
            continue
        status.earlier[row.state] += 1
        if row.sent_at and (status.last_sent_at is None or row.sent_at > status.last_sent_at):
            status.last_sent_at = row.sent_at


def local_time(moment: datetime) -> str:
    """E.g. "Mon 7 Dec 2026 07:00" in Copenhagen time."""
    local = moment.astimezone(TZ)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def _people(n: int) -> str:
    return f"{n} subscriber" if n == 1 else f"{n} subscribers"


def _outcomes(counts: Counter, send_empty: bool) -> str:
    """E.g. "2 sent, 1 had nothing to say (not sent: DIGEST_SEND_EMPTY is off)"."""
    words = {
        DeliveryState.SENT: "sent",
        DeliveryState.PENDING: "waiting to be sent",
        DeliveryState.SENDING: "being sent",
        DeliveryState.RETRYING: "to be retried after a temporary failure",
        DeliveryState.FAILED: "failed (see /admin/digests)",
        DeliveryState.UNCERTAIN: "may or may not have arrived (see /admin/digests)",
        DeliveryState.SKIPPED: ("not sent: nothing to say, or the recipient left the project"
                                if send_empty else
                                "had nothing to say (not sent: DIGEST_SEND_EMPTY is off)"),
    }
    return ", ".join(f"{counts[state]} {words[state]}" for state in words if counts[state])


def describe(status: ProjectStatus, send_empty: bool) -> list[str]:
    """The project's lines in the command's report, in plain words."""
    lines = [f"{status.key} ({status.name}):"]
    if not status.frequencies:
        why = ("it has no active members" if not status.members
               else "its only member has it off" if status.members == 1
               else f"all {status.members} members have it off")
        lines.append(f"  nothing to send: nobody receives its digest ({why}).")
        return lines
    for frequency in SENT_FREQUENCIES:
        f = status.frequencies.get(frequency)
        if f is None:
            lines.append(f"  {frequency} digest: nobody subscribed.")
            continue
        head = f"  {frequency} digest, {_people(f.subscribers)}"
        after = f" Next: {local_time(f.next_at)}." if f.next_at else ""
        if f.period is None:
            lines.append(f"{head}: not due now.{after}")
            continue
        parts = []
        if f.this_run:
            parts.append(f"this run: {_outcomes(f.this_run, send_empty)}.")
        if f.earlier:
            when = (f" (the last on {local_time(f.last_sent_at)})" if f.last_sent_at else "")
            parts.append(f"already done earlier for this period: "
                         f"{_outcomes(f.earlier, send_empty)}{when}.")
        if f.not_written:
            parts.append(f"{f.not_written} due now and not yet written.")
        lines.append(f"{head}, period {f.period.key}: {' '.join(parts)}{after}")
    return lines
