"""The decision log as a CSV file: every decision the log shows under the same search."""
from collections.abc import Iterator

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.backlog.models import item_key
from app.decisions import queries, services
from app.decisions.models import Decision, DecisionOutcome
from app.extensions import db

BATCH = 200


def header() -> list[str]:
    return [_("Decided on"), _("Title"), _("Text"), _("Outcomes"), _("Needs"),
            _("Backlog items"), _("Recorded by"), _("Recorded"), _("Type"), _("State"),
            _("Consequences"), _("Supersedes")]


def rows(project, q: str) -> Iterator[list]:
    """The rows of the log's own query (without its paging), fetched in batches."""
    stmt = queries.decision_log_query(project, q).options(
        selectinload(Decision.needs), selectinload(Decision.items),
        selectinload(Decision.outcomes).selectinload(DecisionOutcome.need),
        selectinload(Decision.recorded_by), selectinload(Decision.supersedes))
    for decision in db.session.scalars(stmt.execution_options(yield_per=BATCH)):
        outcomes = "; ".join(
            f"#{o.need.number} {services.OUTCOME_LABELS.get(o.outcome, o.outcome)}"
            for o in decision.outcomes)
        yield [decision.decided_on, decision.title, decision.text, outcomes,
               ", ".join(f"#{need.number}" for need in decision.needs),
               ", ".join(item_key(project.key, item.number) for item in decision.items),
               decision.recorded_by.name if decision.recorded_by else decision.recorded_by_label,
               decision.created_at,
               str(services.TYPE_LABELS[decision.decision_type]) if decision.decision_type
               else "", str(services.STATE_LABELS.get(decision.state, decision.state)),
               decision.consequences, "; ".join(d.title for d in decision.supersedes)]
