"""Read-side queries of benefit realisation: the steering group's report, a municipality's
follow-ups, one follow-up."""
from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.discovery.models import Need, NeedCoSponsor, NeedStatus
from app.extensions import db
from app.organisations.models import Organisation
from app.value.models import FollowUp

MAX_REPORT = 500


@dataclass
class MunicipalityRow:
    """One municipality behind a delivered need, and its follow-ups by month count."""

    organisation: Organisation
    is_submitter: bool
    follow_ups: dict[int, FollowUp] = field(default_factory=dict)


@dataclass
class ReportNeed:
    need: Need
    rows: list[MunicipalityRow]


@dataclass
class Report:
    needs: list[ReportNeed]
    months: list[int]


def get_follow_up_or_404(project, follow_up_id: int) -> FollowUp:
    """Follow-up <id> if it belongs to the project (already checked visible); 404 otherwise."""
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None or follow_up.project_id != project.id:
        abort(404)
    return follow_up


def report(project) -> Report:
    """Every delivered (live) need, newest delivery first, with each of its municipalities'
    follow-ups: what was expected beside what was realised."""
    needs = list(db.session.scalars(
        select(Need).where(Need.project_id == project.id, Need.status == NeedStatus.DELIVERED,
                           Need.archived_at.is_(None))
        .options(selectinload(Need.organisation),
                 selectinload(Need.cosponsors).selectinload(NeedCoSponsor.organisation))
        .order_by(Need.delivered_at.desc(), Need.number.desc()).limit(MAX_REPORT)))
    follow_ups = db.session.scalars(
        select(FollowUp).where(FollowUp.need_id.in_([n.id for n in needs]))
        .options(selectinload(FollowUp.organisation))) if needs else []
    by_need: dict[int, dict[int, dict[int, FollowUp]]] = {}
    months: set[int] = set()
    for f in follow_ups:
        by_need.setdefault(f.need_id, {}).setdefault(f.organisation_id, {})[f.months] = f
        months.add(f.months)
    out = []
    for need in needs:
        orgs = [need.organisation, *(c.organisation for c in need.cosponsors)]
        found = by_need.get(need.id, {})
        # A former co-sponsor that answered stays in the report.
        orgs += [f.organisation for ups in found.values() for f in ups.values()
                 if f.organisation not in orgs]
        rows = [MunicipalityRow(org, org.id == need.organisation_id, found.get(org.id, {}))
                for org in dict.fromkeys(orgs)]
        out.append(ReportNeed(need, rows))
    return Report(out, sorted(months))


def waiting_follow_ups(organisation_id: int, today: date, project_ids=None) -> list[FollowUp]:
    """The municipality's unanswered follow-ups that are due, of needs still delivered."""
    stmt = (select(FollowUp).join(Need, Need.id == FollowUp.need_id)
            .where(FollowUp.organisation_id == organisation_id, FollowUp.due_on <= today,
                   FollowUp.answered_at.is_(None), Need.status == NeedStatus.DELIVERED,
                   Need.archived_at.is_(None))
            .options(selectinload(FollowUp.need), selectinload(FollowUp.project))
            .order_by(FollowUp.due_on, FollowUp.id))
    if project_ids is not None:
        stmt = stmt.where(FollowUp.project_id.in_(list(project_ids)))
    return list(db.session.scalars(stmt))


def upcoming_follow_ups(organisation_id: int, today: date, project_ids, limit: int = 10):
    """The municipality's next follow-ups, not yet due."""
    return list(db.session.scalars(
        select(FollowUp).join(Need, Need.id == FollowUp.need_id)
        .where(FollowUp.organisation_id == organisation_id, FollowUp.due_on > today,
               FollowUp.project_id.in_(list(project_ids)), Need.status == NeedStatus.DELIVERED,
               Need.archived_at.is_(None))
        .options(selectinload(FollowUp.need), selectinload(FollowUp.project))
        .order_by(FollowUp.due_on, FollowUp.id).limit(limit)))
