"""Views of the coordination group's round: the evaluation criteria, a need's score sheet,
the rounds, a round's ballot, its results, closing it and ordering its needs."""
from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.discovery.loaders import get_need_or_404
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.rounds import evaluation, pages, queries, services
from app.rounds.forms import OrderForm, RoundForm
from app.rounds.models import RoundOrder
from app.rounds.permissions import can_manage_rounds, can_score_and_vote
from app.extensions import db
from app.web import attempt, redirect_with, template_globals
from app.web.forms import attach_refusal

bp = Blueprint("rounds", __name__)


@template_globals(bp)
def round_helpers():
    """What discovery's pages show of the evaluation (they test that these are defined)."""
    return {"rounds_evaluate_needs": True,
            "need_score_sheets": pages.need_scores,
            "evaluation_total": pages.format_total}
CRITERION_FIELDS = ("name", "low_text", "high_text", "weight", "remove")


@bp.get("/p/<key>/evaluation/criteria")
@login_required
def criteria(key):
    """The project's evaluation criteria: what 1 and 5 mean, and their weights."""
    return pages.criteria_page(get_project_or_404(key))


@bp.post("/p/<key>/evaluation/criteria")
@login_required
def update_criteria(key):
    """Save the criteria (the secretariat)."""
    project = get_project_or_404(key)
    require(can_manage_rounds(current_user, project))
    rows = pages.posted_rows(request.form, "name", CRITERION_FIELDS)
    outcome = attempt(lambda: evaluation.update_criteria(project, current_user, rows))
    if not outcome.ok:
        return pages.criteria_page(project, outcome.status, outcome.refusal, rows)
    return redirect_with(_("The criteria are saved."),
                         url_for("rounds.criteria", key=project.key))


@bp.get("/p/<key>/needs/<int:number>/scores")
@login_required
def score_form(key, number):
    """My municipality's score sheet for the need."""
    need = get_need_or_404(key, number)
    require(can_score_and_vote(current_user, need.project))
    return pages.score_page(need)


@bp.post("/p/<key>/needs/<int:number>/scores")
@login_required
def score(key, number):
    """Save my municipality's scores of the need (its product owners)."""
    need = get_need_or_404(key, number)
    require(can_score_and_vote(current_user, need.project))
    values = [request.form.get(f"score-{i}", "")
              for i in range(len(evaluation.criteria_of(need.project)))]
    outcome = attempt(lambda: evaluation.score_need(need, current_user, values))
    if not outcome.ok:
        return pages.score_page(need, outcome.status, outcome.refusal, values)
    return redirect_with(_("The scores of %(org)s are saved.",
                           org=current_user.organisation.name),
                         url_for("discovery.show", key=key, number=number, _anchor="scores"))


@bp.get("/p/<key>/rounds")
@login_required
def index(key):
    """The project's prioritisation rounds, and the form to open one (the secretariat)."""
    return pages.index_page(get_project_or_404(key))


@bp.post("/p/<key>/rounds")
@login_required
def open_round(key):
    """Open a round (the secretariat)."""
    project = get_project_or_404(key)
    require(can_manage_rounds(current_user, project))
    form = RoundForm()
    if not form.validate_on_submit():
        return pages.index_page(project, form, 422)
    outcome = attempt(lambda: services.open_round(
        project, current_user, name=form.name.data, deadline=form.deadline.data,
        needs=None if form.all_ready.data else services.needs_by_numbers(
            project, request.form.getlist("needs")),
        points_per_municipality=form.points_per_municipality.data,
        budget_amount=form.budget_amount.data, budget_hours=form.budget_hours.data))
    if not outcome.ok:
        attach_refusal(form, outcome.refusal)
        return pages.index_page(project, form, outcome.status)
    return redirect_with(_("The round is open."), url_for(
        "rounds.show", key=key, number=outcome.value.number))


@bp.get("/p/<key>/rounds/<int:number>")
@login_required
def show(key, number):
    """A round: its needs, my municipality's ballot, who has voted, and the standings."""
    rnd = queries.get_round_or_404(get_project_or_404(key), number)
    return pages.round_page(rnd)


@bp.get("/p/<key>/rounds/<int:number>/results")
@login_required
def results(key, number):
    """The round's results for the meeting: ranking, ballots, estimates and costs (prints)."""
    rnd = queries.get_round_or_404(get_project_or_404(key), number)
    return pages.round_page(rnd, template="rounds/results.html")


@bp.post("/p/<key>/rounds/<int:number>/ballot")
@login_required
def cast_ballot(key, number):
    """Cast my municipality's ballot (its product owners, until the deadline)."""
    project = get_project_or_404(key)
    rnd = queries.get_round_or_404(project, number)
    require(can_score_and_vote(current_user, project))
    outcome = attempt(lambda: services.cast_ballot(
        rnd, current_user, pages.posted_points(rnd, request.form)))
    if not outcome.ok:
        return pages.round_page(rnd, outcome.status, outcome.refusal, request.form)
    return redirect_with(_("The ballot of %(org)s is cast.", org=current_user.organisation.name),
                         url_for("rounds.show", key=key, number=number))


@bp.post("/p/<key>/rounds/<int:number>/close")
@login_required
def close(key, number):
    """Close the round: its results are frozen (the secretariat)."""
    project = get_project_or_404(key)
    rnd = queries.get_round_or_404(project, number)
    require(can_manage_rounds(current_user, project))
    outcome = attempt(lambda: services.close_round(rnd, current_user))
    if not outcome.ok:
        return pages.round_page(rnd, outcome.status, outcome.refusal)
    return redirect_with(_("The round is closed."),
                         url_for("rounds.results", key=key, number=number))


@bp.post("/p/<key>/rounds/<int:number>/orders")
@login_required
def order(key, number):
    """Mark a need of the closed round as ordered, next in the order (the secretariat)."""
    project = get_project_or_404(key)
    rnd = queries.get_round_or_404(project, number)
    require(can_manage_rounds(current_user, project))
    form = OrderForm()
    if not form.validate_on_submit():
        return pages.round_page(rnd, 422, template="rounds/results.html", order_form=form)
    outcome = attempt(lambda: services.order_need(
        rnd, services.need_of_round(rnd, request.form.get("need")), current_user,
        form.amount.data))
    if not outcome.ok:
        return pages.round_page(rnd, outcome.status, outcome.refusal,
                                template="rounds/results.html", order_form=form)
    return redirect_with(services.order_message(outcome.value),
                         url_for("rounds.results", key=key, number=number))


@bp.post("/p/<key>/rounds/<int:number>/orders/<int:order_id>/confirm")
@login_required
def confirm_order(key, number, order_id):
    """Carry out an order that waited for the steering group's decision (the secretariat)."""
    project = get_project_or_404(key)
    rnd = queries.get_round_or_404(project, number)
    require(can_manage_rounds(current_user, project))
    waiting = db.get_or_404(RoundOrder, order_id)
    if waiting.round_id != rnd.id:
        abort(404)
    outcome = attempt(lambda: services.confirm_order(rnd, waiting, current_user))
    if not outcome.ok:
        return pages.round_page(rnd, outcome.status, outcome.refusal,
                                template="rounds/results.html")
    return redirect_with(services.order_message(outcome.value),
                         url_for("rounds.results", key=key, number=number))
