"""The board's routes: the board, its polling, moving cards, and WIP limits."""
from flask import Blueprint, abort, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.backlog import queries
from app.backlog.changes import change_number
from app.backlog.models import STATUSES
from app.backlog.permissions import can_rank
from app.backlog.services import neighbour
from app.board import pages
from app.board.permissions import can_move_between, can_move_cards, can_set_wip_limits
from app.board.services import (BoardFilters, changed_statuses, move_item, move_targets,
                                set_wip_limits, shown_limits)
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.web import attempt, redirect_with, render_page_or_partial

bp = Blueprint("board", __name__)


@bp.get("/p/<key>/board")
@login_required
def index(key):
    """The board: a column per status with cards in rank order; htmx gets the board region."""
    project = get_project_or_404(key)
    filters = BoardFilters.from_args(request.args)
    context = pages.board_context(project, filters, None, shown_limits(request.args, STATUSES))
    limits = {c.status: c.wip_limit for c in context["board"].columns if c.wip_limit}
    return render_page_or_partial("board/index.html", "board/_board.html",
                                  **pages.page_extras(project, wip_values=limits), **context)


def _etag_number(header: str | None) -> int | None:
    """The change number of an ETag we sent ("c123"); anything else is no number."""
    value = (header or "").strip().removeprefix("W/").strip('"')
    digits = value[1:]
    if value[:1] != "c" or not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        return None
    return int(digits)


@bp.get("/p/<key>/board/changes")
@login_required
def changes(key):
    """Polled every few seconds: 304 when nothing changed, else the changed columns (OOB)."""
    project = get_project_or_404(key)
    since = _etag_number(request.headers.get("If-None-Match"))
    current = change_number(project)
    if since == current:
        response = make_response("", 304)
    else:
        filters = BoardFilters.from_args(request.args)
        statuses = None if since is None or filters.lanes else changed_statuses(project, since,
                                                                                 current)
        response = make_response(render_template(
            "board/_changes.html", poll_number=current, **pages.board_context(
                project, filters, statuses, shown_limits(request.args, STATUSES))))
    response.headers["ETag"] = f'"c{current}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/p/<key>/board/more")
@login_required
def more(key):
    """A column's next cards ("Show more", htmx): those after the `n_<status>` it shows."""
    project = get_project_or_404(key)
    status = request.args.get("status", "")
    if status not in STATUSES:
        abort(400)
    shown = shown_limits(request.args, [status], page=0)[status]
    return pages.more_cards(project, BoardFilters.from_args(request.args), status, shown)


@bp.get("/p/<key>/items/<int:number>/move")
@login_required
def move_form(key, number):
    """The "Move to…" menu of a card (htmx), or a page holding it (without JavaScript)."""
    project = get_project_or_404(key)
    require(can_move_cards(current_user, project))
    item = queries.get_item_or_404(project, number)
    filters = BoardFilters.from_args(request.args)
    return render_page_or_partial(
        "board/move.html", "board/_move_menu.html", project=project, item=item,
        filters=filters, targets=move_targets(current_user, project, item.status),
        context="item" if request.args.get("context") == "item" else "board")


@bp.post("/p/<key>/items/<int:number>/move")
@login_required
def move(key, number):
    """Move a card to another column (accept and reject included); product owners may also
    drop it at a place in the ranking. A stale version answers 409 with the columns as they are."""
    project = get_project_or_404(key)
    require(can_move_cards(current_user, project))
    item = queries.get_item_or_404(project, number, lean=True)
    to_status = request.form.get("status", "")
    if to_status in STATUSES and not can_move_between(current_user, project, item.status,
                                                      to_status):
        abort(403)
    touched = {s for s in (request.form.get("from_status"), to_status, item.status)
               if s in STATUSES}
    return pages.moved(project, number, touched,
                       attempt(lambda: _move(project, item, to_status, touched)))


def _move(project, item, to_status, touched) -> tuple[str, str, str | None]:
    """Move the item; (what became of it in words, its column now, the board's answer),
    said before the commit, which expires what they would read again."""
    where, anchor = _drop_place(project)
    kind = move_item(item, current_user, to_status, request.form.get("version"),
                     reason=request.form.get("reason", ""), where=where, anchor=anchor,
                     version_required=True)
    message = pages.moved_message(project, item, kind)
    return (message, item.status,
            pages.board_answer(project, item, touched | {item.status}, message))


def _drop_place(project):
    """Where a product owner dropped the card among its new neighbours (others keep the rank)."""
    if not can_rank(current_user, project):
        return None, None
    after = neighbour(project, request.form.get("after"), "after")
    if after is not None:
        return "after", after
    before = neighbour(project, request.form.get("before"), "before")
    return ("before", before) if before is not None else (None, None)


@bp.post("/p/<key>/board/wip")
@login_required
def wip(key):
    """Set the WIP limit of each column (secretariat and product owners)."""
    project = get_project_or_404(key)
    require(can_set_wip_limits(current_user, project))
    values = {s: request.form.get(f"wip_{s}", "") for s in STATUSES}
    outcome = attempt(lambda: set_wip_limits(project, values))
    if not outcome.ok:
        return pages.wip_refused(project, values, outcome.refusal)
    return redirect_with(_("The WIP limits are saved."), url_for("board.index", key=key))
