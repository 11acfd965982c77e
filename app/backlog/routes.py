"""The backlog's routes: the ranked list, inline edits, ranking, the item page and comments."""
from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.backlog import export, pages, queries, services, tidying
from app.backlog.blueprint import bp
from app.backlog.display import status_label, type_label
from app.backlog.forms import CommentForm, ItemCreateForm, ItemForm
from app.backlog.models import RANK_LENGTH, STATUSES, item_key
from app.backlog.permissions import can_comment, can_edit_items, can_rank
from app.backlog.queries import BacklogFilters
from app.backlog.rows import backlog_row, backlog_rows
from app.markdown import render_markdown
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.services import RuleViolation
from app.web import attempt, htmx_answer, is_htmx, submit, template_globals
from app.web.csv_export import csv_response, download_name, separator


INLINE_FIELDS = ("title", "estimate", "assignee")


@template_globals(bp)
def backlog_helpers():
    return {"status_label": status_label, "type_label": type_label,
            "points": services.format_points, "statuses": STATUSES, "item_key": item_key,
            "backlog_rows": backlog_rows, "backlog_row": backlog_row}


@bp.get("/p/<key>/backlog")
@login_required
def index(key):
    """The ranked backlog, filtered by the URL; htmx gets the list, or the next page of rows."""
    project = get_project_or_404(key)
    filters = BacklogFilters.from_args(request.args)
    after = request.args.get("after", "")[:RANK_LENGTH] or None
    if after and is_htmx():
        return pages.more_rows(project, filters, after)
    return pages.backlog_page(project, filters, after)


@bp.get("/p/<key>/backlog.csv")
@login_required
def export_csv(key):
    """The backlog under the page's filters as a CSV download (whoever may see the backlog)."""
    project = get_project_or_404(key)
    sep = separator(request.args)
    filters = BacklogFilters.from_args(request.args)
    return csv_response(export.header(), export.rows(project, filters, current_user),
                        download_name(project.key, "backlog"), sep)


@bp.post("/p/<key>/backlog/items")
@login_required
def create(key):
    """Create an item at the top or bottom of the backlog (inline; a plain POST without JS)."""
    project = get_project_or_404(key)
    require(can_edit_items(current_user, project))
    position = "top" if "top-title" in request.form else "bottom"
    form = ItemCreateForm(prefix=position)
    outcome = submit(form, lambda: services.create_item_once(
        form.idempotency_key.data, project, current_user, form.title.data, form.type.data,
        position, form.estimate.data), field="title")
    if not outcome.ok:
        return pages.create_refused(project, form, position, outcome.status)
    return pages.created(project, outcome.value, position)


@bp.get("/p/<key>/items/<int:number>/row")
@login_required
def row(key, number):
    """One backlog row (after cancelling an inline edit, or when the item changed)."""
    project = get_project_or_404(key)
    return pages.row(project, queries.get_item_or_404(project, number))


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
    return pages.row(project, item, editing=field, focus=f"inline-{field}-{number}")


@bp.post("/p/<key>/items/<int:number>/fields/<field>")
@login_required
def update_field(key, number, field):
    """Save one inline-edited field of a backlog row."""
    project = get_project_or_404(key)
    if field not in INLINE_FIELDS:
        abort(404)
    require(can_edit_items(current_user, project))
    item = queries.get_item_or_404(project, number)
    outcome = attempt(lambda: services.update_item(
        item, current_user, {field: request.form.get("value")},
        expected_version=request.form.get("version")))
    if not outcome.ok:
        return pages.field_refused(project, number, field, outcome)
    return pages.field_saved(project, item, field, outcome.value)


@bp.post("/p/<key>/items/<int:number>/rank")
@login_required
def rank(key, number):
    """Move an item up, down, to the top or bottom, or next to another (product owners)."""
    project = get_project_or_404(key)
    require(can_rank(current_user, project))
    item = queries.get_item_or_404(project, number, lean=True)
    filters = BacklogFilters.from_args(request.form)
    where = request.form.get("where", "")
    outcome = attempt(lambda: _rank(project, item, where, filters))
    return pages.ranked(project, filters, number, outcome, where)


def _rank(project, item, where, filters) -> str:
    """Rank the item as asked; the message says where it is now (said before the commit,
    which expires what it would read again)."""
    key = item_key(project.key, item.number)
    where, anchor = _rank_target(project, item, where, filters)
    if where is None or not services.rank_item(item, current_user, where, anchor,
                                               expected_version=request.form.get("version"),
                                               version_required=True):
        return _("%(key)s stays where it is.", key=key)
    return _("%(key)s is now number %(position)d in the backlog.", key=key,
             position=services.position_of(item))


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


@bp.get("/p/<key>/items/<int:number>")
@login_required
def item(key, number):
    """The item: every field, comments and history; htmx gets it for the dialog. A deleted
    item's address answers 410 with who deleted it."""
    project = get_project_or_404(key)
    found = queries.find_item(project, number)
    if found is None:
        return tidying.missing(project, number)
    return pages.render_item(project, found)


@bp.get("/p/<key>/items/<int:number>/edit")
@login_required
def edit(key, number):
    """The item's edit form: htmx loads it when "Edit" opens; without JS, the page with it."""
    project = get_project_or_404(key)
    require(can_edit_items(current_user, project))
    return pages.edit_form(project, queries.get_item_or_404(project, number))


@bp.post("/p/<key>/items/<int:number>")
@login_required
def update(key, number):
    """Save the item's fields (or, without JavaScript, show a Markdown preview)."""
    project = get_project_or_404(key)
    require(can_edit_items(current_user, project))
    item = queries.get_item_or_404(project, number)
    form = ItemForm()
    if request.form.get("action") == "preview":
        return pages.render_item(project, item, form=form, preview=pages.preview_of(form))
    outcome = submit(form, lambda: services.update_item(
        item, current_user, form.changes(), expected_version=form.version.data), field="title")
    if not outcome.ok:
        return pages.item_refused(project, number, form, outcome)
    return pages.item_saved(project, item, outcome.value)


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
    item = queries.get_item_or_404(project, number, lean=True)
    form = CommentForm()
    outcome = submit(form, lambda: services.add_comment_once(
        form.idempotency_key.data, item, current_user, form.body.data), field="body")
    return pages.comments(project, item, form, outcome)
