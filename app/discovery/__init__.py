"""Requirement discovery: needs, co-sponsorship, the discovery log, and the public roadmap."""
from flask import Blueprint

bp = Blueprint("discovery", __name__)
# The public roadmap has its own blueprint: it is the one part of a project anonymous visitors see.
roadmap_bp = Blueprint("roadmap", __name__)


@bp.app_context_processor
def discovery_helpers():
    from app.discovery.services import FIELD_LABELS, NOTE_KIND_LABELS, STATUS_LABELS

    return {
        "need_field_label": lambda name: FIELD_LABELS.get(name, name),
        "need_text_fields": FIELD_LABELS.keys(),
        "need_status_label": lambda status: STATUS_LABELS.get(status, status),
        "note_kind_label": lambda kind: NOTE_KIND_LABELS.get(kind, kind),
    }


from app.discovery import digest, roadmap, routes  # noqa: E402,F401
