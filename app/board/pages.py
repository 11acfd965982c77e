"""What the board's pages show: the board, its changed columns, and the answer to a move."""
from flask import make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.backlog import pages as item_pages
from app.backlog import queries
from app.backlog.display import status_label
from app.backlog.models import STATUSES, item_key
from app.backlog.permissions import can_rank
from app.board.cards import cards_renderer
from app.board.permissions import can_set_wip_limits
from app.board.services import (MOST_SHOWN, PAGE, BoardFilters, build_board, moved_card,
                                 move_targets, shown_limits, wip_limits)
from app.database import parse_int
from app.projects.loaders import get_project_or_404
from app.web import add_triggers, error_page, htmx_answer, is_htmx, redirect_with, safe_next


def board_context(project, filters, statuses=None, limits=None, offset: int = 0) -> dict:
    """The board's columns (only `statuses`, when given) with their cards' markup: the first
    `limits[status]` cards of each (after `offset`, for "Show more")."""
    epics = queries.epics(project)
    board = build_board(project, filters, current_user, epics, statuses, limits, offset)
    return {"project": project, "filters": filters, "board": board, "epics": epics,
            **_card_context(project)}


class MoveTargets(dict):
    """Where a card in each column may move (column -> statuses), worked out for the columns
    a page shows as it asks: a move's answer shows two of the six."""

    def __init__(self, project):
        super().__init__()
        self.project = project

    def __missing__(self, status: str) -> list[str]:
        targets = self[status] = [t for t, _kind in move_targets(current_user, self.project,
                                                                 status)]
        return targets


def _card_context(project) -> dict:
    """What the cards' markup needs: the item URLs and where each card may move."""
    item_base = url_for("backlog.item", key=project.key, number=1)[:-1]
    return {
        "cards_html": cards_renderer(item_base, f"{project.key}-"),
        "targets": MoveTargets(project),
        "can_rank": can_rank(current_user, project), "item_base": item_base, "page_size": PAGE,
    }


def more_cards(project, filters, status: str, shown: int):
    """"Show more": the column's next cards after the `shown` it has; the focus goes to the
    first of them (the link it was on may be gone)."""
    context = board_context(project, filters, [status], {status: PAGE}, offset=shown)
    first = min((cells[status][0] for lane in context["board"].lanes
                 for cells in [lane.cells] if cells[status]),
                key=lambda card: card.rank, default=None)
    return htmx_answer("board/_more_cards.html", focus=f"card-link-{first.number}"
                       if first is not None else None, **context)


def page_extras(project, wip_error=None, wip_values=None) -> dict:
    """What the full board page shows besides the board: filters and the WIP limits form."""
    return {"members": queries.members(project), "labels": queries.labels(project),
            "can_set_wip": can_set_wip_limits(current_user, project),
            "wip_values": wip_limits(project) if wip_values is None else wip_values,
            "wip_error": wip_error}


def wip_refused(project, values, refusal):
    """The board page with the WIP limits as posted and the reason they were refused."""
    return render_template("board/index.html", **page_extras(project, refusal, values),
                           **board_context(project, BoardFilters())), refusal.status


def moved_message(project, item, kind) -> str:
    """What became of the card, in words."""
    key = item_key(project.key, item.number)
    if kind == "accept":
        return _("%(key)s is accepted and done.", key=key)
    if kind == "reject":
        return _("%(key)s is rejected and back in progress.", key=key)
    if kind == "reopen":
        return _("%(key)s is reopened and back in progress.", key=key)
    if kind is None:
        return _("%(key)s stays in %(column)s.", key=key, column=status_label(item.status))
    return _("%(key)s is moved to %(column)s.", key=key, column=status_label(item.status))


def moved(project, number, touched: set, outcome):
    """After a move (made or refused): the touched columns of the board, or the item page when
    the move was made from it (plain POST: back there with the outcome)."""
    answer = item = None
    if outcome.ok:
        message, status_now, answer = outcome.value
    else:
        item = queries.get_item_or_404(project, number)
        message = (item_pages.stale_message(project, item) if outcome.stale
                   else outcome.refusal.message)
        status_now = item.status
    touched.add(status_now)
    key = request.view_args["key"]
    context = request.form.get("context")
    if not is_htmx():
        if outcome.status == 400:  # a request no page of ours makes: no page to go back to
            return error_page(400, _("Bad request"), message)
        fallback = (url_for("backlog.item", key=key, number=number)
                    if context == "item" else url_for("board.index", key=key))
        return redirect_with(message, safe_next(request.form.get("next"), fallback, f"/p/{key}/"),
                             "success" if outcome.ok else "error")
    if answer is not None:  # made before the commit, which expires what it shows
        focus = f"card-link-{number}" if request.form.get("focus") else None
        response = make_response(answer)
        response.vary.add("HX-Request")
        return add_triggers(response, message, focus)
    project = get_project_or_404(key)
    if context == "item":
        item = queries.get_item_or_404(project, number)
        return item_pages.render_item(project, item, outcome.status, announce=message,
                                      message=message, message_is_error=not outcome.ok)
    filters = BoardFilters.from_args(request.form)
    focus = f"card-link-{number}" if request.form.get("focus") else None
    if filters.lanes:  # swimlanes: the grid again, each cell as far as it was shown
        board = board_context(project, filters, None, shown_limits(request.form, STATUSES))
        return htmx_answer("board/_changes.html", outcome.status, announce=message,
                           focus=focus, message=message, message_is_error=not outcome.ok,
                           **board)
    return htmx_answer("board/_moved.html", outcome.status, announce=message, focus=focus,
                       message=message, message_is_error=not outcome.ok,
                       **moved_context(project, filters, item or queries.get_item_or_404(
                           project, number), touched))


def board_answer(project, item, touched: set, message: str) -> str | None:
    """The board's answer to an htmx move made on it (without swimlanes), rendered in the
    move's own transaction: after the commit, the project and the user would be read again."""
    if not is_htmx() or request.form.get("context") == "item":
        return None
    filters = BoardFilters.from_args(request.form)
    if filters.lanes:
        return None
    return render_template("board/_moved.html", message=message,
                           **moved_context(project, filters, item, touched))


def moved_context(project, filters, item, touched: set) -> dict:
    """A move's answer: the card where it now stands among the cards the board shows (or
    gone, when it stands further down than they reach), the touched columns' heads and their
    "Show more" — however long the columns are."""
    loaded = {s: parse_int(request.form.get(f"n_{s}", ""), 0, MOST_SHOWN) for s in touched}
    moved = moved_card(project, filters, current_user, item, touched,
                       {s: PAGE if n is None else n for s, n in loaded.items()})
    return {"project": project, "filters": filters, "moved": moved, "number": item.number,
            **_card_context(project)}
