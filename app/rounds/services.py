"""The rules of prioritisation rounds: opening one, casting ballots, closing it, and ordering
its needs within the budget. Functions flush and never commit.

A ballot is cast once per municipality; the unique (round, municipality) constraint decides
between two colleagues submitting at the same moment, so the second gets a 409 and the first
stands. An order beyond the budget is never made silently: the need goes to the steering
group's "for decision" queue with the amount, and the order waits (state "waiting") until the
secretariat confirms it after the decision.
"""
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.audit.labels import register_actions, register_details
from app.audit.services import record
from app.backlog import services as backlog
from app.clock import local_today
from app.database import utcnow
from app.discovery import services as discovery
from app.discovery import tracing
from app.discovery.models import Need, NeedStatus
from app.extensions import db
from app import i18n
from app.funding import services as funding
from app.i18n import format_day, format_money
from app.rounds import costs
from app.rounds.models import (MAX_NAME, Ballot, BallotPoints, OrderState, Round, RoundOrder,
                               RoundState)
from app.services import RuleViolation, clean_text

register_actions({
    "round.opened": _l("Prioritisation round opened"),
    "round.ballot_cast": _l("Ballot cast in a prioritisation round"),
    "round.closed": _l("Prioritisation round closed"),
    "round.need_ordered": _l("Need ordered from the vendor"),
    "round.order_escalated": _l("Order beyond the budget escalated to the steering group"),
})
register_details({
    "names": _l("Criteria"), "scores": _l("Scores"), "deadline": _l("Deadline"),
    "points_per_municipality": _l("Points per municipality"), "budget": _l("Budget"),
    "budget_hours": _l("Budget in hours"), "points": _l("Points"), "amount": _l("Amount"),
    "remaining": _l("Remaining budget"), "position": _l("Place in the order"),
    "round": _l("Round"), "ballots": _l("Ballots"),
})

MAX_POINTS = 10_000
ORDERABLE = frozenset({NeedStatus.IN_DISCOVERY, NeedStatus.READY})


def _whole(value, field: str, low: int, high: int, message: str, optional=False) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text and optional:
        return None
    try:
        number = int(text)
    except ValueError:
        raise RuleViolation(message, field) from None
    if not low <= number <= high:
        raise RuleViolation(message, field)
    return number


def parse_amount(value, field: str, optional=False) -> Decimal | None:
    """Kroner as the reader typed them ("12.500,50" in Danish); two decimals at most."""
    text = str(value if value is not None else "").strip()
    if not text and optional:
        return None
    try:
        amount = funding.check_amount(value if isinstance(value, Decimal)
                                      else i18n.parse_amount(text), field)
    except ValueError:
        raise RuleViolation(_("Give an amount in kroner, e.g. 12.500,00."), field) from None
    return amount


def _check_needs(project, needs) -> list[Need]:
    for need in needs:
        if need.project_id != project.id:
            raise RuleViolation(_("Only needs of %(key)s can be in the round.", key=project.key),
                                "needs")
        if need.status not in ORDERABLE or need.archived_at is not None:
            raise RuleViolation(_("Need #%(n)d is %(status)s and cannot be in a round.",
                                  n=need.number, status=str(
                                      discovery.STATUS_LABELS[need.status]).lower()), "needs")
    return list(dict.fromkeys(needs))


def ready_needs(project) -> list[Need]:
    return list(db.session.scalars(select(Need).where(
        Need.project_id == project.id, Need.status == NeedStatus.READY,
        Need.archived_at.is_(None)).order_by(Need.number)))


