"""Tidying the backlog: archiving and restoring items, deleting archived ones for good,
editing and deleting one's comments, and the project's labels page."""
from flask import request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.backlog import archiving, labels, queries, tidying
from app.backlog.forms import (CommentEditForm, DeleteItemForm, LabelDeleteForm, LabelMergeForm,
                               LabelRenameForm)
from app.backlog.models import Comment, item_key
from app.backlog.permissions import (can_archive_items, can_change_comment, can_delete_items,
                                     can_manage_labels)
from app.backlog.blueprint import bp
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.web import attempt, submit


def _comment_or_404(project, comment_id) -> Comment:
    """The project's comment, if its author is the current user (403 otherwise)."""
    comment = archiving.comment_in(project, comment_id)
    require(can_change_comment(current_user, comment))
    return comment


@bp.post("/p/<key>/items/<int:number>/archive")
@login_required
def archive(key, number):
    """Archive the item (whoever edits items): out of the lists, restorable."""
    project = get_project_or_404(key)
    require(can_archive_items(current_user, project))
    item = queries.get_item_or_404(project, number)
    outcome = attempt(lambda: archiving.archive_item(item, current_user,
                                                     request.form.get("version") or ""))
    return tidying.archived(project, item, outcome,
                            _("%(key)s is archived.", key=item_key(key, number)))


@bp.post("/p/<key>/items/<int:number>/restore")
@login_required
def restore(key, number):
    """Bring an archived item back to the backlog."""
    project = get_project_or_404(key)
    require(can_archive_items(current_user, project))
    item = queries.get_item_or_404(project, number)
    outcome = attempt(lambda: archiving.restore_item(item, current_user,
                                                     request.form.get("version") or ""))
    return tidying.archived(project, item, outcome,
                            _("%(key)s is back in the backlog.", key=item_key(key, number)))


@bp.get("/p/<key>/items/<int:number>/delete")
@login_required
def confirm_delete(key, number):
    """The page that asks to type the item's key before deleting it for good."""
    project = get_project_or_404(key)
    require(can_delete_items(current_user, project))
    return tidying.delete_confirmation(project, queries.get_item_or_404(project, number))


@bp.post("/p/<key>/items/<int:number>/delete")
@login_required
def delete(key, number):
    """Delete an archived item for good (the secretariat); a tombstone remains."""
    project = get_project_or_404(key)
    require(can_delete_items(current_user, project))
    item = queries.get_item_or_404(project, number)
    form = DeleteItemForm()
    outcome = submit(form, lambda: archiving.delete_item(item, current_user,
                                                         form.confirmation.data),
                     field="confirmation")
    if not outcome.ok:
        return tidying.delete_confirmation(project, item, form, outcome.status)
    return tidying.deleted(project, item_key(key, number))


@bp.get("/p/<key>/comments/<int:comment_id>/edit")
@login_required
def edit_comment(key, comment_id):
    """One's comment open for editing (in place with htmx)."""
    project = get_project_or_404(key)
    return tidying.comment_editor(project, _comment_or_404(project, comment_id))


@bp.get("/p/<key>/comments/<int:comment_id>")
@login_required
def show_comment(key, comment_id):
    """One comment as the item page shows it (htmx: after cancelling an edit)."""
    project = get_project_or_404(key)
    return tidying.comment_shown(project, archiving.comment_in(project, comment_id))


@bp.post("/p/<key>/comments/<int:comment_id>")
@login_required
def update_comment(key, comment_id):
    """Save one's edited comment; the earlier text stays in the item's history."""
    project = get_project_or_404(key)
    comment = _comment_or_404(project, comment_id)
    form = CommentEditForm(prefix=f"comment-{comment_id}")
    outcome = submit(form, lambda: archiving.edit_comment(comment, current_user, form.body.data,
                                                          form.seen.data), field="body")
    return tidying.comment_saved(project, comment, outcome, form)


@bp.get("/p/<key>/comments/<int:comment_id>/delete")
@login_required
def confirm_delete_comment(key, comment_id):
    """Without JavaScript, "Delete" asks once more on a page of its own."""
    project = get_project_or_404(key)
    return tidying.comment_delete_confirmation(project, _comment_or_404(project, comment_id))


@bp.post("/p/<key>/comments/<int:comment_id>/delete")
@login_required
def delete_comment(key, comment_id):
    """Delete one's comment; the item's history keeps that it was."""
    project = get_project_or_404(key)
    comment = _comment_or_404(project, comment_id)
    item = comment.item
    outcome = attempt(lambda: archiving.delete_comment(comment, current_user,
                                                       request.form.get("seen", "")))
    return tidying.comment_deleted(project, item, outcome)


@bp.get("/p/<key>/labels")
@login_required
def labels_index(key):
    """The project's labels: rename, merge and delete them (whoever edits items)."""
    project = get_project_or_404(key)
    require(can_manage_labels(current_user, project))
    return tidying.labels_page(project)


@bp.post("/p/<key>/labels/<int:label_id>/rename")
@login_required
def rename_label(key, label_id):
    """Rename a label on every item that carries it."""
    project = get_project_or_404(key)
    require(can_manage_labels(current_user, project))
    label = labels.label_or_404(project, label_id)
    form = LabelRenameForm()
    outcome = submit(form, lambda: labels.rename_label(project, label, current_user,
                                                       form.name.data), field="name")
    message = _("The label is renamed to “%(name)s”.",
                name=" ".join((form.name.data or "").split()))
    return tidying.label_changed(project, outcome, message, label_id, form)


@bp.post("/p/<key>/labels/<int:label_id>/merge")
@login_required
def merge_label(key, label_id):
    """Merge a label into another: its items carry the other, and it is removed."""
    project = get_project_or_404(key)
    require(can_manage_labels(current_user, project))
    label = labels.label_or_404(project, label_id)
    form = LabelMergeForm()
    outcome = submit(form, lambda: labels.merge_label(project, label, current_user,
                                                      form.into.data), field="into")
    message = _("The labels are merged.")
    return tidying.label_changed(project, outcome, message, label_id, form)


@bp.post("/p/<key>/labels/<int:label_id>/delete")
@login_required
def delete_label(key, label_id):
    """Delete a label and take it off every item."""
    project = get_project_or_404(key)
    require(can_manage_labels(current_user, project))
    label = labels.label_or_404(project, label_id)
    form = LabelDeleteForm()
    outcome = submit(form, lambda: labels.delete_label(project, label, current_user))
    return tidying.label_changed(project, outcome, _("The label is deleted."), label_id, form)
