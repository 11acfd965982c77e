"""The rules of estimates and funding. Public to the areas above (rounds): `current_estimates`,
`estimate_need`, `set_budget`, `remaining_budget`, `record_order`, `order_of`, `funding_of`.

- Estimates: the vendor's delivery lead estimates a need in hours and/or kroner, each a
  low–high range; every estimate is kept and the newest is the need's current one.
- Budget: the coordination group's budget per project and calendar year (the secretariat);
  orders ("bestillinger") are paid from it, so the remaining budget of a year is the budget
  less that year's orders.
- Pledges: a product owner pledges an amount to a need for their own municipality.
  pledged → confirmed (the municipality's own product owners, once their money is approved)
  → invoiced (the secretariat, when it sends the invoice); the municipality withdraws it
  until it is invoiced; the amount can be changed only while it is merely pledged.
- Loans: a municipality advances money to the project (recorded by the secretariat); the
  secretariat records each repayment, often from a later pledge, never beyond what is owed.
- The gap of a need: its cost (the current estimate's high end, else its low end) less what
  the budget pays (its order) and what municipalities have pledged and not withdrawn.

Amounts are Decimal kroner with at most two decimals, more than zero and at most one billion.
Every function flushes and never commits; every change is audited."""
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.labels import register_actions, register_details
from app.audit.services import record
from app.database import CENT, parse_id, utcnow
from app.discovery.models import Need, NeedStatus
from app.extensions import db
from app.funding.models import (Loan, LoanRepayment, NeedEstimate, NeedOrder, Pledge,
                                PledgeStatus, ProjectBudget)
from app.i18n import format_money
from app.organisations.models import Organisation
from app.projects.models import ProjectOrganisation, Role
from app.projects.services import membership_of, participation_of
from app.services import RuleViolation, clean_text

P = PledgeStatus
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("1000000000")
MAX_HOURS = 1_000_000
MAX_TEXT = 4000
FIRST_YEAR, LAST_YEAR = 2000, 2100

# The statuses in which a need counts as approved: "Crowdfunding needed" shows on these.
APPROVED = frozenset({NeedStatus.READY, NeedStatus.PLANNED})

PLEDGE_STATUS_LABELS = {
    P.PLEDGED: _l("Pledged"),
    P.CONFIRMED: _l("Confirmed"),
    P.INVOICED: _l("Invoiced"),
    P.WITHDRAWN: _l("Withdrawn"),
}

register_actions({
    "need.estimated": _l("Need estimated"),
    "budget.set": _l("Budget set"),
    "need.ordered": _l("Need ordered from the vendor"),
    "pledge.made": _l("Pledge made"),
    "pledge.changed": _l("Pledge changed"),
    "pledge.confirmed": _l("Pledge confirmed"),
    "pledge.invoiced": _l("Pledge invoiced"),
    "pledge.withdrawn": _l("Pledge withdrawn"),
    "loan.recorded": _l("Loan recorded"),
    "loan.repaid": _l("Loan repayment recorded"),
})
register_details({
    "amount": _l("Amount"), "amount_low": _l("Lowest amount"),
    "amount_high": _l("Highest amount"), "hours_low": _l("Fewest hours"),
    "hours_high": _l("Most hours"), "year": _l("Year"), "round": _l("Round"),
    "previous_amount": _l("Amount before"),
})



