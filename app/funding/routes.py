"""Views of estimates and funding: the funding panel's actions on a need's page, and the
project's funding page with its budget, loans and ledger."""
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.discovery.loaders import get_need_or_404
from app.funding import ledger_export, pages, services
from app.funding.forms import (ActionForm, BudgetForm, EstimateForm, LoanForm, PledgeForm,
                               RepaymentForm)
from app.funding.permissions import (can_act_on_pledge, can_estimate_needs, can_keep_books,
                                     can_pledge, can_view_funding)
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.web import submit, template_globals
from app.web.csv_export import csv_response, download_name

bp = Blueprint("funding", __name__)


@template_globals(bp)
def funding_helpers():
    """The need page's funding panel (discovery's page includes it when funding is there)."""
    return {"need_funding_context": pages.need_context}


@bp.post("/p/<key>/needs/<int:number>/estimates")
@login_required
def estimate(key, number):
    """The vendor's delivery lead estimates the need."""
    need = get_need_or_404(key, number)
    require(can_estimate_needs(current_user, need.project))
    form = EstimateForm(prefix="estimate")
    outcome = submit(form, lambda: services.estimate_need(
        current_user, need, hours_low=form.hours_low.data, hours_high=form.hours_high.data,
        amount_low=form.amount_low.data, amount_high=form.amount_high.data,
        assumptions=form.assumptions.data) and _("The estimate is saved."), field="hours_low")
    return pages.need_answer(need, outcome, "estimate", form)


@bp.post("/p/<key>/needs/<int:number>/pledges")
@login_required
def pledge(key, number):
    """Pledge an amount to the need on behalf of my municipality."""
    need = get_need_or_404(key, number)
    require(can_pledge(current_user, need.project))
    form = PledgeForm(prefix="pledge")
    outcome = submit(form, lambda: pages.pledged(services.pledge(
        current_user, need, form.amount.data, form.note.data)), field="amount")
    return pages.need_answer(need, outcome, "pledge", form)


@bp.post("/p/<key>/needs/<int:number>/pledges/<int:pledge_id>/edit")
@login_required
def change_pledge(key, number, pledge_id):
    """Change the amount or note of my municipality's pledge while it is only pledged."""
    need = get_need_or_404(key, number)
    pledge_ = pages.pledge_or_404(need, pledge_id)
    require(can_act_on_pledge(current_user, pledge_))
    form = PledgeForm(prefix="change")
    outcome = submit(form, lambda: _("The pledge is saved.") if services.change_pledge(
        current_user, pledge_, form.amount.data, form.note.data)
        else _("Nothing was changed."), field="amount")
    return pages.need_answer(need, outcome, "change", form)


def _move(key, number, pledge_id, may, change, message):
    """Move a pledge on (confirm, withdraw, invoice) with the button's form."""
    need = get_need_or_404(key, number)
    pledge_ = pages.pledge_or_404(need, pledge_id)
    require(may(pledge_))
    outcome = submit(ActionForm(), lambda: change(current_user, pledge_) and message)
    return pages.need_answer(need, outcome)


@bp.post("/p/<key>/needs/<int:number>/pledges/<int:pledge_id>/confirm")
@login_required
def confirm_pledge(key, number, pledge_id):
    """My municipality confirms its pledge: the money is approved."""
    return _move(key, number, pledge_id, lambda p: can_act_on_pledge(current_user, p),
                 services.confirm_pledge, _("The pledge is confirmed."))


@bp.post("/p/<key>/needs/<int:number>/pledges/<int:pledge_id>/withdraw")
@login_required
def withdraw_pledge(key, number, pledge_id):
    """My municipality withdraws its pledge (until it is invoiced)."""
    return _move(key, number, pledge_id, lambda p: can_act_on_pledge(current_user, p),
                 services.withdraw_pledge, _("The pledge is withdrawn."))


@bp.post("/p/<key>/needs/<int:number>/pledges/<int:pledge_id>/invoice")
@login_required
def invoice_pledge(key, number, pledge_id):
    """The secretariat marks a confirmed pledge invoiced."""
    return _move(key, number, pledge_id,
                 lambda p: can_keep_books(current_user, p.need.project),
                 services.invoice_pledge, _("The pledge is marked invoiced."))


@bp.get("/p/<key>/funding")
@login_required
def index(key):
    """The project's budget per year, orders, open funding gaps, loans and ledger."""
    project = get_project_or_404(key)
    require(can_view_funding(current_user, project))
    return render_template("funding/index.html", **pages.project_context(project))


@bp.post("/p/<key>/funding/budget")
@login_required
def set_budget(key):
    """The secretariat sets the budget of a year."""
    project = get_project_or_404(key)
    require(can_keep_books(current_user, project))
    form = BudgetForm(prefix="budget")
    year = pages.parse_year(form.year.data)
    outcome = submit(form, lambda: services.set_budget(
        current_user, project, year, form.amount.data) and _(
        "The budget for %(year)d is saved.", year=year), field="amount")
    return pages.project_answer(project, outcome, "budget", form)


@bp.post("/p/<key>/funding/loans")
@login_required
def record_loan(key):
    """The secretariat records a municipality's loan to the project."""
    project = get_project_or_404(key)
    require(can_keep_books(current_user, project))
    form = LoanForm(prefix="loan")
    outcome = submit(form, lambda: services.record_loan(
        current_user, project, services.lender(project, form.organisation.data),
        form.amount.data, form.lent_on.data or pages.today(), form.note.data) and _(
        "The loan is recorded."), field="amount")
    return pages.project_answer(project, outcome, "loan", form)


@bp.post("/p/<key>/funding/loans/<int:loan_id>/repayments")
@login_required
def record_repayment(key, loan_id):
    """The secretariat records part of a loan paid back to its lender."""
    project = get_project_or_404(key)
    loan = pages.loan_or_404(project, loan_id)
    require(can_keep_books(current_user, project))
    form = pages.repayment_form(loan, RepaymentForm(prefix=f"loan{loan.id}"))
    outcome = submit(form, lambda: services.record_repayment(
        current_user, loan, form.amount.data, form.repaid_on.data or pages.today(),
        services.pledge_of_project(project, form.pledge.data), form.note.data) and _(
        "The repayment is recorded."), field="amount")
    return pages.project_answer(project, outcome, f"repayment-{loan.id}", form)


@bp.get("/p/<key>/funding/ledger.csv")
@login_required
def ledger_csv(key):
    """Every pledge, loan and repayment per municipality, for their finance departments."""
    project = get_project_or_404(key)
    require(can_view_funding(current_user, project))
    return csv_response(ledger_export.header(), ledger_export.rows(project),
                        download_name(project.key, "ledger"), ";")