def open_round(project, actor, *, name: str, deadline: date | None, needs=None,
               points_per_municipality=100, budget_amount=None, budget_hours=None,
               at=None) -> Round:
    """Open a round on the chosen needs (None: every ready need of the project); `at` dates
    it (demo data), else now."""
    at = at or utcnow()
    today = local_today(at)
    name = " ".join(clean_text(name).split())
    if not name:
        raise RuleViolation(_("Give the round a name."), "name")
    if len(name) > MAX_NAME:
        raise RuleViolation(_("At most %(n)d characters (this is %(len)d).", n=MAX_NAME,
                              len=len(name)), "name")
    if deadline is None:
        raise RuleViolation(_("Give the last day of voting."), "deadline")
    if deadline < today:
        raise RuleViolation(_("The deadline cannot be in the past."), "deadline")
    if (deadline - today).days > 366:
        raise RuleViolation(_("The deadline must be within a year."), "deadline")
    points = _whole(points_per_municipality, "points_per_municipality", 1, MAX_POINTS,
                    _("Points per municipality: a whole number from 1 to %(n)d.", n=MAX_POINTS))
    amount = parse_amount(budget_amount, "budget_amount", optional=True)
    hours = _whole(budget_hours, "budget_hours", 0, 10_000_000,
                   _("Give the hours as a whole number."), optional=True)
    chosen = _check_needs(project, ready_needs(project) if needs is None else needs)
    if not chosen:
        raise RuleViolation(_("Choose the needs of the round; no need is ready."), "needs")
    number = 1 + (db.session.scalar(select(func.max(Round.number))
                                    .where(Round.project_id == project.id)) or 0)
    rnd = Round(project=project, number=number, name=name, deadline=deadline,
                points_per_municipality=points, budget_amount=amount, budget_hours=hours,
                opened_by_id=getattr(actor, "id", None), needs=chosen, created_at=at)
    db.session.add(rnd)
    db.session.flush()
    record("round.opened", project=project, target=rnd, target_label=rnd.label, actor=actor,
           at=at, deadline=format_day(deadline), points_per_municipality=points,
           budget=str(amount) if amount is not None else None, budget_hours=hours,
           needs=[n.number for n in chosen])
    db.session.flush()
    return rnd


def voting_closed_reason(rnd: Round, at=None) -> str | None:
    """Why no ballot can be cast now (or at `at`), if none can."""
    if not rnd.is_open:
        return _("The round is closed.")
    if local_today(at) > rnd.deadline:
        return _("The deadline (%(day)s) has passed.", day=format_day(rnd.deadline))
    return None


def ballot_of(rnd: Round, organisation_id: int) -> Ballot | None:
    return db.session.scalar(select(Ballot).where(Ballot.round_id == rnd.id,
                                                  Ballot.organisation_id == organisation_id))


def _already_voted(org) -> RuleViolation:
    return RuleViolation(_("%(org)s has already cast its ballot in this round.", org=org.name),
                         status=409)


def cast_ballot(rnd: Round, actor, points: dict, at=None) -> Ballot:
    """Cast the actor's municipality's ballot: `points` by need id (whole numbers ≥ 0, at most
    the round's points in all, only the round's needs). The caller has checked that the actor
    is a product owner of a participating municipality."""
    at = at or utcnow()
    reason = voting_closed_reason(rnd, at)
    if reason:
        raise RuleViolation(reason, status=409)
    org = actor.organisation
    if ballot_of(rnd, org.id) is not None:
        raise _already_voted(org)
    eligible = {need.id: need for need in rnd.needs}
    cleaned = {}
    for need_id, value in points.items():
        if need_id not in eligible:
            raise RuleViolation(not_in_round_message(), "points")
        cleaned[need_id] = _whole(value or 0, f"points-{eligible[need_id].number}", 0,
                                  rnd.points_per_municipality,
                                  _("Give whole points from 0 to %(n)d.",
                                    n=rnd.points_per_municipality))
    total = sum(cleaned.values())
    if total > rnd.points_per_municipality:
        raise RuleViolation(_("You gave %(total)d points; %(org)s has %(n)d to give.",
                              total=total, org=org.name, n=rnd.points_per_municipality),
                            "points")
    if total == 0:
        raise RuleViolation(_("Give points to at least one need."), "points")
    ballot = Ballot(round_id=rnd.id, organisation_id=org.id, cast_by_id=actor.id,
                    created_at=at,
                    points=[BallotPoints(need_id=k, points=v) for k, v in cleaned.items() if v])
    try:
        with db.session.begin_nested():
            db.session.add(ballot)
            db.session.flush()
    except IntegrityError:
        raise _already_voted(org) from None
    record("round.ballot_cast", project=rnd.project, target=rnd, target_label=rnd.label,
           actor=actor, at=at, organisation=org.name,
           points=", ".join(f"#{eligible[k].number}: {v}" for k, v in cleaned.items() if v))
    db.session.flush()
    return ballot


