"""Sprints: planning, the active sprint, burndown and velocity, the review and retrospective."""
from flask import Blueprint

bp = Blueprint("sprints", __name__)


@bp.app_context_processor
def sprint_helpers():
    from app.sprints.display import (active_sprint_of, decimal, plan_words, signed,
                                     state_label, weekday_label)

    return {"sprint_state_label": state_label, "active_sprint_of": active_sprint_of,
            "signed": signed, "weekday_label": weekday_label, "decimal": decimal,
            "plan_words": plan_words}


from app.sprints import digest, routes  # noqa: E402,F401
