"""The evaluation matrix: a project's criteria (1–5, weighted) and the municipalities' score
sheets of needs. Functions flush and never commit.

The weighted total of a sheet is Σ(weight × score) / Σ weight over the criteria it scores;
a need's evaluation total is the mean of its sheets' totals (every scoring municipality
counts once), shown with one decimal.
"""
import functools

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, bindparam, cast, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.labels import register_actions
from app.audit.services import record
from app.database import utcnow
from app.discovery.models import Need, NeedStatus
from app.extensions import db
from app.rounds.models import (MAX_NAME, MAX_SCALE_TEXT, MAX_WEIGHT, SCALE, EvaluationCriterion,
                               Score, ScoreSheet)
from app.services import RuleViolation, clean_text

register_actions({
    "evaluation.criteria_changed": _l("Evaluation criteria changed"),
    "evaluation.scored": _l("Need scored"),
})

# The six criteria communities use (name, what 1 means, what 5 means).
DEFAULT_CRITERIA = (
    (_l("Business value"), _l("Little value for the municipalities’ work"),
     _l("Large value for many municipalities")),
    (_l("Hours lost per week if unsolved"), _l("Less than an hour a week"),
     _l("More than 40 hours a week")),
    (_l("Hard wins (measurable savings)"), _l("No measurable savings"),
     _l("Large, documented savings")),
    (_l("Soft wins (satisfaction, reputation)"), _l("No noticeable effect"),
     _l("Clearly better for citizens and staff")),
    (_l("Time-critical (deadline, legal requirement)"), _l("No deadline"),
     _l("A legal requirement or a deadline soon")),
    (_l("Strategic importance"), _l("Outside the product’s strategy"),
     _l("Central to the product’s strategy")),
)
# A need is scored while it is being discovered or is ready; once decided the sheets freeze.
SCORABLE = frozenset({NeedStatus.IN_DISCOVERY, NeedStatus.READY})
MAX_CRITERIA = 20


def _defaults(project) -> list[EvaluationCriterion]:
    return [EvaluationCriterion(project_id=project.id, position=i, name=str(name),
                                low_text=str(low), high_text=str(high), weight=1)
            for i, (name, low, high) in enumerate(DEFAULT_CRITERIA)]


def criteria_of(project) -> list[EvaluationCriterion]:
    """The project's criteria in order; the six defaults (not yet saved) if it has none."""
    rows = list(db.session.scalars(_criteria_statement(), {"project_id": project.id}))
    return rows or _defaults(project)


# The statements of a need page's scores, built once (every need page runs them).
@functools.lru_cache(maxsize=1)
def _criteria_statement():
    return (select(EvaluationCriterion)
            .where(EvaluationCriterion.project_id == bindparam("project_id"))
            .order_by(EvaluationCriterion.position, EvaluationCriterion.id))


@functools.lru_cache(maxsize=1)
def _sheets_statement():
    need_id = bindparam("need_id")
    totals = (_sheet_totals(bindparam("project_id")).where(ScoreSheet.need_id == need_id)
              .subquery())
    return (select(ScoreSheet, totals.c.total)
            .outerjoin(totals, totals.c.sheet_id == ScoreSheet.id)
            .where(ScoreSheet.need_id == need_id)
            .options(selectinload(ScoreSheet.organisation), selectinload(ScoreSheet.scores)))


def ensure_criteria(project) -> list[EvaluationCriterion]:
    """The project's criteria, saving the defaults the first time they are needed."""
    rows = criteria_of(project)
    if rows and rows[0].id is None:
        db.session.add_all(rows)
        db.session.flush()
    return rows


