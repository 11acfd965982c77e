"""What the backlog's pages show: the list, a row, the item page and its parts. The routes
(and the board, which shows the item page after a move made from it) render through these."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.backlog import providers, queries, services
from app.backlog.changes import last_mover
from app.backlog.display import history_entries
from app.backlog.forms import CommentForm, ItemCreateForm, ItemForm
from app.backlog.models import item_key
from app.backlog.permissions import can_comment, can_delete_items, can_edit_items, can_rank
from app.backlog.queries import MAX_SHOWN, PAGE_SIZE, BacklogFilters
from app.database import parse_int
from app.i18n import moment_formatter
from app.markdown import render_markdown
from app.web import (error_page, htmx_answer, is_htmx, redirect_with, render_page_or_partial,
                     safe_next)


def list_context(project, filters, items, cursor, total) -> dict:
    """What the list of rows needs, whichever page or fragment shows it."""
    return {"project": project, "filters": filters, "items": items, "cursor": cursor,
            "total": total, "can_rank": can_rank(current_user, project),
            "can_edit": can_edit_items(current_user, project),
            "item_base": url_for("backlog.item", key=project.key, number=1)[:-1],
            "list_url": url_for("backlog.index", key=project.key, **filters.as_args())}


def backlog_page(project, filters, after=None, forms=None, status=200):
    """The backlog page (htmx: the list), with the create forms as posted in `forms`."""
    items, cursor = queries.listed_page(project, filters, current_user, after)
    context = list_context(project, filters, items, cursor,
                           queries.backlog_count(project, filters, current_user))
    forms = forms or {}
    context.update(
        after=after, members=queries.members(project), labels=queries.labels(project),
        epics=queries.epics(project),
        create_top=forms.get("top") or ItemCreateForm(prefix="top", position="top"),
        create_bottom=forms.get("bottom") or ItemCreateForm(prefix="bottom", position="bottom"))
    return render_page_or_partial("backlog/index.html", "backlog/_list.html", status, **context)


def more_rows(project, filters, after):
    """The next page of rows after the rank `after` (htmx's "show more")."""
    items, cursor = queries.listed_page(project, filters, current_user, after)
    return render_page_or_partial("backlog/index.html", "backlog/_more_rows.html",
                                  **list_context(project, filters, items, cursor, None))


def created(project, item, position):
    """After creating an item: back to the list (plain POST), or the new row and a fresh form."""
    key = item_key(project.key, item.number)
    message = (_("%(key)s is created at the top of the backlog.", key=key) if position == "top"
               else _("%(key)s is created at the bottom of the backlog.", key=key))
    if not is_htmx():
        return redirect_with(message, url_for("backlog.index", key=project.key,
                                              _anchor=f"row-{item.number}"))
    return htmx_answer("backlog/_created.html", announce=message, focus=f"{position}-title",
                       project=project, item=item, position=position,
                       form=ItemCreateForm(prefix=position, position=position, formdata=None),
                       can_rank=can_rank(current_user, project), can_edit=True,
                       filters=BacklogFilters())


def create_refused(project, form, position, status):
    """The create form again with its errors (htmx: in place of the form)."""
    if not is_htmx():
        return backlog_page(project, BacklogFilters(), forms={position: form}, status=status)
    response = htmx_answer("backlog/_create_form.html", status, project=project, form=form,
                           position=position)
    response.headers["HX-Retarget"] = f"#create-{position}"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


def row(project, item, editing=None, error=None, status=200, announce=None, focus=None):
    """One backlog row, perhaps with a field open for editing or a refusal beside it."""
    return htmx_answer("backlog/_row.html", status, announce=announce, focus=focus,
                       project=project, item=item, editing=editing, error=error,
                       members=queries.members(project) if editing == "assignee" else (),
                       can_rank=can_rank(current_user, project),
                       can_edit=can_edit_items(current_user, project),
                       filters=BacklogFilters.from_args(request.values))


def field_saved(project, item, field, changed):
    """After an inline edit: the row with the field closed (plain POST: back to the list)."""
    message = (_("%(key)s is saved.", key=item_key(project.key, item.number)) if changed
               else _("Nothing changed."))
    if not is_htmx():
        return redirect_with(message, url_for("backlog.index", key=project.key,
                                              _anchor=f"row-{item.number}"))
    return row(project, item, announce=message, focus=f"edit-{field}-{item.number}")


def field_refused(project, number, field, outcome):
    """An inline edit refused: the current row (stale: 409, with who changed it), or the
    field still open with the reason beside it; nothing was saved."""
    item = queries.get_item_or_404(project, number)
    message = stale_message(project, item) if outcome.stale else outcome.refusal.message
    if not is_htmx():
        return redirect_with(message, url_for("backlog.index", key=project.key), "error")
    if outcome.stale:
        return row(project, item, error=message, status=409, announce=message)
    return row(project, item, editing=field, error=message, status=outcome.status,
               focus=f"inline-{field}-{number}")


def stale_message(project, item) -> str:
    """"Someone else changed this", naming who did when the history knows."""
    who, _when = last_mover(item)
    key = item_key(project.key, item.number)
    if who is None:
        return _("%(key)s was changed meanwhile; this is its current state.", key=key)
    return _("%(key)s was changed meanwhile by %(name)s; this is its current state.",
             key=key, name=who.name)


def ranked(project, filters, number, outcome, where=None):
    """After a rank change: the list as it is now (plain POST: back where the person was)."""
    if outcome.ok:
        message = outcome.value
    elif outcome.stale:
        message = stale_message(project, queries.get_item_or_404(project, number))
    else:
        message = outcome.refusal.message
    key = request.view_args["key"]  # not project.key: the commit expired the project
    if not is_htmx():
        if outcome.status == 400:  # a request no page of ours makes: no page to go back to
            return error_page(400, _("Bad request"), message)
        fallback = url_for("backlog.index", key=key, **filters.as_args())
        return redirect_with(message, safe_next(request.form.get("next"), fallback, f"/p/{key}/"),
                             "success" if outcome.ok else "error")
    shown = parse_int(request.form.get("shown"), 1, MAX_SHOWN) or PAGE_SIZE
    items, cursor = queries.listed_page(project, filters, current_user,
                                        limit=max(PAGE_SIZE, min(shown, queries.MAX_SHOWN)))
    focus = (f"rank-{where}-{number}" if outcome.ok and where in ("up", "down", "top", "bottom")
             else None)
    return htmx_answer("backlog/_list.html", outcome.status, announce=message, focus=focus,
                       message=None if outcome.ok else message,
                       **list_context(project, filters, items, cursor,
                                      queries.backlog_count(project, filters, current_user)))


def item_form(project, item, form=None) -> ItemForm:
    """The edit form of an item, filled from the item unless a submitted form is given."""
    if form is None:
        form = ItemForm(formdata=None, obj=item)
        form.assignee.data = str(item.assignee_id or "")
        form.parent.data = str(item.parent_id or "")
        form.labels.data = ", ".join(label.name for label in item.labels)
        form.estimate.data = services.format_points(item.estimate)
        form.version.data = str(item.version_id)
    form.assignee.choices = [("", _("Nobody"))] + [
        (str(u.id), u.name) for u in queries.members(project)]
    if item.assignee is not None and not item.assignee.is_active:
        # Kept as is until someone chooses another: saving the form must not unassign.
        form.assignee.choices.append((str(item.assignee_id), _("%(name)s (deactivated)",
                                                               name=item.assignee.name)))
    form.parent.choices = [("", _("No epic"))] + [
        (str(e.id), f"{item_key(project.key, e.number)} {e.title}")
        for e in queries.epics(project) if e.id != item.id]
    return form


def item_context(project, item, form=None, comment_form=None, message=None, preview=None,
                 message_is_error=False) -> dict:
    """Everything the item page shows."""
    # The edit form (hundreds of assignee choices in a big project) is only built when it
    # shows: after a submit, or when someone opens "Edit".
    can_edit = can_edit_items(current_user, project)
    return {
        "project": project, "item": item,
        "form": item_form(project, item, form) if can_edit and form is not None else None,
        "comment_form": comment_form or CommentForm(formdata=None),
        "comments": queries.item_comments(item),
        "history": history_entries(queries.item_history(item)),
        "children": queries.children_of(item) if item.is_epic else [],
        "needs": providers.needs.needs_of(item),
        "can_edit": can_edit, "can_comment": can_comment(current_user, project),
        "can_delete": can_delete_items(current_user, project),
        "move_targets": providers.moves.targets(current_user, project, item.status),
        "message": message, "message_is_error": message_is_error, "preview": preview,
        "in_dialog": request.values.get("dialog") == "1", "datetime_short": moment_formatter(),
    }


def render_item(project, item, status=200, announce=None, **kwargs):
    """The item page (htmx: the item's region, telling the backlog to refresh its row)."""
    context = item_context(project, item, **kwargs)
    if is_htmx():
        events = {"samspil:item-changed": {"number": item.number}} if announce else None
        return htmx_answer("backlog/_item.html", status, announce=announce, events=events,
                           **context)
    return render_template("backlog/item.html", **context), status


def edit_form(project, item):
    """The item's edit form: in place for htmx; without JS, the item page holding it."""
    if is_htmx():
        return htmx_answer("backlog/_item_form.html", project=project, item=item,
                           form=item_form(project, item), preview=None,
                           in_dialog=request.values.get("dialog") == "1")
    return render_template("backlog/item.html",
                           **item_context(project, item) | {"form": item_form(project, item)})


def item_saved(project, item, changed):
    """After saving the item: the item page again with the outcome."""
    message = (_("%(key)s is saved.", key=item_key(project.key, item.number)) if changed
               else _("Nothing changed."))
    if not is_htmx():
        return redirect_with(message, url_for("backlog.item", key=project.key,
                                              number=item.number))
    return render_item(project, item, announce=message, message=message)


def item_refused(project, number, form, outcome):
    """The item page with the submitted form: stale (409) keeps the person's changes to review
    against the current item; a refused field shows its reason."""
    item = queries.get_item_or_404(project, number)
    if outcome.stale:
        form.version.data = str(item.version_id)
        message = stale_message(project, item) + " " + _(
            "Your changes are kept in the form below: review them and save again.")
        return render_item(project, item, 409, form=form, message=message,
                           message_is_error=True)
    return render_item(project, item, outcome.status, form=form)


def preview_of(form) -> dict:
    """The item's Markdown fields as they will show (the no-JavaScript preview)."""
    return {"description": render_markdown(form.description.data),
            "acceptance_criteria": render_markdown(form.acceptance_criteria.data)}


def comments(project, item, form, outcome):
    """After commenting: the comments (htmx) or the item page; a refusal keeps the text."""
    if outcome.ok and not is_htmx():
        # The item's address from the request's own: the commit expired the project and the
        # item, and reading them again for it cost three statements.
        return redirect_with(_("Your comment is added."),
                             url_for("backlog.item", **request.view_args,
                                     _anchor="item-comments"))
    if not is_htmx():
        return render_item(project, item, 422, comment_form=form)
    return htmx_answer("backlog/_comments.html", outcome.status,
                       announce=_("Your comment is added.") if outcome.ok else None,
                       project=project, item=item, comments=queries.item_comments(item),
                       comment_form=CommentForm(formdata=None) if outcome.ok else form,
                       can_comment=True, datetime_short=moment_formatter(),
                       in_dialog=request.values.get("dialog") == "1")
