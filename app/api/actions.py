"""What every API route shares: loading within the token's projects (404 otherwise), If-Match,
running one service call as the request's transaction with its refusal answered as problem
details, and JSON answers with their ETag."""
import hashlib
import json
from collections.abc import Callable

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.api import representations as rep
from app.api.auth import token_projects
from app.api.problems import ApiProblem
from app.audit.labels import register_actions, register_details
from app.audit.services import record
from app.backlog.models import Item
from app.backlog.queries import get_item_or_404
from app.backlog.services import position_of
from app.extensions import db
from app.projects.loaders import visible_project_or_404
from app.projects.models import Project
from app.services import RuleViolation, StaleVersion

# The services name the fields of the pages' forms; the API's fields are named for what they
# hold.
FIELD_NAMES = {"assignee": "assignee_id", "parent": "parent_number", "anchor": "anchor_number",
               "version": "If-Match"}
register_actions({"api.write": _l("Change through the API")})
register_details({"method": _l("Method"), "path": _l("Address")})


def project_or_404(key: str) -> Project:
    """The project if the token's user may see it and the token is limited to it; else 404.
    The token's projects are loaded with it: no statement to find the project."""
    project = visible_project_or_404(next((p for p in token_projects() if p.key == key), None))
    g.api_project = project
    return project


def item_or_404(key: str, number: int) -> tuple[Project, Item]:
    project = project_or_404(key)
    return project, get_item_or_404(project, number)


def item_by_number(project: Project, number, field: str) -> Item | None:
    """An item of the project named by its number in a body (None for null)."""
    if number is None:
        return None
    item = db.session.scalar(select(Item).where(Item.project_id == project.id,
                                                Item.number == number))
    if item is None:
        raise RuleViolation(_("There is no item %(n)d in this project.", n=number), field)
    return item


def if_match() -> str:
    """The If-Match header; 428 when it is missing."""
    value = request.headers.get("If-Match")
    if value is None:
        raise ApiProblem(428, _("Send If-Match with the ETag of what you change, so that "
                                "nobody's change is overwritten unseen."))
    return value


def if_match_item(project: Project, item: Item) -> int | None:
    """The item's version the change is based on (None for "*"), after checking If-Match
    against the item's ETag (428 without one, 412 with the current item when it differs); the
    service checks the version again as it writes."""
    check_etag(rep.etag_of(item.version_id), lambda: item_data(project, item))
    return None if if_match().strip() == "*" else item.version_id


def run(action: Callable, current: Callable[[], dict] | None = None,
        current_etag: Callable[[], str] | None = None):
    """Run a service call, audit it as the token's write and commit; a refusal rolls back and
    answers its problem (a stale version: 412 with the current representation and its ETag,
    `current_etag` or the representation's version)."""
    try:
        value = action()
        _audit_write()
        db.session.commit()
    except (StaleVersion, StaleDataError):
        db.session.rollback()
        data = current() if current else None
        etag = (current_etag() if current_etag else rep.etag_of(data["version"])) if data else None
        raise ApiProblem(412, _("Someone else changed this meanwhile; nothing was saved. "
                                "The current version is in 'current'."), current=data,
                         headers={"ETag": etag} if etag else None) from None
    except RuleViolation as refusal:
        db.session.rollback()
        field = FIELD_NAMES.get(refusal.field, refusal.field)
        raise ApiProblem(refusal.status, refusal.message,
                         {field: refusal.message} if field else None) from None
    return value


def _audit_write() -> None:
    """Every change made with a token is in the audit log: which token, which call (the
    area's own record, where it keeps one, says what changed)."""
    token = g.get("api_token")
    if token is not None:
        record("api.write", project=g.get("api_project"), target=token, target_label=token.name,
               method=request.method, path=request.path)


def answer(data: dict, status: int = 200, etag: str | None = None,
           location: str | None = None):
    """A JSON answer (with its ETag and Location when given)."""
    body = json.dumps(data, ensure_ascii=False)
    response = current_app.response_class(body, status=status, mimetype="application/json")
    if etag is None and request.method == "GET":
        # Every resource has an ETag; what cannot be changed through the API gets a weak one
        # of its representation (a cache may revalidate with it).
        etag = 'W/"' + hashlib.sha256(body.encode()).hexdigest()[:24] + '"'
    if etag:
        response.headers["ETag"] = etag
    if location:
        response.headers["Location"] = location
    return response


def item_change(project: Project, item: Item, action: Callable):
    """Run a change of the item (see `run`) and answer its new representation, built after
    the change is flushed and before the commit, which would expire it all and cost four
    statements to read back."""
    def change():
        action()
        db.session.flush()
        return item_data(project, item)
    data = run(change, lambda: item_data(project, item))
    return answer(data, 200, rep.etag_of(data["version"]))


def item_answer(project: Project, item: Item, status: int = 200):
    """The item's representation with its ETag."""
    data = item_data(project, item)
    location = data["links"]["self"] if status == 201 else None
    return answer(data, status, rep.etag_of(item.version_id), location)


def item_data(project: Project, item: Item) -> dict:
    return rep.item(item, project.key, position_of(item))


def need_or_404(key: str, number: int):
    """(project, need <number>) within the token's projects; 404 otherwise."""
    from app.discovery.queries import need_by_number

    project = project_or_404(key)
    need = need_by_number(project, number)
    if need is None:
        abort(404)
    return project, need


def check_etag(etag: str, current: Callable[[], dict]) -> None:
    """Refuse a change based on another version than `etag` (412 with the current one);
    If-Match is required (428)."""
    value = if_match()
    if value.strip() != "*" and etag not in [v.strip() for v in value.split(",")]:
        raise ApiProblem(412, _("Someone else changed this meanwhile; nothing was saved. "
                                "The current version is in 'current'."), current=current(),
                         headers={"ETag": etag})


def no_content():
    """204: done, nothing to say (and no Content-Type for a body that is not there)."""
    response = current_app.response_class(status=204)
    response.headers.pop("Content-Type", None)
    return response