def _int(value, field: str, low: int, high: int, message: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise RuleViolation(message, field) from None
    if not low <= number <= high:
        raise RuleViolation(message, field)
    return number


def update_criteria(project, actor, rows: list[dict]) -> list[EvaluationCriterion]:
    """Replace the project's criteria by `rows` (name, low_text, high_text, weight; an existing
    criterion keeps its scores when its row keeps its place; a row with an empty name and
    `remove` drops it with its scores)."""
    current = ensure_criteria(project)
    if len(rows) > MAX_CRITERIA:
        raise RuleViolation(_("At most %(n)d criteria.", n=MAX_CRITERIA))
    kept = []
    for index, row in enumerate(rows):
        name = " ".join(clean_text(row.get("name")).split())
        criterion = current[index] if index < len(current) else None
        if row.get("remove") or (not name and criterion is None):
            if criterion is not None:
                db.session.delete(criterion)
            continue
        if not name:
            raise RuleViolation(_("Give the criterion a name."), f"name-{index}")
        if len(name) > MAX_NAME:
            raise RuleViolation(_("At most %(n)d characters (this is %(len)d).", n=MAX_NAME,
                                  len=len(name)), f"name-{index}")
        texts = {}
        for key in ("low_text", "high_text"):
            texts[key] = clean_text(row.get(key))
            if len(texts[key]) > MAX_SCALE_TEXT:
                raise RuleViolation(_("At most %(n)d characters (this is %(len)d).",
                                      n=MAX_SCALE_TEXT, len=len(texts[key])), f"{key}-{index}")
        weight = _int(row.get("weight"), f"weight-{index}", 1, MAX_WEIGHT,
                      _("The weight is a whole number from 1 to %(n)d.", n=MAX_WEIGHT))
        if criterion is None:
            criterion = EvaluationCriterion(project_id=project.id)
            db.session.add(criterion)
        criterion.position, criterion.name, criterion.weight = len(kept), name, weight
        criterion.low_text, criterion.high_text = texts["low_text"], texts["high_text"]
        kept.append(criterion)
    for criterion in current[len(rows):]:
        kept.append(criterion)
    if not kept:
        raise RuleViolation(_("Keep at least one criterion."))
    db.session.flush()
    record("evaluation.criteria_changed", project=project, actor=actor,
           target_label=project.key, names=", ".join(c.name for c in kept)[:500])
    db.session.flush()
    return kept


def can_be_scored(need: Need) -> bool:
    return need.status in SCORABLE and need.archived_at is None


def sheet_of(need: Need, organisation_id: int) -> ScoreSheet | None:
    return db.session.scalar(select(ScoreSheet).where(ScoreSheet.need_id == need.id,
                                                      ScoreSheet.organisation_id
                                                      == organisation_id))


def score_need(need: Need, actor, values: list) -> ScoreSheet:
    """Save the actor's municipality's sheet for the need: one score 1–5 per criterion, in the
    criteria's order. The caller has checked that the actor may score for a municipality."""
    if not can_be_scored(need):
        raise RuleViolation(_("Only needs in discovery or ready are scored; this one is decided."),
                            status=409)
    criteria = ensure_criteria(need.project)
    if len(values) != len(criteria):
        raise RuleViolation(_("Score every criterion."), status=422)
    message = _("Choose a score from %(low)d to %(high)d.", low=SCALE[0], high=SCALE[1])
    numbers = [_int(v, f"score-{i}", *SCALE, message) for i, v in enumerate(values)]
    org = actor.organisation
    sheet = sheet_of(need, org.id)
    now = utcnow()
    if sheet is None:
        sheet = ScoreSheet(project_id=need.project_id, need_id=need.id, organisation_id=org.id,
                           created_at=now)
        try:
            with db.session.begin_nested():  # a colleague's simultaneous first sheet
                db.session.add(sheet)
                db.session.flush()
        except IntegrityError:  # use the colleague's sheet
            sheet = sheet_of(need, org.id)
    sheet.scored_by, sheet.updated_at = actor, now
    by_criterion = {s.criterion_id: s for s in sheet.scores}
    for criterion, value in zip(criteria, numbers, strict=True):
        score = by_criterion.get(criterion.id)
        if score is None:
            sheet.scores.append(Score(criterion_id=criterion.id, value=value))
        else:
            score.value = value
    db.session.flush()
    record("evaluation.scored", project=need.project, target=need, target_label=need.label,
           actor=actor, organisation=org.name,
           scores=", ".join(f"{c.name}: {v}" for c, v in zip(criteria, numbers, strict=True)))
    db.session.flush()
    return sheet


def _sheet_totals(project_id: int):
    """Per sheet: its need, municipality and weighted total (a subquery)."""
    weighted = cast(func.sum(Score.value * EvaluationCriterion.weight), Float) \
        / func.sum(EvaluationCriterion.weight)
    return (select(ScoreSheet.id.label("sheet_id"), ScoreSheet.need_id,
                   ScoreSheet.organisation_id, weighted.label("total"))
            .join(Score, Score.sheet_id == ScoreSheet.id)
            .join(EvaluationCriterion, EvaluationCriterion.id == Score.criterion_id)
            .where(ScoreSheet.project_id == project_id)
            .group_by(ScoreSheet.id, ScoreSheet.need_id, ScoreSheet.organisation_id))


def totals_subquery(project_id):
    """(need_id, total, sheets): each scored need's evaluation total, for the needs list
    (`project_id`: an id, or a bound parameter)."""
    sheets = _sheet_totals(project_id).subquery()
    return (select(sheets.c.need_id, func.avg(sheets.c.total).label("total"),
                   func.count().label("sheets"))
            .group_by(sheets.c.need_id).subquery())


def totals_for(project, need_ids) -> dict[int, float]:
    """The evaluation total of each of these needs that has been scored."""
    need_ids = list(need_ids)
    if not need_ids:
        return {}
    sub = totals_subquery(project.id)
    return {need_id: float(total) for need_id, total in db.session.execute(
        select(sub.c.need_id, sub.c.total).where(sub.c.need_id.in_(need_ids)))}


def sheets_of(need: Need) -> list[dict]:
    """Each municipality's sheet of the need: its scores by criterion id and weighted total."""
    # The sheets with their totals in one statement, their municipalities and scores in one
    # each (not one per sheet): one statement in all while nobody has scored the need.
    found = db.session.execute(_sheets_statement(),
                               {"need_id": need.id, "project_id": need.project_id})
    rows = [{"sheet": s, "organisation": s.organisation.name,
             "scores": {score.criterion_id: score.value for score in s.scores},
             "total": total} for s, total in found]
    return sorted(rows, key=lambda r: r["organisation"])


def mean_total(sheets: list[dict]) -> float | None:
    values = [s["total"] for s in sheets if s["total"] is not None]
    return sum(values) / len(values) if values else None
