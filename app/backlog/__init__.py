"""The backlog: one ranked list of items per project, item pages, comments and history."""
from flask import Blueprint

bp = Blueprint("backlog", __name__)


@bp.app_context_processor
def backlog_helpers():
    from app.backlog.display import status_label, type_label
    from app.backlog.models import STATUSES
    from app.backlog.rows import backlog_row, backlog_rows
    from app.backlog.services import format_points

    return {"status_label": status_label, "type_label": type_label, "points": format_points,
            "statuses": STATUSES, "backlog_rows": backlog_rows, "backlog_row": backlog_row}


from app.backlog import digest, routes  # noqa: E402,F401
