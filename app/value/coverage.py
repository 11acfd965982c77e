"""Needs coverage (behovsdækning): how many of a municipality's needs ended delivered.

Definitions, shown on the pages too:
- a municipality's needs are those it submitted and those it co-sponsors (live needs only:
  archived ones are left out);
- outcomes: delivered; planned; in discovery (in discovery or ready); declined or parked;
  waiting (submitted, not yet taken up);
- decided = delivered + planned + declined/parked: the needs on which the community has made
  up its mind; coverage rate = delivered ÷ decided (none while nothing is decided);
- the median time to delivery counts calendar days from submission to delivery;
- the trend counts, per quarter (Copenhagen time), the needs submitted and delivered.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.clock import local_date
from app.discovery.models import Need, NeedCoSponsor, NeedStatus
from app.extensions import db

S = NeedStatus
OUTCOMES = {
    "delivered": (S.DELIVERED,),
    "planned": (S.PLANNED,),
    "in_discovery": (S.IN_DISCOVERY, S.READY),
    "declined": (S.DECLINED, S.PARKED),
    "waiting": (S.SUBMITTED,),
}
OUTCOME_OF = {status: outcome for outcome, statuses in OUTCOMES.items() for status in statuses}
OUTCOME_LABELS = {
    "delivered": _l("Delivered"),
    "planned": _l("Planned"),
    "in_discovery": _l("In discovery"),
    "declined": _l("Declined or parked"),
    "waiting": _l("Waiting"),
}
DECIDED = ("delivered", "planned", "declined")
QUARTERS = 4


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int
    submitted: int = 0
    delivered: int = 0

    @property
    def label(self) -> str:
        return _("Q%(number)d %(year)d", number=self.number, year=self.year)


@dataclass
class Coverage:
    """The figures of one municipality (or a whole project): needs by outcome, submitted and
    co-sponsored apart, and what follows from them."""

    submitted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    cosponsored: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    delivery_days: list[int] = field(default_factory=list)
    trend: list[Quarter] = field(default_factory=list)

    def total(self, outcome: str) -> int:
        return self.submitted[outcome] + self.cosponsored[outcome]

    @property
    def needs(self) -> int:
        return sum(self.total(o) for o in OUTCOMES)

    @property
    def decided(self) -> int:
        return sum(self.total(o) for o in DECIDED)

    @property
    def delivered(self) -> int:
        return self.total("delivered")

    @property
    def rate(self) -> float | None:
        """Delivered ÷ decided, 0–1; None while nothing is decided."""
        return self.delivered / self.decided if self.decided else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)

    @property
    def median_days(self) -> float | None:
        return median(self.delivery_days) if self.delivery_days else None


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def last_quarters(today: date, count: int = QUARTERS) -> list[tuple[int, int]]:
    """The `count` quarters ending with today's, oldest first."""
    year, number = quarter_of(today)
    quarters = []
    for _step in range(count):
        quarters.append((year, number))
        year, number = (year, number - 1) if number > 1 else (year - 1, 4)
    return quarters[::-1]


def _fact(status, created_at: datetime, delivered_at: datetime | None):
    """What one need adds to a tally: (outcome, quarter submitted, quarter delivered, days to
    delivery), the last two None unless delivered; None for a status no outcome counts."""
    outcome = OUTCOME_OF.get(status)
    if outcome is None:
        return None
    submitted_on = local_date(created_at)
    if status == S.DELIVERED and delivered_at is not None:
        delivered_on = local_date(delivered_at)
        return (outcome, quarter_of(submitted_on), quarter_of(delivered_on),
                (delivered_on - submitted_on).days)
    return outcome, quarter_of(submitted_on), None, None


def _tally(facts, today: date) -> Coverage:
    """Coverage from (role, fact) pairs, one per need and role (`_fact`)."""
    coverage = Coverage()
    quarters = {q: [0, 0] for q in last_quarters(today)}
    for role, fact in facts:
        if fact is None:
            continue
        outcome, submitted_in, delivered_in, days = fact
        (coverage.submitted if role == "submitted" else coverage.cosponsored)[outcome] += 1
        if submitted_in in quarters:
            quarters[submitted_in][0] += 1
        if days is not None:
            coverage.delivery_days.append(days)
            if delivered_in in quarters:
                quarters[delivered_in][1] += 1
    coverage.trend = [Quarter(y, n, *counts) for (y, n), counts in quarters.items()]
    return coverage


def _live_needs(project) -> list[tuple[int, int | None, tuple | None]]:
    """(need id, submitting organisation, fact) of each of the project's live needs."""
    return [(need_id, org_id, _fact(status, created_at, delivered_at))
            for need_id, org_id, status, created_at, delivered_at in db.session.execute(
                select(Need.id, Need.organisation_id, Need.status, Need.created_at,
                       Need.delivered_at)
                .where(Need.project_id == project.id, Need.archived_at.is_(None)))]


def municipality_coverage(project, organisation_id: int, today: date) -> Coverage:
    """The coverage of one municipality's needs in the project."""
    return _coverages(project, _live_needs(project), [organisation_id], today)[organisation_id]


def project_coverage(project, today: date) -> Coverage:
    """The project's needs summed: each need once, as its submitter's."""
    return _summed(_live_needs(project), today)


def coverage_report(project, organisations, today: date) -> tuple[Coverage, list]:
    """The project's coverage summed, and (municipality, coverage) for each of `organisations`
    in the given order: what the value page and the steering digest show, from one reading of
    the needs and one of the co-sponsorships, whatever the number of municipalities."""
    needs = _live_needs(project)
    found = _coverages(project, needs, [org.id for org in organisations], today)
    return _summed(needs, today), [(org, found[org.id]) for org in organisations]


def _summed(needs, today: date) -> Coverage:
    return _tally((("submitted", fact) for _need_id, _org_id, fact in needs), today)


def _coverages(project, needs, organisation_ids: list[int], today: date) -> dict[int, Coverage]:
    """Each municipality's coverage (the needs it submitted and co-sponsored), by id, from the
    project's live needs (`_live_needs`). Each need's facts are made once and the
    co-sponsorships read as pairs of ids (a need co-sponsored by forty municipalities was read,
    and its days counted, forty times: the steering digest spent most of its CPU on that)."""
    if not organisation_ids:
        return {}
    facts, pairs_of = {}, {org_id: [] for org_id in organisation_ids}
    for need_id, org_id, fact in needs:
        facts[need_id] = fact
        if org_id in pairs_of:
            pairs_of[org_id].append(("submitted", fact))
    for org_id, need_id in db.session.execute(
            select(NeedCoSponsor.organisation_id, NeedCoSponsor.need_id)
            .join(Need, Need.id == NeedCoSponsor.need_id)
            .where(Need.project_id == project.id, Need.archived_at.is_(None),
                   NeedCoSponsor.organisation_id.in_(organisation_ids))):
        if need_id in facts:  # not a need submitted between the two statements
            pairs_of[org_id].append(("cosponsored", facts[need_id]))
    return {org_id: _tally(pairs, today) for org_id, pairs in pairs_of.items()}
