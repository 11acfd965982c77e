"""The project archive page: ask for an export, download it, import one into an empty
project. The project's secretariat and site administrators only."""
from flask import Blueprint, abort, current_app, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive import emails, services
from app.archive.forms import ExportForm, ImportForm
from app.archive.importing import project_is_empty
from app.archive.models import ProjectExport
from app.archive.permissions import can_use_archive
from app.database import utcnow
from app.extensions import db
from app.projects.loaders import get_in_project_or_404, get_project_or_404
from app.projects.permissions import require
from app.web import attempt, redirect_with, submit

bp = Blueprint("archive", __name__)


def _archive_project(key: str):
    project = get_project_or_404(key)
    require(can_use_archive(current_user, project))
    return project


def _page(project, import_form=None, status: int = 200, export_error: str | None = None):
    return render_template(
        "archive/page.html", project=project, exports=services.recent_exports(project),
        export_error=export_error,
        export_form=ExportForm(), import_form=import_form or ImportForm(),
        is_empty=project_is_empty(project), downloadable=services.downloadable,
        background_items=current_app.config["ARCHIVE_BACKGROUND_ITEMS"],
        now=utcnow()), status


@bp.get("/p/<key>/archive")
@login_required
def index(key):
    """The project's archives: make one, download it, or import one into an empty project."""
    return _page(_archive_project(key))


@bp.post("/p/<key>/archive/exports")
@login_required
def export(key):
    """Make the project's archive now (small projects) or in the background (big ones)."""
    project = _archive_project(key)
    form = ExportForm()
    if not form.validate_on_submit():
        return _page(project, status=400)
    outcome = attempt(lambda: services.request_export(project,
                                                      current_user._get_current_object()))
    if not outcome.ok:
        return _page(project, status=outcome.status, export_error=outcome.refusal.message)
    message = (_("The archive is ready to download below.") if outcome.value.is_ready else
               _("The archive is being made. You will get an e-mail with the link when it is "
                 "ready; it also appears below."))
    return redirect_with(message, url_for("archive.index", key=key))


@bp.get("/p/<key>/archive/exports/<int:export_id>/download")
@login_required
def download(key, export_id):
    """Download a finished archive (recorded in the audit log)."""
    project = _archive_project(key)
    export = get_in_project_or_404(ProjectExport, project, export_id)
    path = services.downloadable(export)
    if path is None:
        abort(404)
    services.record_download(export, current_user._get_current_object())
    db.session.commit()
    name = f"samspil-{project.key}-{export.created_at:%Y-%m-%d}-{export.id}.zip"
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=name,
                     max_age=0)


@bp.post("/p/<key>/archive/import")
@login_required
def import_archive(key):
    """Import an uploaded archive into this empty project: all of it, or nothing."""
    project = _archive_project(key)
    form = ImportForm()
    outcome = submit(form, lambda: services.import_upload(
        project, current_user._get_current_object(), form.archive.data), field="archive")
    if not outcome.ok:
        return _page(project, form, outcome.status)
    emails.send_invitations(outcome.value)
    return redirect_with(services.import_message(outcome.value),
                         url_for("archive.index", key=key))
