"""What the rounds' pages show, and how the posted per-criterion and per-need fields are read."""
from decimal import ROUND_HALF_UP, Decimal

from flask import render_template, request
from flask_babel import format_decimal
from flask_login import current_user

from app.discovery.queries import participating_municipalities
from app.rounds import evaluation, queries, services
from app.rounds.forms import ActionForm, OrderForm, RoundForm
from app.rounds.permissions import can_manage_rounds, can_score_and_vote
from app.services import RuleViolation


def posted_rows(form, prefix: str, names) -> list[dict]:
    """Rows of fields named `<name>-<index>` (index from 0 while a name-<index> is posted)."""
    rows, index = [], 0
    while f"{prefix}-{index}" in form and index < evaluation.MAX_CRITERIA + 1:
        rows.append({name: form.get(f"{name}-{index}", "") for name in names})
        index += 1
    return rows


def posted_points(rnd, form) -> dict:
    """The ballot's points by need id from fields `points-<need number>`; other fields named
    points-… are refused (a need outside the round, or no number at all)."""
    by_number = {need.number: need.id for need in rnd.needs}
    points = {}
    for name, value in form.items():
        if not name.startswith("points-"):
            continue
        number = name.removeprefix("points-")
        if not number.isdigit() or int(number) not in by_number:
            raise RuleViolation(services.not_in_round_message(), "points")
        points[by_number[int(number)]] = value
    return points


def criteria_page(project, status=200, error=None, rows=None):
    criteria = evaluation.criteria_of(project)
    return render_template("rounds/criteria.html", project=project, criteria=criteria,
                           rows=rows, error=error, form=ActionForm(formdata=None),
                           can_manage=can_manage_rounds(current_user, project)), status


def score_page(need, status=200, error=None, values=None):
    criteria = evaluation.criteria_of(need.project)
    sheet = evaluation.sheet_of(need, current_user.organisation_id)
    mine = {s.criterion_id: s.value for s in sheet.scores} if sheet else {}
    values = values or [mine.get(c.id, "") for c in criteria]
    return render_template("rounds/score.html", project=need.project, need=need,
                           criteria=criteria, values=values, sheet=sheet, error=error,
                           form=ActionForm(formdata=None),
                           can_be_scored=evaluation.can_be_scored(need)), status


def index_page(project, form=None, status=200):
    return render_template("rounds/index.html", project=project,
                           rounds=queries.rounds_of(project),
                           form=form or RoundForm(formdata=None),
                           ready_needs=services.ready_needs(project),
                           chosen=set(request.form.getlist("needs")) if form else set(),
                           can_manage=can_manage_rounds(current_user, project)), status


def round_page(rnd, status=200, error=None, points=None, template="rounds/show.html",
               order_form=None):
    project = rnd.project
    may_vote = can_score_and_vote(current_user, project)
    mine = services.ballot_of(rnd, current_user.organisation_id) if may_vote else None
    return render_template(
        template, project=project, round=rnd, results=queries.results(rnd),
        municipalities=participating_municipalities(project), may_vote=may_vote,
        my_ballot=mine, closed_reason=services.voting_closed_reason(rnd), error=error,
        points=points or {}, form=ActionForm(formdata=None),
        order_form=order_form or OrderForm(formdata=None),
        can_manage=can_manage_rounds(current_user, project)), status


def format_total(value) -> str:
    """An evaluation total with one decimal in the reader's language ("3,7")."""
    if value is None:
        return ""
    # Half up, as people round: 2.25 shows as 2,3 (float rounding would say 2,2).
    rounded = Decimal(repr(float(value))).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return format_decimal(rounded, format="0.0")


def need_scores(need) -> dict:
    """The need page's evaluation panel: each municipality's scores and the weighted total."""
    sheets = evaluation.sheets_of(need)
    return {"criteria": evaluation.criteria_of(need.project), "sheets": sheets,
            "total": evaluation.mean_total(sheets),
            "may_score": (can_score_and_vote(current_user, need.project)
                          and evaluation.can_be_scored(need))}
