from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from app.backlog import queries
from app.backlog.display import status_label, type_label
from app.backlog.models import STATUSES, ItemType
from app.backlog.responses import htmx_answer, safe_next
from app.backlog import routes as item_views  # the item page renders moves made from it
from app.backlog.services import StaleItem, format_points, needs_count_for, neighbour
from app.backlog.permissions import can_rank
from app.board import bp
from app.board.cards import cards_renderer
from app.board.permissions import can_move_between, can_move_cards, can_set_wip_limits
from app.board.services import (BoardFilters, build_board, change_number, changed_statuses,
                                move_item, move_targets, set_wip_limits, wip_limits)
from app.extensions import db
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.services import RuleViolation
from app.web import is_htmx, render_page_or_partial


def _board_context(project, filters, statuses=None):
    epics = queries.epics(project)
    board = build_board(project, filters, current_user, epics, statuses)
    cards = [card for lane in board.lanes for cells in lane.cells.values() for card in cells]
    needs = needs_count_for(project, cards)
    item_base = url_for("backlog.item", key=project.key, number=1)[:-1]
    return {
        "project": project, "filters": filters, "board": board, "epics": epics,
        "cards_html": cards_renderer(card_words(cards, needs), needs, item_base,
                                     f"{project.key}-"),
        "targets": {s: [t for t, _kind in move_targets(current_user, project, s)]
                    for s in STATUSES},
        "can_rank": can_rank(current_user, project), "item_base": item_base,
    }


def card_words(cards, needs) -> dict:
    """The translated words of the cards, looked up once per board instead of once per card
    (a thousand cards would otherwise make thousands of gettext calls)."""
    return {
        "types": {t.value: type_label(t) for t in ItemType},
        "unassigned": _("Unassigned"), "blocked": _("Blocked"), "move_to": _("Move to…"),
        "points": {e: _("%(points)s pt", points=format_points(e))
                   for e in {c.estimate for c in cards} if e is not None},
        "needs": {n: ngettext("%(num)d need", "%(num)d needs", n)
                  for n in {0, *needs.values()}},
    }


@bp.get("/p/<key>/board")
@login_required
def index(key):
    """The board: a column per status with cards in rank order; htmx gets the board region."""
    project = get_project_or_404(key)
    filters = BoardFilters.from_args(request.args)
    context = _board_context(project, filters)
    limits = {c.status: c.wip_limit for c in context["board"].columns if c.wip_limit}
    return render_page_or_partial("board/index.html", "board/_board.html",
                                  **_page_extras(project, wip_values=limits), **context)


def _page_extras(project, wip_error=None, wip_values=None):
    return {"members": queries.members(project), "labels": queries.labels(project),
            "can_set_wip": can_set_wip_limits(current_user, project),
            "wip_values": wip_limits(project) if wip_values is None else wip_values,
            "wip_error": wip_error}


def _etag_number(header: str | None) -> int | None:
    value = (header or "").strip().removeprefix("W/").strip('"')
    return int(value[1:]) if value[:1] == "c" and value[1:].isdigit() else None


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
        statuses = None if since is None else changed_statuses(project, since, current)
        if filters.lanes:
            statuses = None
        response = make_response(render_template(
            "board/_changes.html", **_board_context(project, filters, statuses)))
    response.headers["ETag"] = f'"c{current}"'
    response.headers["Cache-Control"] = "no-store"
    return response


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
    to_status, seen = request.form.get("status", ""), request.form.get("from_status")
    touched = {s for s in (seen, to_status, item.status) if s in STATUSES}
    if to_status in STATUSES and not can_move_between(current_user, project, item.status,
                                                      to_status):
        abort(403)
    try:
        where, anchor = _drop_place(project)
        kind = move_item(item, current_user, to_status, request.form.get("version"),
                         reason=request.form.get("reason", ""), where=where, anchor=anchor)
        # Said before the commit, which expires what it would read again.
        status, message = 200, _moved_message(project, item, kind)
        touched.add(item.status)
        db.session.commit()
    except (StaleItem, StaleDataError):
        db.session.rollback()
        item = queries.get_item_or_404(project, number)
        status, message = 409, item_views.stale_message(project, item)
        touched.add(item.status)
    except RuleViolation as exc:
        db.session.rollback()
        item = queries.get_item_or_404(project, number)
        status, message = exc.status, exc.message
        touched.add(item.status)
    return _move_answer(key, number, touched, status, message)


def _drop_place(project):
    """Where a product owner dropped the card among its new neighbours (others keep the rank)."""
    if not can_rank(current_user, project):
        return None, None
    after = neighbour(project, request.form.get("after"), "after")
    if after is not None:
        return "after", after
    before = neighbour(project, request.form.get("before"), "before")
    return ("before", before) if before is not None else (None, None)


def _moved_message(project, item, kind) -> str:
    key = f"{project.key}-{item.number}"
    if kind == "accept":
        return _("%(key)s is accepted and done.", key=key)
    if kind == "reject":
        return _("%(key)s is rejected and back in progress.", key=key)
    if kind == "reopen":
        return _("%(key)s is reopened and back in progress.", key=key)
    if kind is None:
        return _("%(key)s stays in %(column)s.", key=key, column=status_label(item.status))
    return _("%(key)s is moved to %(column)s.", key=key, column=status_label(item.status))


def _move_answer(key, number, touched, status, message):
    context = request.form.get("context")
    if not is_htmx():
        flash(message, "success" if status == 200 else "error")
        fallback = (url_for("backlog.item", key=key, number=number)
                    if context == "item" else url_for("board.index", key=key))
        return redirect(safe_next(request.form.get("next"), f"/p/{key}/", fallback), 303)
    project = get_project_or_404(key)
    if context == "item":
        item = queries.get_item_or_404(project, number)
        return item_views.render_item(project, item, status, announce=message, message=message,
                                      message_is_error=status != 200)
    filters = BoardFilters.from_args(request.form)
    context = _board_context(project, filters, None if filters.lanes else touched)
    focus = f"card-link-{number}" if request.form.get("focus") else None
    return htmx_answer("board/_changes.html", status, announce=message, focus=focus,
                       message=message, message_is_error=status != 200, **context)


@bp.post("/p/<key>/board/wip")
@login_required
def wip(key):
    """Set the WIP limit of each column (secretariat and product owners)."""
    project = get_project_or_404(key)
    require(can_set_wip_limits(current_user, project))
    values = {s: request.form.get(f"wip_{s}", "") for s in STATUSES}
    try:
        set_wip_limits(project, values)
    except RuleViolation as exc:
        db.session.rollback()
        filters = BoardFilters()
        return render_template("board/index.html", **_page_extras(project, exc, values),
                               **_board_context(project, filters)), exc.status
    db.session.commit()
    flash(_("The WIP limits are saved."), "success")
    return redirect(url_for("board.index", key=key), 303)
