from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from app.backlog import bp, queries, services
from app.backlog.display import history_entries, short_datetimes
from app.backlog.forms import CommentForm, ItemCreateForm, ItemForm
from app.backlog.models import RANK_LENGTH, Item
from app.backlog.permissions import can_comment, can_edit_items, can_rank
from app.backlog.queries import PAGE_SIZE, BacklogFilters
from app.backlog.responses import htmx_answer, safe_next
from app.board.services import last_mover, move_targets
from app.extensions import db
from app.markdown import render_markdown
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.services import RuleViolation
from app.web import is_htmx, render_page_or_partial

INLINE_FIELDS = ("title", "estimate", "assignee")


def _key(project, item: Item) -> str:
    return f"{project.key}-{item.number}"


def _list_context(project, filters, items, cursor, total):
    return {"project": project, "filters": filters, "items": items, "cursor": cursor,
            "total": total, "can_rank": can_rank(current_user, project),
            "can_edit": can_edit_items(current_user, project),
            "item_base": url_for("backlog.item", key=project.key, number=1)[:-1],
            "list_url": url_for("backlog.index", key=project.key, **filters.as_args())}


def _backlog_page(project, filters, after=None, forms=None, status=200):
    items, cursor = queries.backlog_page(project, filters, current_user, after)
    context = _list_context(project, filters, items, cursor,
                            queries.backlog_count(project, filters, current_user))
    forms = forms or {}
    context.update(
        after=after, members=queries.members(project), labels=queries.labels(project),
        epics=queries.epics(project),
        create_top=forms.get("top") or ItemCreateForm(prefix="top", position="top"),
        create_bottom=forms.get("bottom") or ItemCreateForm(prefix="bottom", position="bottom"))
    return render_page_or_partial("backlog/index.html", "backlog/_list.html", status, **context)


@bp.get("/p/<key>/backlog")
@login_required
def index(key):
    """The ranked backlog, filtered by the URL; htmx gets the list, or the next page of rows."""
    project = get_project_or_404(key)
    filters = BacklogFilters.from_args(request.args)
    after = request.args.get("after", "")[:RANK_LENGTH] or None
    if after and is_htmx():
        items, cursor = queries.backlog_page(project, filters, current_user, after)
        return render_page_or_partial("backlog/index.html", "backlog/_more_rows.html",
                                      **_list_context(project, filters, items, cursor, None))
    return _backlog_page(project, filters, after)


@bp.post("/p/<key>/backlog/items")
@login_required
def create(key):
    """Create an item at the top or bottom of the backlog (inline; a plain POST without JS)."""
    project = get_project_or_404(key)
    require(can_edit_items(current_user, project))
    position = "top" if "top-title" in request.form else "bottom"
    form = ItemCreateForm(prefix=position)
    if form.validate_on_submit():
        try:
            item = services.create_item(project, current_user, form.title.data, form.type.data,
                                        position, form.estimate.data)
        except RuleViolation as exc:
            getattr(form, exc.field if exc.field in ("title", "type", "estimate") else "title"
                    ).errors.append(exc.message)
        else:
            db.session.commit()
            message = (_("%(key)s is created at the top of the backlog.", key=_key(project, item))
                       if position == "top" else
                       _("%(key)s is created at the bottom of the backlog.",
                         key=_key(project, item)))
            if not is_htmx():
                flash(message, "success")
                return redirect(url_for("backlog.index", key=key, _anchor=f"row-{item.number}"),
                                303)
            return htmx_answer("backlog/_created.html", announce=message,
                               focus=f"{position}-title", project=project,
                               item=item, position=position,
                               form=ItemCreateForm(prefix=position, position=position,
                                                   formdata=None),
                               can_rank=can_rank(current_user, project), can_edit=True,
                               filters=BacklogFilters())
    if is_htmx():
        response = htmx_answer("backlog/_create_form.html", 422, project=project, form=form,
                               position=position)
        response.headers["HX-Retarget"] = f"#create-{position}"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    return _backlog_page(project, BacklogFilters(), forms={position: form}, status=422)


