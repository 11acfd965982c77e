"""The API's files: an item's or a need's attachments listed, uploaded (multipart/form-data,
`files`) and deleted, and any attachment's content downloaded with the token, under
app.attachments' rules: the container's visibility (404), its area's right to attach, the
uploader's or the secretariat's right to delete, and the same limits and type checks."""
from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.api import bp
from app.api import representations as rep
from app.api.actions import answer, item_or_404, need_or_404, no_content, project_or_404, run
from app.api.problems import ApiProblem
from app.api.spec import operation
from app.attachments import queries, services
from app.attachments.permissions import can_delete_attachment
from app.attachments.serving import file_response
from app.projects.permissions import require
from app.web.navigation import external_url


def _files(project, kind: str, container, endpoint: str, number: int, status: int = 200):
    files = queries.attachments_of(project, kind, [container.id])[container.id]
    return answer(rep.page([rep.attachment(a, project.key) for a in files],
                           self=external_url(endpoint, key=project.key, number=number),
                           next=None), status)


def _upload(project, kind: str, container):
    spec, container = queries.container_or_404(project, kind, container.id)
    require(spec.may_attach(current_user, container))
    uploads = [f for f in request.files.getlist("files") if f.filename]
    if not uploads:
        message = _("Send one or more files as multipart/form-data, in the field “files”.")
        raise ApiProblem(422, message, {"files": message})
    return run(lambda: services.attach_files(project, spec, container, current_user, uploads))


@operation(bp, "GET", "/projects/<key>/items/<int:number>/attachments",
           _l("An item's attached files, oldest first"), "AttachmentList")
def item_files(key, number):
    """The item's files."""
    p, i = item_or_404(key, number)
    return _files(p, "item", i, "api.item_files", number)


@operation(bp, "POST", "/projects/<key>/items/<int:number>/attachments",
           _l("Attach files to an item"), "AttachmentList", status=201, files=True)
def attach_to_item(key, number):
    """Attach one or more files to the item (the item's commenters may)."""
    p, i = item_or_404(key, number)
    _upload(p, "item", i)
    return _files(p, "item", i, "api.item_files", number, 201)


@operation(bp, "GET", "/projects/<key>/needs/<int:number>/attachments",
           _l("A need's attached files, oldest first"), "AttachmentList")
def need_files(key, number):
    """The need's files."""
    p, n = need_or_404(key, number)
    return _files(p, "need", n, "api.need_files", number)


@operation(bp, "POST", "/projects/<key>/needs/<int:number>/attachments",
           _l("Attach files to a need"), "AttachmentList", status=201, files=True)
def attach_to_need(key, number):
    """Attach one or more files to the need (every member takes part in discovery)."""
    p, n = need_or_404(key, number)
    _upload(p, "need", n)
    return _files(p, "need", n, "api.need_files", number, 201)


@operation(bp, "GET", "/projects/<key>/attachments/<int:attachment_id>/content",
           _l("An attached file's content"), None, binary=True)
def attachment_content(key, attachment_id):
    """The file, with its original name, type and range requests."""
    _spec, _container, attachment = queries.attachment_or_404(project_or_404(key),
                                                              attachment_id)
    response = file_response(attachment)
    if response is None:
        raise ApiProblem(404, _("The file is missing from storage."))
    return response


@operation(bp, "DELETE", "/projects/<key>/attachments/<int:attachment_id>",
           _l("Delete an attached file"), None, status=204)
def delete_attachment(key, attachment_id):
    """Delete a file: its uploader or the secretariat."""
    p = project_or_404(key)
    spec, container, attachment = queries.attachment_or_404(p, attachment_id)
    require(can_delete_attachment(current_user, p, spec, container, attachment))
    run(lambda: services.delete(p, spec, container, attachment, current_user))
    return no_content()
