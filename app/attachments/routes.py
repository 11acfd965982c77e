"""Attachments: uploading to a container, serving a file and its thumbnail, deleting."""
from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.attachments import content, queries, services
from app.attachments.permissions import can_delete_attachment
from app.attachments.registry import container_kind
from app.attachments.serving import file_response
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.web import attempt, error_page, htmx_answer, is_htmx, redirect_with, template_globals

bp = Blueprint("attachments", __name__)


@template_globals(bp)
def attachment_helpers():
    return {"attachments_of": queries.attachments_of, "attachment_type": content.label_of,
            "may_attach": _may_attach, "may_delete_attachment": _may_delete,
            "attachment_limit": lambda: services.size_text(
                current_app.config["ATTACHMENTS_MAX_FILE_BYTES"])}


def _may_attach(project, kind, container) -> bool:
    spec = container_kind(kind)
    return spec is not None and spec.may_attach(current_user, container)


def _may_delete(project, kind, container, attachment) -> bool:
    return can_delete_attachment(current_user, project, container_kind(kind), container,
                                 attachment)


@bp.errorhandler(413)
def too_large(error):
    """A request over the upload limit, refused before its body was read."""
    limit = services.size_text(current_app.config["ATTACHMENTS_MAX_FILE_BYTES"])
    return error_page(413, _("The file is too large"),
                      _("A file may be at most %(limit)s. Nothing was attached.", limit=limit))


@bp.post("/p/<key>/attachments/<kind>/<int:container_id>")
@login_required
def upload(key, kind, container_id):
    """Attach one or more files (the form's `files`) to a need, note, item, comment or
    decision."""
    project = get_project_or_404(key)
    spec, container = queries.container_or_404(project, kind, container_id)
    require(spec.may_attach(current_user, container))
    uploads = [f for f in request.files.getlist("files") if f.filename]
    outcome = attempt(lambda: services.attach_files(project, spec, container, current_user,
                                                     uploads))
    if not outcome.ok:
        return error_page(outcome.status, _("Nothing was attached"), outcome.refusal.message)
    message = (_("“%(name)s” is attached.", name=outcome.value[0].name) if len(outcome.value) == 1
               else _("%(num)d files are attached.", num=len(outcome.value)))
    if is_htmx():
        return _list(project, kind, container, message)
    return redirect_with(message, spec.page_url(container) + f"#attachments-{kind}-{container.id}")


@bp.get("/p/<key>/files/<int:attachment_id>")
@login_required
def file(key, attachment_id):
    """The file itself: PDFs and images open in the browser, everything else downloads."""
    _spec, _container, attachment = queries.attachment_or_404(get_project_or_404(key),
                                                              attachment_id)
    return _sent(file_response(attachment))


@bp.get("/p/<key>/files/<int:attachment_id>/thumbnail")
@login_required
def thumbnail(key, attachment_id):
    """The image's thumbnail (made once, at upload, without the original's metadata)."""
    _spec, _container, attachment = queries.attachment_or_404(get_project_or_404(key),
                                                              attachment_id)
    if attachment.thumbnail_key is None:
        return error_page(404, _("Page not found"), _("This file has no thumbnail."))
    return _sent(file_response(attachment, thumbnail=True))


@bp.route("/p/<key>/files/<int:attachment_id>/delete", methods=["GET", "POST"])
@login_required
def delete(key, attachment_id):
    """Delete a file (its uploader or the secretariat), after a confirmation page."""
    project = get_project_or_404(key)
    spec, container, attachment = queries.attachment_or_404(project, attachment_id)
    require(can_delete_attachment(current_user, project, spec, container, attachment))
    back = spec.page_url(container) + f"#attachments-{spec.kind}-{container.id}"
    if request.method == "GET":
        return render_template("attachments/delete.html", project=project, attachment=attachment,
                               back=back)
    outcome = attempt(lambda: services.delete(project, spec, container, attachment,
                                              current_user))
    if not outcome.ok:
        return error_page(outcome.status, _("Nothing was deleted"), outcome.refusal.message)
    message = _("“%(name)s” is deleted.", name=attachment.name)
    if is_htmx():
        return _list(project, spec.kind, container, message)
    return redirect_with(message, back)


def _list(project, kind, container, message):
    return htmx_answer("attachments/_list.html", announce=message, project=project, kind=kind,
                       container=container,
                       files=queries.attachments_of(project, kind, [container.id])[container.id])


def _sent(response):
    if response is None:
        return error_page(404, _("Page not found"), _("The file is missing from storage."))
    return response
