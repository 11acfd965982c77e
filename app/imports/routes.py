"""The import pages: upload, preview (with the mappings), import — for items from Jira or
GitHub and for needs from a spreadsheet."""
from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user, login_required

from app.imports import pages, services, uploads
from app.imports.permissions import can_import_items, can_import_needs
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.web import attempt, template_globals

bp = Blueprint("imports", __name__)


@template_globals(bp)
def import_helpers():
    """The backlog and the needs list offer their imports to those who may use them."""
    return {"can_import_items": can_import_items, "can_import_needs": can_import_needs}


def _upload_or_404(project, kind: str, token: str):
    upload = uploads.load(project, current_user, kind, token)
    if upload is None:
        abort(404)
    return upload


@bp.get("/p/<key>/import/items")
@login_required
def items_form(key):
    """Upload a Jira CSV export or GitHub issues (JSON) to import as backlog items."""
    project = get_project_or_404(key)
    require(can_import_items(current_user, project))
    return pages.items_form(project)


@bp.post("/p/<key>/import/items")
@login_required
def upload_items(key):
    """Take the export, read it (a file that cannot be used is refused), go to its preview."""
    project = get_project_or_404(key)
    require(can_import_items(current_user, project))
    form = request.form
    outcome = attempt(lambda: services.upload_items(
        project, current_user, form.get("source", ""), request.files.get("file"),
        form.get("site", "")))
    if not outcome.ok:
        return pages.items_form(project, outcome.refusal, form)
    return redirect(url_for("imports.items_preview", key=key, token=outcome.value), 303)


@bp.get("/p/<key>/import/items/<token>")
@login_required
def items_preview(key, token):
    """How the rows become items: the mappings, the counts and the first rows."""
    project = get_project_or_404(key)
    require(can_import_items(current_user, project))
    return pages.items_preview(project, _upload_or_404(project, services.ITEMS, token))


@bp.post("/p/<key>/import/items/<token>")
@login_required
def import_items(key, token):
    """Show the preview again with the chosen mappings, or import (one transaction)."""
    project = get_project_or_404(key)
    require(can_import_items(current_user, project))
    upload = _upload_or_404(project, services.ITEMS, token)
    if request.form.get("action") != "import":
        return pages.items_preview(project, upload, request.form)
    return pages.items_imported(project, upload, request.form)


@bp.get("/p/<key>/import/needs")
@login_required
def needs_form(key):
    """Upload a spreadsheet (CSV or XLSX) of needs to import."""
    project = get_project_or_404(key)
    require(can_import_needs(current_user, project))
    return pages.needs_form(project)


@bp.post("/p/<key>/import/needs")
@login_required
def upload_needs(key):
    """Take the spreadsheet, read it, go to the column mapping."""
    project = get_project_or_404(key)
    require(can_import_needs(current_user, project))
    outcome = attempt(lambda: services.upload_needs(project, current_user,
                                                    request.files.get("file")))
    if not outcome.ok:
        return pages.needs_form(project, outcome.refusal)
    return redirect(url_for("imports.needs_preview", key=key, token=outcome.value), 303)


@bp.get("/p/<key>/import/needs/<token>")
@login_required
def needs_preview(key, token):
    """Which column holds what (guessed), and how the rows become needs."""
    project = get_project_or_404(key)
    require(can_import_needs(current_user, project))
    return pages.needs_preview(project, _upload_or_404(project, services.NEEDS, token))


@bp.post("/p/<key>/import/needs/<token>")
@login_required
def import_needs(key, token):
    """Show the preview again with the chosen columns, or import (one transaction)."""
    project = get_project_or_404(key)
    require(can_import_needs(current_user, project))
    upload = _upload_or_404(project, services.NEEDS, token)
    if request.form.get("action") != "import":
        return pages.needs_preview(project, upload, request.form)
    return pages.needs_imported(project, upload, request.form)
