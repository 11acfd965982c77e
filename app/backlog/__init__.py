"""The backlog: one ranked list of items per project, item pages, comments and history."""
from flask import Blueprint

bp = Blueprint("backlog", __name__)


@bp.app_context_processor
def backlog_helpers():
    from app.backlog.display import row_words, status_label, type_label
    from app.backlog.models import STATUSES
    from app.backlog.services import format_points

    return {"status_label": status_label, "type_label": type_label, "points": format_points,
            "statuses": STATUSES, "row_words": row_words}


from app.backlog import digest, routes  # noqa: E402,F401
