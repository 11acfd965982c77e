from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.admin.audit_details import actor_of, audit_details
from app.admin.forms import AuditFilterForm
from app.admin.permissions import can_view_project_audit, can_view_site_audit
from app.audit.labels import ACTION_LABELS, action_label
from app.audit.models import AuditEvent
from app.admin.queries import events_query, recorded_actions
from app.database import parse_int
from app.extensions import db
from app.projects.loaders import get_project_or_404
from app.projects.models import Project
from app.projects.permissions import require
from app.web import render_page_or_partial, template_globals

bp = Blueprint("audit", __name__)

PER_PAGE = 50
MAX_PAGE = 10_000  # keeps OFFSET within every database's integer range


@template_globals(bp)
def audit_helpers():
    return {"can_view_project_audit": can_view_project_audit, "action_label": action_label,
            "audit_details": audit_details, "audit_actor": actor_of}


def _page_url(page: int) -> str:
    """The current listing at another page, keeping the filters."""
    args = {k: v for k, v in request.args.items() if k in ("action", "actor", "project") and v}
    return url_for(request.endpoint, **args, **request.view_args, page=page)


def _filter_form(actions: list[str], projects=None) -> AuditFilterForm:
    form = AuditFilterForm(formdata=request.args)
    known = sorted(set(actions) | set(ACTION_LABELS), key=lambda a: str(action_label(a)))
    form.action.choices = [("", _("Everything"))] + [(a, action_label(a)) for a in known]
    if projects is None:
        del form.project
    else:
        form.project.choices = [("", _("All projects"))] + [(p.key, p.key) for p in projects]
    return form


def _page_of_events(form: AuditFilterForm, **scope):
    """The requested page of events, filtered when the form is valid; and the status."""
    status = 200
    filters = {}
    if any(request.args.get(name) for name in ("action", "actor", "project")):
        if form.validate():
            filters = {"action": form.action.data or None, "actor": form.actor.data or None}
            if "project" in form and form.project.data:
                filters["project_id"] = db.session.scalar(
                    select(Project.id).where(Project.key == form.project.data))
        else:
            status = 422
    page = min(parse_int(request.args.get("page"), 1) or 1, MAX_PAGE)
    stmt = events_query(**scope, **filters).options(
        selectinload(AuditEvent.actor), selectinload(AuditEvent.project))
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False), status


@bp.get("/audit")
@login_required
def index():
    """The whole audit log, filtered by action, actor and project (site administrators)."""
    require(can_view_site_audit(current_user))
    projects = db.session.scalars(select(Project).order_by(Project.key)).all()
    form = _filter_form(recorded_actions(), projects)
    events, status = _page_of_events(form)
    return render_page_or_partial("audit/index.html", "audit/_log.html", status,
                                  form=form, events=events, show_project=True,
                                  page_url=_page_url)


@bp.get("/p/<key>/audit")
@login_required
def project(key):
    """The project's audit log (its secretariat and site administrators)."""
    project = get_project_or_404(key)
    require(can_view_project_audit(current_user, project))
    form = _filter_form(recorded_actions(project=project))
    events, status = _page_of_events(form, project=project)
    return render_page_or_partial("audit/project.html", "audit/_log.html", status,
                                  project=project, form=form, events=events, show_project=False,
                                  page_url=_page_url, active="projects.members")
