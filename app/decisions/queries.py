"""Read-side queries of the decision log: the searchable log, one decision, a need's decisions."""
import functools
from dataclasses import dataclass

from flask import abort
from sqlalchemy import bindparam, false, func, select
from sqlalchemy.orm import selectinload

from app.decisions.indexing import DECISION_INDEX
from app.decisions.models import Decision, DecisionOutcome, decision_need
from app.discovery.models import Need
from app.database import parse_int
from app.extensions import db
from app.search import list_match

PER_PAGE = 30


@dataclass
class LogPage:
    decisions: list[Decision]
    total: int
    page: int
    q: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def search_term(args) -> str:
    return " ".join(args.get("q", "").split())[:200]


def page_number(args) -> int:
    page = args.get("page", "1")
    return min(parse_int(page, 1) or 1, 10_000)


def decision_log_query(project, q: str = ""):
    """The project's decisions whose title or text match `q` (the search index), newest first:
    the log's pages and the CSV export read this one query."""
    stmt = select(Decision).where(Decision.project_id == project.id)
    if q:
        match = list_match(DECISION_INDEX, Decision.id, q)
        stmt = stmt.where(match if match is not None else false())
    return stmt.order_by(Decision.decided_on.desc(), Decision.id.desc())


def decision_log(project, q: str = "", page: int = 1) -> LogPage:
    """One page of the decision log."""
    stmt = decision_log_query(project, q)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    decisions = db.session.scalars(
        stmt.options(selectinload(Decision.needs), selectinload(Decision.items),
                     selectinload(Decision.outcomes).selectinload(DecisionOutcome.need),
                     selectinload(Decision.recorded_by), selectinload(Decision.supersedes),
                     selectinload(Decision.superseded_by))
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return LogPage(list(decisions), total, page, q)


def get_decision_or_404(project, decision_id: int) -> Decision:
    """Decision <id> if it belongs to the project (already checked visible); 404 otherwise."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.project_id != project.id:
        abort(404)
    return decision


def decisions_of_need(need: Need) -> list[Decision]:
    """The decisions that concern the need, newest first."""
    return list(db.session.scalars(_need_decisions_statement(), {"need_id": need.id}))


@functools.lru_cache(maxsize=1)
def _need_decisions_statement():
    # Built once: every need page runs it.
    return (select(Decision).join(decision_need, decision_need.c.decision_id == Decision.id)
            .where(decision_need.c.need_id == bindparam("need_id"))
            .order_by(Decision.decided_on.desc(), Decision.id.desc()))


def waiting_needs_query(project):
    """The "for decision" queue as a select: escalated needs, longest waiting first."""
    return (select(Need).where(Need.project_id == project.id, Need.is_escalated.is_(True),
                               Need.archived_at.is_(None))
            .order_by(Need.escalated_at, Need.number))


def waiting_needs(project) -> list[Need]:
    """The "for decision" queue: escalated needs, longest waiting first, with who escalated."""
    return list(db.session.scalars(waiting_needs_query(project).options(
        selectinload(Need.organisation), selectinload(Need.escalated_by))))
