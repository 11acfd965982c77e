"""Projects: overview, participating organisations and members."""
from flask import Blueprint

bp = Blueprint("projects", __name__)


@bp.app_context_processor
def project_helpers():
    from app.projects.forms import PARTICIPATION_LABELS, ROLE_LABELS

    return {
        "role_label": lambda role: ROLE_LABELS.get(role, role),
        "participation_label": lambda kind: PARTICIPATION_LABELS.get(kind, kind),
    }


from app.projects import routes  # noqa: E402,F401
