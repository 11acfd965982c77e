"""Read-side of the rounds: the list, one round, and its results."""
from dataclasses import dataclass, field
from decimal import Decimal

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.discovery.queries import participating_municipalities
from app.extensions import db
from app.rounds import costs, evaluation
from app.rounds.models import Ballot, Round, RoundState


def rounds_of(project) -> list[Round]:
    """The project's rounds, open ones first, newest first."""
    return list(db.session.scalars(
        select(Round).where(Round.project_id == project.id)
        .order_by((Round.state == RoundState.OPEN).desc(), Round.number.desc())))


def get_round_or_404(project, number: int) -> Round:
    rnd = db.session.scalar(select(Round).where(Round.project_id == project.id,
                                                Round.number == number))
    if rnd is None:
        abort(404)
    return rnd


def ballots_of(rnd: Round) -> list[Ballot]:
    return list(db.session.scalars(
        select(Ballot).where(Ballot.round_id == rnd.id)
        .options(selectinload(Ballot.points), selectinload(Ballot.organisation))
        .order_by(Ballot.created_at)))


@dataclass
class ResultRow:
    need: object
    points: int
    evaluation: float | None
    cost: Decimal | None
    hours: int | None
    by_municipality: dict = field(default_factory=dict)
    cumulative: Decimal | None = None
    cumulative_hours: int | None = None
    within_budget: bool = True
    order: object = None


@dataclass
class Results:
    rows: list[ResultRow]
    ballots: list[Ballot]
    municipalities: list  # participating municipalities, by name
    voted_ids: set
    total_cost: Decimal

    @property
    def waiting_municipalities(self) -> list:
        return [m for m in self.municipalities if m.id not in self.voted_ids]


def results(rnd: Round) -> Results:
    """The round's needs ranked by points (ties: evaluation total, then number), each with the
    municipalities' points, its evaluation total, the vendor's estimate and the running cost
    against the round's budget."""
    ballots = ballots_of(rnd)
    need_ids = [n.id for n in rnd.needs]
    totals = evaluation.totals_for(rnd.project, need_ids)
    estimates = costs.estimates(need_ids)
    orders = {o.need_id: o for o in rnd.orders}
    rows = []
    for need in rnd.needs:
        by_org = {b.organisation_id: p.points for b in ballots for p in b.points
                  if p.need_id == need.id}
        estimate = estimates.get(need.id) or {}
        rows.append(ResultRow(need=need, points=sum(by_org.values()),
                              evaluation=totals.get(need.id), cost=estimate.get("cost"),
                              hours=estimate.get("hours"), by_municipality=by_org,
                              order=orders.get(need.id)))
    rows.sort(key=lambda r: (-r.points, -(r.evaluation or 0), r.need.number))
    running, hours = Decimal("0.00"), 0
    for row in rows:
        running += row.cost or 0
        hours += row.hours or 0
        row.cumulative, row.cumulative_hours = running, hours
        row.within_budget = ((rnd.budget_amount is None or running <= rnd.budget_amount)
                             and (rnd.budget_hours is None or hours <= rnd.budget_hours))
    municipalities = participating_municipalities(rnd.project)
    return Results(rows=rows, ballots=ballots, municipalities=municipalities,
                   voted_ids={b.organisation_id for b in ballots}, total_cost=running)
