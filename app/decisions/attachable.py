"""Decisions as containers of attachments (the steering group's papers): every member sees
them; those who record decisions attach. The decision log keeps no history of its own, so the
audit log records uploads and deletions."""
from flask import url_for
from flask_babel import lazy_gettext as _l

from app.attachments import Container, register_container
from app.decisions.models import Decision
from app.decisions.permissions import can_record_decision
from app.projects.loaders import get_by_id


def _decision(project, ident):
    decision = get_by_id(Decision, ident)
    return decision if decision is not None and decision.project_id == project.id else None


def register() -> None:
    register_container(Container(
        kind="decision", label=_l("decision"), load=_decision,
        may_attach=lambda user, decision: can_record_decision(user, decision.project),
        page_url=lambda d: url_for("decisions.show", key=d.project.key, decision_id=d.id)))
