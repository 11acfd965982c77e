"""The steering group's decision log and its "for decision" queue of escalated needs."""
from flask import Blueprint

bp = Blueprint("decisions", __name__)


@bp.app_context_processor
def decision_helpers():
    from app.decisions.queries import decisions_of_need
    from app.decisions.services import OUTCOME_LABELS

    return {"decisions_of_need": decisions_of_need,
            "decision_outcome_label": lambda outcome: OUTCOME_LABELS.get(outcome, outcome)}


from app.decisions import digest, routes  # noqa: E402,F401
