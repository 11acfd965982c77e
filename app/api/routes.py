"""The API's routes: load within the token's projects (404), check the same predicates as the
pages (403), call the area's service, answer its representation. Each is documented where it
is declared (app.api.spec)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.api import bp
from app.api import representations as rep
from app.api.actions import (answer, if_match_item, item_answer, item_by_number, item_change,
                             item_or_404, project_or_404, run)
from app.api.auth import token_projects
from app.api.bodies import json_body, query
from app.api.problems import ApiProblem
from app.api.schemas import ITEM_QUERY, NO_QUERY, SCHEMAS
from app.api.spec import build_spec, operation
from app.backlog import queries as backlog_queries
from app.backlog import services as backlog
from app.backlog.permissions import can_comment, can_edit_items, can_rank
from app.board.permissions import can_move_between, can_move_cards
from app.board.services import move_item
from app.projects.permissions import can_view_project, require, roles_in
from app.projects.services import memberships_with_people
from app.web.navigation import external_url

DEFAULT_LIMIT = 50


@operation(bp, "GET", "/openapi.json", _l("This description (OpenAPI 3.1)"), None)
def openapi():
    """The OpenAPI description, generated from the routes and schemas."""
    return answer(build_spec(external_url("api.projects").rsplit("/", 1)[0]))


@operation(bp, "GET", "/projects", _l("My projects"), "ProjectList", query=NO_QUERY)
def projects():
    """The projects the token may reach that its user is still a member of."""
    query(NO_QUERY)
    mine = [p for p in token_projects() if can_view_project(current_user, p)]
    return answer(rep.page([rep.project(p, roles_in(current_user, p)) for p in mine],
                           self=external_url("api.projects"), next=None))


@operation(bp, "GET", "/projects/<key>", _l("A project"), "Project")
def project(key):
    """One project."""
    p = project_or_404(key)
    return answer(rep.project(p, roles_in(current_user, p)))


@operation(bp, "GET", "/projects/<key>/members", _l("The project's members"), "MemberList")
def members(key):
    """The members, their organisations and roles."""
    p = project_or_404(key)
    return answer(rep.page([rep.member(m) for m in memberships_with_people(p)],
                           self=external_url("api.members", key=key), next=None))


@operation(bp, "GET", "/projects/<key>/items", _l("The ranked backlog, filtered, by pages"),
           "ItemList", query=ITEM_QUERY)
def items(key):
    """A page of the backlog in rank order, with the backlog's filters; `next` links on."""
    p = project_or_404(key)
    args = query(ITEM_QUERY)
    filters = backlog_queries.BacklogFilters.from_args(args)
    limit = int(args.get("limit", DEFAULT_LIMIT))
    after = rep.rank_of(args.get("cursor"))
    if args.get("cursor") and after is None:
        raise ApiProblem(400, _("This cursor is not one the API gave."), {"cursor": _("Invalid.")})
    rows, more = backlog_queries.backlog_page(p, filters, current_user, after, limit)
    link = lambda cursor: external_url("api.items", key=key, **filters.as_args(),  # noqa: E731
                                  limit=limit, cursor=rep.cursor_of(cursor))
    return answer(rep.page([rep.item_summary(i, key) for i in rows],
                           self=link(after), next=link(more) if more else None))


@operation(bp, "POST", "/projects/<key>/items", _l("Create an item"), "Item", status=201,
           body="NewItem", etag=True)
def create_item(key):
    """Create an item at the bottom (or top) of the backlog."""
    p = project_or_404(key)
    require(can_edit_items(current_user, p))
    body = json_body(SCHEMAS["NewItem"])
    item = run(lambda: backlog.create_item(
        p, current_user, body["title"], body.get("type", "story"), body.get("position", "bottom"),
        body.get("estimate"), body.get("description", ""), body.get("acceptance_criteria", ""),
        body.get("assignee_id"), _id_of(item_by_number(p, body.get("parent_number"),
                                                          "parent")), body.get("labels", ())))
    return item_answer(p, item, 201)


def _id_of(item):
    return item.id if item is not None else None


@operation(bp, "GET", "/projects/<key>/items/<int:number>", _l("An item"), "Item", etag=True)
def item(key, number):
    """One item, with its ETag."""
    p, i = item_or_404(key, number)
    return item_answer(p, i)


@operation(bp, "PATCH", "/projects/<key>/items/<int:number>", _l("Change an item's fields"),
           "Item", body="ItemChanges", if_match=True, etag=True)
def update_item(key, number):
    """Change some fields; If-Match must carry the item's current ETag."""
    p, i = item_or_404(key, number)
    require(can_edit_items(current_user, p))
    version = if_match_item(p, i)
    body = json_body(SCHEMAS["ItemChanges"])

    def change():
        changes = {RENAMED.get(k, k): v for k, v in body.items() if k != "parent_number"}
        if "parent_number" in body:
            changes["parent"] = _id_of(item_by_number(p, body["parent_number"], "parent"))
        return backlog.update_item(i, current_user, changes, version)
    return item_change(p, i, change)


RENAMED = {"assignee_id": "assignee"}


@operation(bp, "POST", "/projects/<key>/items/<int:number>/move",
           _l("Move an item to a status: accept, reject and reopen included"), "Item",
           body="Move", if_match=True, etag=True)
def move(key, number):
    """The board's move, with the workflow's rules and rights."""
    p, i = item_or_404(key, number)
    require(can_move_cards(current_user, p))
    version = if_match_item(p, i)
    body = json_body(SCHEMAS["Move"])
    require(can_move_between(current_user, p, i.status, body["status"]))
    return item_change(p, i, lambda: move_item(i, current_user, body["status"], version,
                                               body.get("reason", "")))


@operation(bp, "POST", "/projects/<key>/items/<int:number>/rank",
           _l("Rank an item: top, bottom, or after or before another"), "Item", body="Rank",
           if_match=True, etag=True)
def rank(key, number):
    """Move the item in the ranked backlog (the product owners' right)."""
    p, i = item_or_404(key, number)
    require(can_rank(current_user, p))
    version = if_match_item(p, i)
    body = json_body(SCHEMAS["Rank"])
    return item_change(p, i, lambda: backlog.rank_item(
        i, current_user, body["where"], item_by_number(p, body.get("anchor_number"), "anchor"),
        version))


@operation(bp, "GET", "/projects/<key>/items/<int:number>/comments", _l("An item's comments"),
           "CommentList")
def comments(key, number):
    """The comments, oldest first."""
    _project, i = item_or_404(key, number)
    return answer(rep.page([rep.comment(c) for c in backlog_queries.item_comments(i)],
                           self=external_url("api.comments", key=key, number=number), next=None))


@operation(bp, "POST", "/projects/<key>/items/<int:number>/comments", _l("Comment on an item"),
           "Comment", status=201, body="NewComment")
def create_comment(key, number):
    """Add a comment (Markdown)."""
    p, i = item_or_404(key, number)
    require(can_comment(current_user, p))
    body = json_body(SCHEMAS["NewComment"])
    comment = run(lambda: backlog.add_comment(i, current_user, body["body"]))
    return answer(rep.comment(comment), 201)