def close_round(rnd: Round, actor, at=None) -> None:
    """Freeze the round: no more ballots; its results stand and its needs can be ordered."""
    if not rnd.is_open:
        raise RuleViolation(_("The round is already closed."), status=409)
    rnd.state, rnd.closed_at, rnd.closed_by_id = RoundState.CLOSED, at or utcnow(), actor.id
    db.session.flush()
    record("round.closed", project=rnd.project, target=rnd, target_label=rnd.label,
           actor=actor, at=at, ballots=len(rnd.ballots))
    db.session.flush()


def ordered_amount(rnd: Round) -> Decimal:
    """What the round has ordered so far (waiting orders not counted)."""
    return sum((o.amount for o in rnd.orders if o.state == OrderState.ORDERED), Decimal("0.00"))


def room(rnd: Round, year: int) -> Decimal | None:
    """What may still be ordered: the stricter of the year's remaining budget and the round's
    own budget less what it has ordered; None when neither is set."""
    limits = [costs.remaining_budget(rnd.project, year)]
    if rnd.budget_amount is not None:
        limits.append(rnd.budget_amount - ordered_amount(rnd))
    limits = [x for x in limits if x is not None]
    return min(limits) if limits else None


def _order_amount(need: Need, amount) -> Decimal:
    given = parse_amount(amount, "amount", optional=True)
    if given is not None:
        return given
    estimate = costs.estimates([need.id]).get(need.id)
    if estimate is None or estimate["cost"] is None:
        raise RuleViolation(_("Need #%(n)d has no estimate in kroner; give the amount.",
                              n=need.number), "amount")
    return estimate["cost"]


def order_need(rnd: Round, need: Need, actor, amount=None) -> RoundOrder:
    """Mark a ready need of the closed round as ordered, next in the round's order: its backlog
    item is created (serving the need) just after the round's previous order, the need becomes
    planned, and funding records the order. Beyond the budget, the need is escalated with the
    amount and the order waits."""
    if rnd.is_open:
        raise RuleViolation(_("Close the round before ordering its needs."), status=409)
    if need not in rnd.needs:
        raise RuleViolation(_("Need #%(n)d is not in this round.", n=need.number), "need")
    if any(o.need_id == need.id for o in rnd.orders):
        raise RuleViolation(_("Need #%(n)d is already ordered in this round.", n=need.number),
                            status=409)
    if need.status != NeedStatus.READY:
        raise RuleViolation(_("Need #%(n)d is %(status)s; only ready needs are ordered.",
                              n=need.number,
                              status=str(discovery.STATUS_LABELS[need.status]).lower()),
                            status=409)
    value = _order_amount(need, amount)
    year = local_today().year
    left = room(rnd, year)
    order = RoundOrder(round=rnd, need=need, position=len(rnd.orders) + 1, amount=value,
                       ordered_by_id=actor.id, created_at=utcnow())
    if left is not None and value > left:
        order.state = OrderState.WAITING
        db.session.add(order)
        _escalate(rnd, need, actor, value, left)
        return order
    db.session.add(order)
    _fulfil(rnd, order, actor, year)
    return order