def _row(project, item, editing=None, error=None, status=200, announce=None, focus=None):
    return htmx_answer("backlog/_row.html", status, announce=announce, focus=focus,
                       project=project, item=item, editing=editing, error=error,
                       members=queries.members(project) if editing == "assignee" else (),
                       can_rank=can_rank(current_user, project),
                       can_edit=can_edit_items(current_user, project),
                       filters=BacklogFilters.from_args(request.values))


@bp.get("/p/<key>/items/<int:number>/row")
@login_required
def row(key, number):
    """One backlog row (after cancelling an inline edit, or when the item changed)."""
    project = get_project_or_404(key)
    item = queries.get_item_or_404(project, number)
    return _row(project, item)


@bp.get("/p/<key>/items/<int:number>/fields/<field>")
@login_required
def edit_field(key, number, field):
    """The backlog row with one field (title, estimate, assignee) open for editing."""
    project = get_project_or_404(key)
    if field not in INLINE_FIELDS:
        abort(404)
    require(can_edit_items(current_user, project))
    item = queries.get_item_or_404(project, number)
    if not is_htmx():
        return redirect(url_for("backlog.item", key=key, number=number, _anchor="item-edit"))
    return _row(project, item, editing=field, focus=f"inline-{field}-{number}")


@bp.post("/p/<key>/items/<int:number>/fields/<field>")
@login_required
def update_field(key, number, field):
    """Save one inline-edited field of a backlog row."""
    project = get_project_or_404(key)
    if field not in INLINE_FIELDS:
        abort(404)
    require(can_edit_items(current_user, project))
    item = queries.get_item_or_404(project, number)
    try:
        changed = services.update_item(item, current_user, {field: request.form.get("value")},
                                       expected_version=request.form.get("version"))
        db.session.commit()
    except (services.StaleItem, StaleDataError):
        return _stale_row(project, number)
    except RuleViolation as exc:
        db.session.rollback()
        if not is_htmx():
            flash(exc.message, "error")
            return redirect(url_for("backlog.index", key=key), 303)
        return _row(project, queries.get_item_or_404(project, number), editing=field,
                    error=exc.message, status=exc.status, focus=f"inline-{field}-{number}")
    message = _("%(key)s is saved.", key=_key(project, item)) if changed else _("Nothing changed.")
    if not is_htmx():
        flash(message, "success")
        return redirect(url_for("backlog.index", key=key, _anchor=f"row-{number}"), 303)
    return _row(project, item, announce=message, focus=f"edit-{field}-{number}")


def _stale_row(project, number):
    db.session.rollback()
    item = queries.get_item_or_404(project, number)
    message = stale_message(project, item)
    if not is_htmx():
        flash(message, "error")
        return redirect(url_for("backlog.index", key=project.key), 303)
    return _row(project, item, error=message, status=409, announce=message)


def stale_message(project, item) -> str:
    who, _when = last_mover(item)
    if who is None:
        return _("%(key)s was changed meanwhile; this is its current state.",
                 key=_key(project, item))
    return _("%(key)s was changed meanwhile by %(name)s; this is its current state.",
             key=_key(project, item), name=who.name)


@bp.post("/p/<key>/items/<int:number>/rank")
@login_required
def rank(key, number):
    """Move an item up, down, to the top or bottom, or next to another (product owners)."""
    project = get_project_or_404(key)
    require(can_rank(current_user, project))
    item = queries.get_item_or_404(project, number, lean=True)
    filters = BacklogFilters.from_args(request.form)
    where = request.form.get("where", "")
    try:
        where, anchor = _rank_target(project, item, where, filters)
        moved = where is not None and services.rank_item(
            item, current_user, where, anchor, expected_version=request.form.get("version"))
        # Said before the commit, which expires what it would read again.
        message = (_("%(key)s is now number %(position)d in the backlog.",
                     key=_key(project, item), position=services.position_of(item)) if moved
                   else _("%(key)s stays where it is.", key=_key(project, item)))
        db.session.commit()
    except (services.StaleItem, StaleDataError):
        db.session.rollback()
        return _rank_answer(project, filters, number, 409,
                            stale_message(project, queries.get_item_or_404(project, number)))
    except RuleViolation as exc:
        db.session.rollback()
        return _rank_answer(project, filters, number, exc.status, exc.message)
    return _rank_answer(project, filters, number, 200, message,
                        focus_where=request.form.get("where"))