def check_amount(value, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """`value` as kroner with two decimals, or a refusal beside `field`: not a number, zero or
    less, more than one billion, or finer than an øre."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleViolation(_("Give the amount as a number of kroner, e.g. 12.500,00."),
                            field) from None
    if not amount.is_finite():
        raise RuleViolation(_("Give the amount as a number of kroner, e.g. 12.500,00."), field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise RuleViolation(_("The amount must be more than zero."), field)
    if amount > MAX_AMOUNT:
        raise RuleViolation(_("The amount can be at most %(max)s.",
                              max=format_money(MAX_AMOUNT)), field)
    if amount != amount.quantize(CENT):
        raise RuleViolation(_("The amount can have at most two decimals (øre)."), field)
    return amount.quantize(CENT)


def _check_year(year) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise RuleViolation(_("Give a year between %(first)d and %(last)d.", first=FIRST_YEAR,
                              last=LAST_YEAR), "year")
    return year


def _text(value, field: str) -> str:
    return clean_text(value, field, MAX_TEXT)


def _roles(actor, project) -> frozenset[str]:
    membership = membership_of(project, actor.id) if actor is not None else None
    return membership.role_names if membership is not None else frozenset()


def _money(value) -> str | None:
    """An amount as the audit log stores it: plain digits, read alike in every language."""
    return None if value is None else str(value)



def _given_ids(need_ids):
    """Need ids as given: a query of them (many needs: one subquery rather than a bound
    parameter each, which PostgreSQL's driver parsed anew for every statement), else a list;
    None when there are none."""
    if isinstance(need_ids, Select):
        return need_ids
    ids = list({int(i) for i in need_ids})
    return ids or None


def current_estimates(need_ids) -> dict[int, NeedEstimate]:
    """The current (newest) estimate of each need that has one (ids, or a query of them), in
    one query."""
    ids = _given_ids(need_ids)
    if ids is None:
        return {}
    ranked = select(NeedEstimate.id, func.row_number().over(
        partition_by=NeedEstimate.need_id,
        order_by=(NeedEstimate.created_at.desc(), NeedEstimate.id.desc())).label("n")).where(
        NeedEstimate.need_id.in_(ids)).subquery()
    rows = db.session.scalars(select(NeedEstimate).join(ranked, ranked.c.id == NeedEstimate.id)
                              .where(ranked.c.n == 1))
    return {row.need_id: row for row in rows}


def estimates_of(need: Need) -> list[NeedEstimate]:
    """The need's estimates, newest first: the first is the current one."""
    return list(db.session.scalars(_estimates_statement(), {"need_id": need.id}))


# The statements of a need's funding panel, which every need page shows, are built once.
@functools.lru_cache(maxsize=1)
def _estimates_statement():
    return (select(NeedEstimate).where(NeedEstimate.need_id == bindparam("need_id"))
            .options(selectinload(NeedEstimate.created_by))
            .order_by(NeedEstimate.created_at.desc(), NeedEstimate.id.desc()))


@functools.lru_cache(maxsize=1)
def _order_statement():
    return select(NeedOrder).where(NeedOrder.need_id == bindparam("need_id"))


@functools.lru_cache(maxsize=1)
def _pledges_statement():
    return (select(Pledge).where(Pledge.need_id == bindparam("need_id"))
            .options(selectinload(Pledge.organisation), selectinload(Pledge.created_by))
            .order_by(Pledge.created_at, Pledge.id))


def _range(low, high, low_field: str, high_field: str, check) -> tuple:
    low = None if low in (None, "") else check(low, low_field)
    high = None if high in (None, "") else check(high, high_field)
    if low is not None and high is not None and high < low:
        raise RuleViolation(_("The high end cannot be below the low end."), high_field)
    return low, high


def _hours(value, field: str) -> int:
    """A whole number of hours, 1 to a million."""
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or len(text) > 7:
        raise RuleViolation(_("Give the hours as a whole number."), field)
    if not 0 < int(text) <= MAX_HOURS:
        raise RuleViolation(_("Give between 1 and %(max)d hours.", max=MAX_HOURS), field)
    return int(text)


def estimate_need(actor, need: Need, *, hours_low=None, hours_high=None, amount_low=None,
                  amount_high=None, assumptions: str = "",
                  at: datetime | None = None) -> NeedEstimate:
    """Record the vendor's new estimate of the need (hours and/or kroner, low–high); it
    becomes the current one and the earlier ones stay in its history."""
    project = need.project
    if Role.DELIVERY_LEAD not in _roles(actor, project) or not actor.organisation.is_vendor:
        raise RuleViolation(_("Only the vendor's delivery lead estimates needs."), status=403)
    hours_low, hours_high = _range(hours_low, hours_high, "hours_low", "hours_high", _hours)
    amount_low, amount_high = _range(amount_low, amount_high, "amount_low", "amount_high",
                                     check_amount)
    if hours_low is None and hours_high is None and amount_low is None and amount_high is None:
        raise RuleViolation(_("Give the estimate in hours, in kroner or both."), "hours_low")
    estimate = NeedEstimate(
        need_id=need.id, hours_low=hours_low, hours_high=hours_high, amount_low=amount_low,
        amount_high=amount_high, assumptions=_text(assumptions, "assumptions"),
        created_by=actor, created_at=at or utcnow())
    db.session.add(estimate)
    record("need.estimated", project=project, target=need, target_label=need.label,
           actor=actor, at=at, hours_low=hours_low, hours_high=hours_high,
           amount_low=_money(amount_low), amount_high=_money(amount_high))
    db.session.flush()
    return estimate



def budget_of(project, year: int) -> ProjectBudget | None:
    return db.session.scalar(select(ProjectBudget).where(ProjectBudget.project_id == project.id,
                                                         ProjectBudget.year == year))


def set_budget(actor, project, year: int, amount, at: datetime | None = None) -> ProjectBudget:
    """Set the coordination group's budget for `year` (the secretariat); zero is allowed."""
    if Role.SECRETARIAT not in _roles(actor, project):
        raise RuleViolation(_("Only the secretariat sets the budget."), status=403)
    year = _check_year(year)
    amount = check_amount(amount, allow_zero=True)
    budget = budget_of(project, year)
    old = budget.amount if budget is not None else None
    if budget is None:
        budget = ProjectBudget(project_id=project.id, year=year, amount=amount)
        try:
            with db.session.begin_nested():
                db.session.add(budget)
                db.session.flush()
        except IntegrityError:
            raise RuleViolation(_("Someone else set this year's budget meanwhile; review it "
                                  "and try again."), "year", status=409) from None
    budget.amount, budget.updated_by_id, budget.updated_at = amount, actor.id, at or utcnow()
    record("budget.set", project=project, target=project, actor=actor, at=at, year=year,
           amount=_money(amount), previous_amount=_money(old))
    db.session.flush()
    return budget


def ordered_total(project, year: int) -> Decimal:
    """What the orders of `year` take from its budget."""
    total = db.session.scalar(select(func.coalesce(func.sum(NeedOrder.amount), 0)).where(
        NeedOrder.project_id == project.id, NeedOrder.year == year))
    return Decimal(str(total or 0)).quantize(CENT)


def remaining_budget(project, year: int) -> Decimal | None:
    """The budget of `year` less that year's orders (negative when overspent); None when no
    budget is set for the year."""
    budget = budget_of(project, year)
    if budget is None:
        return None
    return budget.amount - ordered_total(project, year)


def order_years(project) -> list[int]:
    """The years the project has orders in."""
    return list(db.session.scalars(select(NeedOrder.year).distinct().where(
        NeedOrder.project_id == project.id)))


def invoiced_by_year(project) -> dict[int, Decimal]:
    """What the municipalities were invoiced for their pledges, by the (UTC) year invoiced."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for when, amount in db.session.execute(select(Pledge.status_changed_at, Pledge.amount).where(
            Pledge.project_id == project.id, Pledge.status == P.INVOICED)):
        totals[when.year] += amount
    return dict(totals)


def order_of(need: Need) -> NeedOrder | None:
    return db.session.scalar(_order_statement(), {"need_id": need.id})


def record_order(actor, need: Need, amount, *, year: int, round_id: int | None = None,
                 position: int | None = None, at: datetime | None = None) -> NeedOrder:
    """Record that the coordination group ordered the need from the vendor for `amount`, paid
    from the budget of `year`. The caller decides who may order and what happens beyond the
    budget; a need is ordered once (409)."""
    amount = check_amount(amount)
    year = _check_year(year)
    if order_of(need) is not None:
        raise RuleViolation(_("Need #%(number)d is already ordered.", number=need.number),
                            status=409)
    order = NeedOrder(need_id=need.id, project_id=need.project_id, amount=amount, year=year,
                      ordered_at=at or utcnow(), ordered_by_id=actor.id if actor else None,
                      round_id=round_id, position=position)
    try:
        with db.session.begin_nested():
            db.session.add(order)
            db.session.flush()
    except IntegrityError:
        raise RuleViolation(_("Need #%(number)d is already ordered.", number=need.number),
                            status=409) from None
    record("need.ordered", project=need.project, target=need, target_label=need.label,
           actor=actor, at=at, amount=_money(amount), year=year, round=round_id)
    db.session.flush()
    return order



def pledge_problem(actor, project) -> str | None:
    """Why the actor cannot pledge in the project, if they cannot."""
    org = actor.organisation
    if org.is_vendor:
        return _("Vendors estimate needs; they never pledge.")
    if not org.is_municipality:
        return _("Only municipalities pledge.")
    if participation_of(project, org.id) is None:
        return _("%(org)s does not take part in the project.", org=org.name)
    if Role.PRODUCT_OWNER not in _roles(actor, project):
        return _("Only product owners pledge on behalf of their municipality.")
    return None


def _own_pledge(actor, pledge: Pledge) -> None:
    problem = pledge_problem(actor, pledge.need.project)
    if problem:
        raise RuleViolation(problem, status=403)
    if pledge.organisation_id != actor.organisation_id:
        raise RuleViolation(_("Only %(org)s's product owners act on its pledge.",
                              org=pledge.organisation.name), status=403)


def _refuse_unless(pledge: Pledge, *statuses: str) -> None:
    if pledge.status not in statuses:
        raise RuleViolation(_("The pledge is %(status)s; that cannot be done now.",
                              status=str(PLEDGE_STATUS_LABELS[pledge.status]).lower()),
                            status=409)


def live_pledge_of(need: Need, organisation_id: int) -> Pledge | None:
    return db.session.scalar(select(Pledge).where(
        Pledge.need_id == need.id, Pledge.organisation_id == organisation_id,
        Pledge.status != P.WITHDRAWN))


def pledges_of(need: Need) -> list[Pledge]:
    """The need's pledges, the live ones first, each in the order it was made."""
    rows = db.session.scalars(_pledges_statement(), {"need_id": need.id})
    return sorted(rows, key=lambda p: not p.is_live)


def _already(org) -> RuleViolation:
    return RuleViolation(_("%(org)s has already pledged to this need; change that pledge "
                           "instead.", org=org.name), status=409)


def pledge(actor, need: Need, amount, note: str = "", at: datetime | None = None) -> Pledge:
    """Pledge `amount` to the need on behalf of the actor's municipality (one live pledge per
    municipality and need)."""
    problem = pledge_problem(actor, need.project)
    if problem:
        raise RuleViolation(problem, status=403)
    if need.status == NeedStatus.DECLINED or need.is_archived:
        raise RuleViolation(_("The need is closed; it takes no pledges."), status=409)
    amount = check_amount(amount)
    note = _text(note, "note")
    org = actor.organisation
    if live_pledge_of(need, org.id) is not None:
        raise _already(org)
    at = at or utcnow()
    made = Pledge(need_id=need.id, project_id=need.project_id, organisation_id=org.id,
                  amount=amount, note=note, created_by_id=actor.id, created_at=at,
                  status_changed_at=at, status_changed_by_id=actor.id)
    try:
        # A colleague's simultaneous pledge passes the check too; the partial unique index
        # decides, and the savepoint keeps the rest of the transaction usable.
        with db.session.begin_nested():
            db.session.add(made)
            db.session.flush()
    except IntegrityError:
        raise _already(org) from None
    record("pledge.made", project=need.project, target=need, target_label=need.label,
           actor=actor, at=at, organisation=org.name, amount=_money(amount))
    db.session.flush()
    return made


def change_pledge(actor, pledge_: Pledge, amount, note: str = "") -> bool:
    """Change the amount and note of the municipality's pledge while it is only pledged."""
    _own_pledge(actor, pledge_)
    _refuse_unless(pledge_, P.PLEDGED)
    amount, note = check_amount(amount), _text(note, "note")
    if (amount, note) == (pledge_.amount, pledge_.note):
        return False
    old = pledge_.amount
    pledge_.amount, pledge_.note = amount, note
    need = pledge_.need
    record("pledge.changed", project=need.project, target=need, target_label=need.label,
           actor=actor, organisation=pledge_.organisation.name, amount=_money(amount),
           previous_amount=_money(old))
    db.session.flush()
    return True


def _move(actor, pledge_: Pledge, status: str, action: str, at: datetime | None) -> Pledge:
    pledge_.status, pledge_.status_changed_by_id = status, actor.id
    pledge_.status_changed_at = at or utcnow()
    need = pledge_.need
    record(action, project=need.project, target=need, target_label=need.label, actor=actor,
           at=at, organisation=pledge_.organisation.name, amount=_money(pledge_.amount))
    db.session.flush()
    return pledge_


def confirm_pledge(actor, pledge_: Pledge, at: datetime | None = None) -> Pledge:
    """The municipality confirms its pledge: the money is approved."""
    _own_pledge(actor, pledge_)
    _refuse_unless(pledge_, P.PLEDGED)
    return _move(actor, pledge_, P.CONFIRMED, "pledge.confirmed", at)


def withdraw_pledge(actor, pledge_: Pledge, at: datetime | None = None) -> Pledge:
    """The municipality withdraws its pledge (not once it is invoiced)."""
    _own_pledge(actor, pledge_)
    _refuse_unless(pledge_, P.PLEDGED, P.CONFIRMED)
    return _move(actor, pledge_, P.WITHDRAWN, "pledge.withdrawn", at)


def invoice_pledge(actor, pledge_: Pledge, at: datetime | None = None) -> Pledge:
    """The secretariat has invoiced the municipality for its confirmed pledge."""
    if Role.SECRETARIAT not in _roles(actor, pledge_.need.project):
        raise RuleViolation(_("Only the secretariat marks pledges invoiced."), status=403)
    _refuse_unless(pledge_, P.CONFIRMED)
    return _move(actor, pledge_, P.INVOICED, "pledge.invoiced", at)



def _keeper(actor, project) -> None:
    if Role.SECRETARIAT not in _roles(actor, project):
        raise RuleViolation(_("Only the secretariat records loans and repayments."),
                            status=403)


def record_loan(actor, project, organisation, amount, lent_on: date, note: str = "",
                at: datetime | None = None) -> Loan:
    """Record that a participating municipality advanced `amount` to the project."""
    _keeper(actor, project)
    if organisation is None or not organisation.is_municipality or participation_of(
            project, organisation.id) is None:
        raise RuleViolation(_("Choose a municipality that takes part in the project."),
                            "organisation")
    loan = Loan(project_id=project.id, organisation_id=organisation.id,
                amount=check_amount(amount), lent_on=lent_on, note=_text(note, "note"),
                created_by_id=actor.id, created_at=at or utcnow())
    db.session.add(loan)
    record("loan.recorded", project=project, target=project, actor=actor, at=at,
           organisation=organisation.name, amount=_money(loan.amount))
    db.session.flush()
    return loan


def lending_municipalities(project) -> list:
    """The municipalities that take part in the project, who may lend it money."""
    return list(db.session.scalars(select(Organisation).join(ProjectOrganisation).where(
        ProjectOrganisation.project_id == project.id, Organisation.kind == "municipality")
        .order_by(Organisation.name)))


def repayable_pledges(project) -> list[Pledge]:
    """The pledges a repayment may come from: confirmed or invoiced ones of the project."""
    return list(db.session.scalars(select(Pledge).where(
        Pledge.project_id == project.id, Pledge.status.in_([P.CONFIRMED, P.INVOICED]))
        .options(selectinload(Pledge.organisation), selectinload(Pledge.need))
        .order_by(Pledge.created_at, Pledge.id)))


def lender(project, organisation_id) -> Organisation | None:
    """The participating municipality a form names by id, else None (the service refuses)."""
    org_id = parse_id(organisation_id)
    return next((o for o in lending_municipalities(project) if o.id == org_id), None)


def pledge_of_project(project, pledge_id) -> Pledge | None:
    """The project's pledge a form names by id; None when none is named."""
    if pledge_id in (None, ""):
        return None
    found = db.session.get(Pledge, parse_id(pledge_id) or 0)
    if found is None or found.project_id != project.id:
        raise RuleViolation(_("Choose a pledge of this project that is not withdrawn."),
                            "pledge")
    return found


def loans_of(project) -> list[Loan]:
    return list(db.session.scalars(
        select(Loan).where(Loan.project_id == project.id)
        .options(selectinload(Loan.organisation), selectinload(Loan.repayments)
                 .selectinload(LoanRepayment.pledge).selectinload(Pledge.need))
        .order_by(Loan.lent_on, Loan.id)))


def record_repayment(actor, loan: Loan, amount, repaid_on: date, pledge_: Pledge | None = None,
                     note: str = "", at: datetime | None = None) -> LoanRepayment:
    """Record part of the loan paid back to its lender, from `pledge_` if it came from one;
    never more than is still owed."""
    project = loan.project
    _keeper(actor, project)
    amount = check_amount(amount)
    if amount > loan.outstanding:
        raise RuleViolation(_("Only %(amount)s is still owed on this loan.",
                              amount=format_money(loan.outstanding)), "amount")
    if pledge_ is not None and (pledge_.project_id != loan.project_id
                                or pledge_.status == P.WITHDRAWN):
        raise RuleViolation(_("Choose a pledge of this project that is not withdrawn."),
                            "pledge")
    repayment = LoanRepayment(loan=loan, pledge=pledge_, amount=amount, repaid_on=repaid_on,
                              note=_text(note, "note"), created_by_id=actor.id,
                              created_at=at or utcnow())
    db.session.add(repayment)
    record("loan.repaid", project=project, target=project, actor=actor, at=at,
           organisation=loan.organisation.name, amount=_money(amount))
    db.session.flush()
    return repayment



@dataclass
class NeedFunding:
    """A need's money: its cost (from the current estimate), what its order and the pledges
    cover, and the gap left."""

    estimate: NeedEstimate | None
    ordered: Decimal = ZERO
    pledged: Decimal = ZERO  # every live pledge, whatever its state
    confirmed: Decimal = ZERO  # confirmed or invoiced
    invoiced: Decimal = ZERO
    is_approved: bool = False

    @property
    def cost(self) -> Decimal | None:
        return self.estimate.cost if self.estimate is not None else None

    @property
    def gap(self) -> Decimal | None:
        """What nobody pays yet; None while the need has no estimate in kroner."""
        if self.cost is None:
            return None
        return max(ZERO, self.cost - self.ordered - self.pledged)

    @property
    def needs_crowdfunding(self) -> bool:
        return self.is_approved and bool(self.gap)


def _pledge_sums(need_ids) -> dict[int, dict[str, Decimal]]:
    sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    ids = _given_ids(need_ids)
    if ids is None:
        return sums
    rows = db.session.execute(
        select(Pledge.need_id, Pledge.status, func.sum(Pledge.amount))
        .where(Pledge.need_id.in_(ids), Pledge.status != P.WITHDRAWN)
        .group_by(Pledge.need_id, Pledge.status))
    for need_id, status, total in rows:
        sums[need_id][status] = Decimal(str(total or 0)).quantize(CENT)
    return sums


def funding_of(needs, among: Select | None = None) -> dict[int, NeedFunding]:
    """The funding of each need, in three queries whatever their number; `among`, a query of
    the needs' ids, stands for them in those queries when they are many."""
    needs = list(needs)
    if not needs:
        return {}
    ids = among if among is not None else [n.id for n in needs]
    estimates = current_estimates(ids)
    orders = dict(db.session.execute(
        select(NeedOrder.need_id, NeedOrder.amount).where(NeedOrder.need_id.in_(ids))).all())
    sums = _pledge_sums(ids)
    return {need.id: _funding(need, estimates.get(need.id), orders.get(need.id),
                              sums.get(need.id, {})) for need in needs}


def need_funding(need: Need, estimates: list[NeedEstimate], order: NeedOrder | None,
                 pledges: list[Pledge]) -> NeedFunding:
    """One need's funding from the rows its page has loaded anyway (`estimates_of`, its order
    and `pledges_of`), without `funding_of`'s three queries; the same sums."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for pledge in pledges:
        if pledge.is_live:  # as _pledge_sums leaves the withdrawn out
            totals[pledge.status] += pledge.amount
    sums = {status: Decimal(str(total)).quantize(CENT) for status, total in totals.items()}
    return _funding(need, estimates[0] if estimates else None,
                    order.amount if order is not None else None, sums)


def _funding(need: Need, estimate, ordered, sums: dict) -> NeedFunding:
    invoiced = sums.get(P.INVOICED, ZERO)
    confirmed = sums.get(P.CONFIRMED, ZERO) + invoiced
    return NeedFunding(
        estimate=estimate, ordered=ordered or ZERO,
        pledged=confirmed + sums.get(P.PLEDGED, ZERO), confirmed=confirmed, invoiced=invoiced,
        is_approved=need.status in APPROVED and not need.is_archived)


def funding_gaps(project) -> list[tuple[Need, NeedFunding]]:
    """The approved needs whose funding falls short, the largest gap first."""
    approved = (Need.project_id == project.id, Need.status.in_([str(s) for s in APPROVED]),
                Need.archived_at.is_(None))
    needs = db.session.scalars(select(Need).where(*approved).order_by(Need.number)).all()
    funding = funding_of(needs, among=select(Need.id).where(*approved))
    gaps = [(n, funding[n.id]) for n in needs if funding[n.id].needs_crowdfunding]
    return sorted(gaps, key=lambda pair: (-pair[1].gap, pair[0].number))


@dataclass
class LedgerLine:
    """One municipality's account with the project."""

    organisation: object
    pledged: Decimal = ZERO  # every live pledge, whatever its state
    confirmed: Decimal = ZERO  # confirmed, not yet invoiced
    invoiced: Decimal = ZERO  # invoiced: paid or to be paid
    lent: Decimal = ZERO
    repaid: Decimal = ZERO
    entries: list = field(default_factory=list)

    @property
    def outstanding(self) -> Decimal:
        """What the project still owes the municipality on its loans."""
        return self.lent - self.repaid


def ledger(project) -> list[LedgerLine]:
    """Each municipality's pledges, payments, loans and repayments in the project, from the
    participating municipalities (alphabetically) and anyone else with entries."""
    lines = {o.id: LedgerLine(o) for o in lending_municipalities(project)}
    for org_id, status, total in db.session.execute(
            select(Pledge.organisation_id, Pledge.status, func.sum(Pledge.amount))
            .where(Pledge.project_id == project.id, Pledge.status != P.WITHDRAWN)
            .group_by(Pledge.organisation_id, Pledge.status)):
        line = _line(lines, org_id)
        total = Decimal(str(total or 0)).quantize(CENT)
        line.pledged += total
        if status == P.CONFIRMED:
            line.confirmed += total
        elif status == P.INVOICED:
            line.invoiced += total
    for org_id, total in db.session.execute(
            select(Loan.organisation_id, func.sum(Loan.amount))
            .where(Loan.project_id == project.id).group_by(Loan.organisation_id)):
        _line(lines, org_id).lent += Decimal(str(total or 0)).quantize(CENT)
    for org_id, total in db.session.execute(
            select(Loan.organisation_id, func.sum(LoanRepayment.amount)).join(Loan.repayments)
            .where(Loan.project_id == project.id).group_by(Loan.organisation_id)):
        _line(lines, org_id).repaid += Decimal(str(total or 0)).quantize(CENT)
    return sorted(lines.values(), key=lambda line: line.organisation.name)


def _line(lines: dict, org_id: int) -> LedgerLine:
    if org_id not in lines:
        lines[org_id] = LedgerLine(db.session.get(Organisation, org_id))
    return lines[org_id]
