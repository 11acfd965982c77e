"""What the tidying pages show: the archive and delete answers, the delete confirmation, a
comment being edited or deleted, and the labels page. The routes render through these."""
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.backlog import labels as label_services
from app.backlog import archiving, queries
from app.backlog.forms import (CommentEditForm, DeleteItemForm, LabelDeleteForm, LabelMergeForm,
                               LabelRenameForm)
from app.backlog.models import item_key
from app.backlog.permissions import can_change_comment
from app.backlog.pages import render_item
from app.i18n import moment_formatter
from app.web import error_page, htmx_answer, is_htmx, redirect_with


def _item_url(project, item, **kw) -> str:
    return url_for("backlog.item", key=project.key, number=item.number, **kw)


def archived(project, item, outcome, done_message: str):
    """After archiving or restoring: the item page with the outcome (a refusal: its reason,
    with the status it carries: 409 stale or twice, 422 a rule)."""
    if outcome.ok:
        if not is_htmx():
            return redirect_with(done_message, _item_url(project, item))
        return render_item(project, queries.get_item_or_404(project, item.number),
                           announce=done_message, message=done_message)
    fresh = queries.get_item_or_404(project, item.number)
    return render_item(project, fresh, outcome.status, message=outcome.refusal.message,
                       message_is_error=True)


def delete_confirmation(project, item, form=None, status=200):
    """The page that asks to type the item's key before deleting it for good."""
    return render_template("backlog/delete_item.html", project=project, item=item,
                           key=item_key(project.key, item.number),
                           form=form or DeleteItemForm(formdata=None)), status


def deleted(project, key: str):
    return redirect_with(_("%(key)s is deleted for good.", key=key),
                         url_for("backlog.index", key=project.key, archived="1"))


def missing(project, number: int):
    """No such item: 410 saying who deleted it and when if it was deleted, else 404."""
    tombstone = archiving.tombstone_of(project, "item", number)
    if tombstone is None:
        abort(404)
    when = moment_formatter()(tombstone.deleted_at)
    return error_page(410, _("%(key)s was deleted", key=tombstone.reference), _(
        "%(key)s “%(title)s” was deleted by %(name)s on %(when)s.", key=tombstone.reference,
        title=tombstone.title, name=tombstone.deleted_by_label or _("someone"), when=when))


def _comment_context(project, comment, **extra) -> dict:
    return {"project": project, "item": comment.item, "c": comment,
            "datetime_short": moment_formatter(), "can_change": True,
            "in_dialog": request.values.get("dialog") == "1", **extra}


def comment_editor(project, comment, form=None, status=200):
    """The comment open for editing: in place for htmx; without JS, a page of its own."""
    if form is None:
        form = CommentEditForm(formdata=None, prefix=f"comment-{comment.id}")
        form.body.data = comment.body
        form.seen.data = comment.edited_at.isoformat() if comment.edited_at else ""
    context = _comment_context(project, comment, form=form, editing=True)
    if is_htmx():
        return htmx_answer("backlog/_comment.html", status, **context)
    return render_template("backlog/comment_edit.html", **context), status


def comment_saved(project, comment, outcome, form):
    """After saving a comment: the comment in place (htmx) or the item page; a refusal keeps
    the text in the editor (409 when someone changed it meanwhile)."""
    if not outcome.ok:
        if outcome.stale:
            form.seen.data = comment.edited_at.isoformat() if comment.edited_at else ""
        return comment_editor(project, comment, form, outcome.status)
    message = _("Your comment is saved.") if outcome.value else _("Nothing changed.")
    if not is_htmx():
        return redirect_with(message, _item_url(project, comment.item,
                                                _anchor=f"comment-{comment.id}"))
    return htmx_answer("backlog/_comment.html", announce=message,
                       **_comment_context(project, comment))


def comment_shown(project, comment):
    """One comment as the item page shows it (the fragment; without JS, the item page)."""
    if not is_htmx():
        return redirect_with(None, _item_url(project, comment.item,
                                             _anchor=f"comment-{comment.id}"))
    return htmx_answer("backlog/_comment.html", **_comment_context(
        project, comment, can_change=can_change_comment(current_user, comment)))


def comment_delete_confirmation(project, comment):
    """Without JS, "Delete" opens this page that asks once more."""
    return render_template("backlog/comment_delete.html", **_comment_context(project, comment))


def comment_deleted(project, item, outcome):
    message = _("The comment is deleted.")
    if not outcome.ok:
        return error_page(outcome.status, _("The comment was not deleted"),
                          outcome.refusal.message)
    if not is_htmx():
        return redirect_with(message, _item_url(project, item, _anchor="item-comments"))
    return htmx_answer("backlog/_comment_deleted.html", announce=message)


def labels_page(project, forms=None, status=200, problem=None):
    """The project's labels with how many items carry each, and what can be done to them."""
    counts = label_services.label_counts(project)
    return render_template(
        "backlog/labels.html", project=project, counts=counts, forms=forms or {},
        rename_form=LabelRenameForm(formdata=None), merge_form=LabelMergeForm(formdata=None),
        delete_form=LabelDeleteForm(formdata=None), problem=problem), status


def label_changed(project, outcome, message: str, label_id: int, form):
    """After a rename, merge or deletion: back to the labels page, or it with the reason."""
    if outcome.ok:
        return redirect_with(message, url_for("backlog.labels_index", key=project.key))
    errors = [e for field in form for e in field.errors] + list(form.form_errors)
    problem = errors[0] if errors else (outcome.refusal.message if outcome.refusal else None)
    return labels_page(project, {label_id: form}, outcome.status, problem)