def _rank_target(project, item, where, filters):
    """(where, anchor) for place_item: up/down go past the neighbour in the filtered view."""
    if where in ("top", "bottom"):
        return where, None
    if where == "up":
        above = queries.previous_in_view(item, filters, current_user)
        return ("before", above) if above else (None, None)
    if where == "down":
        below = queries.next_in_view(item, filters, current_user)
        return ("after", below) if below else (None, None)
    if where in ("after", "before"):
        anchor = services.neighbour(project, request.form.get("anchor"), "anchor")
        if anchor is None:
            raise RuleViolation(_("Choose where to move the item."), "anchor", status=400)
        return where, anchor
    raise RuleViolation(_("Choose where to move the item."), "where", status=400)


def _rank_answer(project, filters, number, status, message, focus_where=None):
    key = request.view_args["key"]  # not project.key: the commit expired the project
    if not is_htmx():
        flash(message, "success" if status == 200 else "error")
        fallback = url_for("backlog.index", key=key, **filters.as_args())
        return redirect(safe_next(request.form.get("next"), f"/p/{key}/", fallback), 303)
    shown = request.form.get("shown", type=int) or PAGE_SIZE
    items, cursor = queries.backlog_page(project, filters, current_user,
                                         limit=max(PAGE_SIZE, min(shown, queries.MAX_SHOWN)))
    focus = f"rank-{focus_where}-{number}" if focus_where in ("up", "down", "top", "bottom") \
        else None
    return htmx_answer("backlog/_list.html", status, announce=message, focus=focus,
                       message=message if status != 200 else None,
                       **_list_context(project, filters, items, cursor,
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
    form.parent.choices = [("", _("No epic"))] + [
        (str(e.id), f"{project.key}-{e.number} {e.title}") for e in queries.epics(project)
        if e.id != item.id]
    return form


def _item_context(project, item, form=None, comment_form=None, message=None, preview=None,
                  message_is_error=False):
    # The edit form (hundreds of assignee choices in a big project) is only built when it
    # shows: after a submit, or when someone opens "Edit" (see `edit`).
    can_edit = can_edit_items(current_user, project)
    return {
        "project": project, "item": item,
        "form": item_form(project, item, form) if can_edit and form is not None else None,
        "comment_form": comment_form or CommentForm(formdata=None),
        "comments": queries.item_comments(item),
        "history": history_entries(queries.item_history(item)),
        "children": queries.children_of(item) if item.is_epic else [],
        "needs": services.needs_of(item),
        "can_edit": can_edit, "can_comment": can_comment(current_user, project),
        "move_targets": move_targets(current_user, project, item.status),
        "message": message, "message_is_error": message_is_error, "preview": preview,
        "in_dialog": request.values.get("dialog") == "1", "datetime_short": short_datetimes(),
    }


def render_item(project, item, status=200, announce=None, **kwargs):
    context = _item_context(project, item, **kwargs)
    if is_htmx():
        events = {"samspil:item-changed": {"number": item.number}} if announce else None
        return htmx_answer("backlog/_item.html", status, announce=announce, events=events,
                           **context)
    return render_template("backlog/item.html", **context), status


@bp.get("/p/<key>/items/<int:number>")
@login_required
def item(key, number):
    """The item: every field, comments and history; htmx gets it for the dialog."""
    project = get_project_or_404(key)
    item = queries.get_item_or_404(project, number)
    return render_item(project, item)


@bp.get("/p/<key>/items/<int:number>/edit")
@login_required
def edit(key, number):
    """The item's edit form: htmx loads it when "Edit" opens; without JS, the page with it."""
    project = get_project_or_404(key)
    require(can_edit_items(current_user, project))
    item = queries.get_item_or_404(project, number)
    if is_htmx():
        return htmx_answer("backlog/_item_form.html", project=project, item=item,
                           form=item_form(project, item), preview=None,
                           in_dialog=request.values.get("dialog") == "1")
    return render_template("backlog/item.html",
                           **_item_context(project, item) | {"form": item_form(project, item)})


@bp.post("/p/<key>/items/<int:number>")
@login_required
def update(key, number):
    """Save the item's fields (or, without JavaScript, show a Markdown preview)."""
    project = get_project_or_404(key)
    require(can_edit_items(current_user, project))
    item = queries.get_item_or_404(project, number)
    form = ItemForm()
    if request.form.get("action") == "preview":
        return render_item(project, item, form=form, preview=_preview_of(form))
    if not form.validate_on_submit():
        return render_item(project, item, 422, form=form)
    try:
        changed = services.update_item(item, current_user, form.changes(),
                                       expected_version=form.version.data)
        db.session.commit()
    except (services.StaleItem, StaleDataError):
        db.session.rollback()
        item = queries.get_item_or_404(project, number)
        form.version.data = str(item.version_id)
        message = stale_message(project, item) + " " + _(
            "Your changes are kept in the form below: review them and save again.")
        return render_item(project, item, 409, form=form, message=message,
                           message_is_error=True)
    except RuleViolation as exc:
        db.session.rollback()
        item = queries.get_item_or_404(project, number)
        field = getattr(form, exc.field, None) if exc.field else None
        (field or form.title).errors = [*(field or form.title).errors, exc.message]
        return render_item(project, item, exc.status, form=form)
    message = (_("%(key)s is saved.", key=_key(project, item)) if changed
               else _("Nothing changed."))
    if not is_htmx():
        flash(message, "success")
        return redirect(url_for("backlog.item", key=key, number=number), 303)
    return render_item(project, item, announce=message, message=message)


def _preview_of(form) -> dict:
    return {"description": render_markdown(form.description.data),
            "acceptance_criteria": render_markdown(form.acceptance_criteria.data)}


@bp.post("/p/<key>/items/preview")
@login_required
def preview(key):
    """Markdown rendered as it will show, for the preview beside an editor."""
    project = get_project_or_404(key)
    require(can_comment(current_user, project))
    text = request.form.get(request.form.get("field", "body"), "")
    if len(text) > services.MAX_TEXT:
        return htmx_answer("backlog/_preview.html", 413, html="",
                           error=_("The text is too long to preview."))
    return htmx_answer("backlog/_preview.html", html=render_markdown(text), error=None)


@bp.post("/p/<key>/items/<int:number>/comments")
@login_required
def comment(key, number):
    """Add a comment (Markdown) to the item."""
    project = get_project_or_404(key)
    require(can_comment(current_user, project))
    item = queries.get_item_or_404(project, number)
    form = CommentForm()
    status = 422
    if form.validate_on_submit():
        try:
            services.add_comment(item, current_user, form.body.data)
        except RuleViolation as exc:
            form.body.errors = [*form.body.errors, exc.message]
        else:
            db.session.commit()
            if not is_htmx():
                flash(_("Your comment is added."), "success")
                return redirect(url_for("backlog.item", key=key, number=number,
                                        _anchor="item-comments"), 303)
            form, status = CommentForm(formdata=None), 200
    if not is_htmx():
        return render_item(project, item, 422, comment_form=form)
    return htmx_answer("backlog/_comments.html", status,
                       announce=_("Your comment is added.") if status == 200 else None,
                       project=project, item=item, comments=queries.item_comments(item),
                       comment_form=form, can_comment=True, datetime_short=short_datetimes(),
                       in_dialog=request.values.get("dialog") == "1")