def _escalate(rnd, need, actor, value, left) -> None:
    reason = _("Ordering #%(n)d in “%(round)s” costs %(amount)s; the coordination group has "
               "%(left)s left. Approve the order beyond the budget?", n=need.number,
               round=rnd.name, amount=format_money(value), left=format_money(left))
    if not need.is_escalated:
        discovery.escalate(need, actor, reason)
    db.session.flush()
    record("round.order_escalated", project=rnd.project, target=need, target_label=need.label,
           actor=actor, round=rnd.name, amount=str(value), remaining=str(left))
    db.session.flush()


def _fulfil(rnd: Round, order: RoundOrder, actor, year: int) -> None:
    """Create the order's backlog item after the round's previous one and tell funding."""
    need = order.need
    item = tracing.create_item_for_need(need, actor, need.title,
                                        description=need.desired_outcome[:20000])
    previous = next((o.item for o in reversed(rnd.orders)
                     if o is not order and o.item is not None and o.item.archived_at is None),
                    None)
    if previous is not None:
        backlog.place_item(item, actor, "after", previous)
    # Ordered work is planned: the need says so, and its history names who ordered it.
    discovery.set_status(need, NeedStatus.PLANNED, actor=actor)
    order.item, order.state = item, OrderState.ORDERED
    db.session.flush()
    costs.record_order(actor, need, order.amount, year=year, round_id=rnd.id,
                       position=order.position)
    record("round.need_ordered", project=rnd.project, target=need, target_label=need.label,
           actor=actor, round=rnd.name, amount=str(order.amount), position=order.position,
           key=item.key_in(rnd.project.key))
    db.session.flush()


def confirm_order(rnd: Round, order: RoundOrder, actor) -> RoundOrder:
    """Carry out an order that waited for the steering group, once it has decided: approved
    needs are ordered beyond the budget; declined or parked ones cannot be."""
    if order.state != OrderState.WAITING:
        raise RuleViolation(_("This order is not waiting."), status=409)
    need = order.need
    if need.is_escalated:
        raise RuleViolation(_("Need #%(n)d still waits for the steering group's decision.",
                              n=need.number), status=409)
    if need.status != NeedStatus.READY:
        raise RuleViolation(_("The steering group did not approve need #%(n)d; it is %(status)s.",
                              n=need.number,
                              status=str(discovery.STATUS_LABELS[need.status]).lower()),
                            status=409)
    _fulfil(rnd, order, actor, local_today().year)
    return order


def not_in_round_message() -> str:
    return _("Only the round's needs can get points.")


def need_of_round(rnd: Round, value) -> Need:
    """The round's need numbered `value` (as posted: "12" or "#12")."""
    text = str(value or "").strip().lstrip("#")
    if not text.isdigit() or len(text) > 9:
        raise RuleViolation(_("Choose the need to order."), "need")
    need = next((n for n in rnd.needs if n.number == int(text)), None)
    if need is None:
        raise RuleViolation(_("Need #%(n)s is not in this round.", n=text), "need")
    return need


def present(need: Need | None) -> Need:
    if need is None:
        raise RuleViolation(_("There is no such need in the project."), "need")
    return need


def needs_by_numbers(project, numbers) -> list[Need]:
    """The project's needs with these numbers (as posted); anything else is refused."""
    needs = []
    for value in numbers:
        text = str(value).strip().lstrip("#")
        if not text.isdigit() or len(text) > 9:
            raise RuleViolation(_("Choose the needs of the round."), "needs")
        need = db.session.scalar(select(Need).where(Need.project_id == project.id,
                                                    Need.number == int(text)))
        needs.append(present(need))
    return needs


def order_message(order: RoundOrder) -> str:
    if order.state == OrderState.WAITING:
        return _("Need #%(n)d does not fit the budget: it is escalated to the steering group "
                 "with the amount, and the order waits for its decision.", n=order.need.number)
    return _("Need #%(n)d is ordered; its backlog item is %(key)s.", n=order.need.number,
             key=order.item.key_in(order.round.project.key))
