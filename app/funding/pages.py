"""What the funding pages show: the funding panel on a need's page (estimate, pledges, the gap)
and the project's funding page (budget, orders, gaps, loans, ledger), and the answers to the
actions on them."""
from datetime import date

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.clock import local_today
from app.database import parse_int
from app.extensions import db
from app.funding import services
from app.funding.forms import (ActionForm, BudgetForm, EstimateForm, LoanForm, PledgeForm,
                               RepaymentForm)
from app.funding.models import Loan, Pledge, PledgeStatus, ProjectBudget
from app.funding.permissions import (can_act_on_pledge, can_estimate_needs, can_keep_books,
                                     can_pledge)
from app.i18n import format_money
from app.web import htmx_answer, is_htmx, redirect_with


def need_url(need, anchor: str | None = "funding") -> str:
    return url_for("discovery.show", key=need.project.key, number=need.number, _anchor=anchor)


def pledge_or_404(need, pledge_id: int) -> Pledge:
    """The need's pledge `pledge_id`; another need's (or project's) pledge is not found."""
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None or pledge.need_id != need.id:
        abort(404)
    return pledge


def loan_or_404(project, loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id)
    if loan is None or loan.project_id != project.id:
        abort(404)
    return loan


def need_context(need, forms: dict | None = None, error: str | None = None) -> dict:
    """What the need page's funding panel shows to the current user."""
    forms = forms or {}
    project = need.project
    pledges = services.pledges_of(need)
    estimates = services.estimates_of(need)
    order = services.order_of(need)
    mine = next((p for p in pledges if p.is_live
                 and p.organisation_id == current_user.organisation_id), None)
    may_pledge = can_pledge(current_user, project)
    return {
        "need": need, "project": project,
        "funding": services.need_funding(need, estimates, order, pledges),
        "estimates": estimates, "order": order, "pledges": pledges, "my_pledge": mine,
        "may_estimate": can_estimate_needs(current_user, project),
        "may_pledge": may_pledge and mine is None,
        "may_keep_books": can_keep_books(current_user, project),
        "may_act": lambda pledge: can_act_on_pledge(current_user, pledge),
        "my_organisation": current_user.organisation,
        "estimate_form": forms.get("estimate") or EstimateForm(formdata=None, prefix="estimate"),
        "pledge_form": forms.get("pledge") or PledgeForm(formdata=None, prefix="pledge"),
        "change_form": forms.get("change") or PledgeForm(formdata=None, obj=mine,
                                                         prefix="change"),
        "action_form": ActionForm(formdata=None),
        "funding_error": error,
        "pledge_status_label": lambda s: services.PLEDGE_STATUS_LABELS.get(s, s),
        "PledgeStatus": PledgeStatus,
    }


def pledged(pledge: Pledge) -> str:
    return _("%(org)s has pledged %(amount)s to the need.", org=pledge.organisation.name,
             amount=format_money(pledge.amount))


def need_answer(need, outcome, form_name: str | None = None, form=None):
    """After an action in the funding panel: the panel (htmx), else back to the need's page;
    a refusal shows in the panel, on a page of its own without htmx (nothing saved)."""
    forms = {form_name: form} if form_name and form is not None and not outcome.ok else {}
    error = None
    if not outcome.ok and outcome.refusal is not None and (
            form is None or outcome.refusal.field is None):
        error = outcome.refusal.message
    elif not outcome.ok and form is not None and not any(f.errors for f in form):
        error = _("Nothing was saved; see the form.")
    if is_htmx():
        # The control that had focus is gone after the swap: focus the first field in error,
        # else the panel's heading.
        invalid = next((f.id for f in form if f.errors), None) if forms else None
        return htmx_answer("funding/_need_funding.html", outcome.status,
                           announce=outcome.value if outcome.ok else (error or _(
                               "Nothing was saved; see the form.")),
                           focus=invalid or "funding-heading",
                           need=need, project=need.project, fund=need_context(need, forms, error))
    if outcome.ok:
        return redirect_with(outcome.value, need_url(need))
    return render_template("funding/need.html", need=need, project=need.project,
                           fund=need_context(need, forms, error)), outcome.status


def project_context(project, forms: dict | None = None, error: str | None = None,
                    year: int | None = None) -> dict:
    """The project's funding page: budgets, orders, open gaps, loans and the ledger."""
    forms = forms or {}
    year = year or local_today().year
    budgets = db.session.scalars(select(ProjectBudget).where(
        ProjectBudget.project_id == project.id).order_by(ProjectBudget.year.desc())).all()
    years = sorted({b.year for b in budgets} | set(services.order_years(project)) | {year},
                   reverse=True)
    by_year = {b.year: b.amount for b in budgets}
    spent = services.invoiced_by_year(project)
    rows = []
    for y in years:
        ordered = services.ordered_total(project, y)
        budget = by_year.get(y)
        rows.append({"year": y, "budget": budget, "ordered": ordered,
                     "spent": spent.get(y, services.ZERO),
                     "remaining": None if budget is None else budget - ordered})
    may_keep = can_keep_books(current_user, project)
    loans = services.loans_of(project)
    choices = pledge_choices(project) if may_keep and loans else []
    loan_form = forms.get("loan") or LoanForm(formdata=None, prefix="loan")
    loan_form.organisation.choices = [("", _("Choose…"))] + [
        (str(o.id), o.name) for o in services.lending_municipalities(project)]
    return {
        "project": project, "year": year, "budget_rows": rows,
        "gaps": services.funding_gaps(project), "loans": loans,
        "ledger": services.ledger(project), "may_keep_books": may_keep,
        "budget_form": forms.get("budget") or BudgetForm(formdata=None, prefix="budget",
                                                           data={"year": str(year)}),
        "loan_form": loan_form,
        "repayment_form": lambda loan: (forms.get(f"repayment-{loan.id}")
                                        or repayment_form(loan, choices=choices)),
        "funding_error": error,
    }


def pledge_choices(project) -> list[tuple[str, str]]:
    """The pledges a repayment may come from: the project's confirmed and invoiced ones."""
    return [("", _("None"))] + [
        (str(p.id), f"#{p.need.number} · {p.organisation.name} · {format_money(p.amount)}")
        for p in services.repayable_pledges(project)]


def repayment_form(loan, form=None, choices=None) -> RepaymentForm:
    """The repayment form of a loan."""
    form = form or RepaymentForm(formdata=None, prefix=f"loan{loan.id}")
    form.pledge.choices = choices if choices is not None else pledge_choices(loan.project)
    return form


def project_answer(project, outcome, form_name: str, form):
    """After a form on the funding page: back to it, or the page with the refusal (nothing
    saved)."""
    if outcome.ok:
        return redirect_with(outcome.value, url_for("funding.index", key=project.key,
                                                    _anchor=form_name.split("-")[0]))
    error = outcome.refusal.message if outcome.refusal is not None and (
        outcome.refusal.field is None or outcome.refusal.field not in form) else None
    return render_template("funding/index.html", **project_context(
        project, {form_name: form}, error)), outcome.status


def parse_year(text) -> int | None:
    """The year a form names, as digits; anything else is None (the service refuses it)."""
    return parse_int(text, 1, 9999)


def today() -> date:
    """Today in Copenhagen: the day of a loan or repayment when the form leaves it empty."""
    return local_today()
