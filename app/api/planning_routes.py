"""The API's sprints (read; commit items and take them out), decisions (read, record) and the
roadmap (read), under the sprints', decisions' and discovery's rules and rights."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.api import bp
from app.api import representations as rep
from app.api.actions import answer, item_by_number, project_or_404, run
from app.api.bodies import day_of, json_body, query
from app.api.problems import ApiProblem
from app.api.schemas import DECISION_QUERY, NO_QUERY, SCHEMAS
from app.api.spec import operation
from app.backlog.queries import get_item_or_404
from app.decisions import queries as decision_queries
from app.decisions.permissions import can_record_decision
from app.decisions.services import record_decision
from app.discovery.queries import need_by_number, roadmap_needs
from app.projects.permissions import require
from app.sprints import services as sprint_services
from app.sprints.permissions import can_plan_sprints
from app.sprints.queries import get_sprint_or_404, sprint_lists
from app.web.navigation import external_url


def sprint_answer(project, sprint):
    data = rep.sprint(sprint, project.key)
    data["items"] = [rep.item_summary(i, project.key)
                     for i in sprint_services.sprint_items(sprint)]
    return answer(data, etag=rep.etag_of(sprint.version_id))


@operation(bp, "GET", "/projects/<key>/sprints", _l("The project's sprints"), "SprintList",
           query=NO_QUERY)
def sprints(key):
    """The active sprint, the planned ones (soonest first), then the closed ones."""
    p = project_or_404(key)
    query(NO_QUERY)
    lists = sprint_lists(p)
    figures = [*([lists.active] if lists.active else []), *lists.planned, *lists.closed]
    return answer(rep.page([rep.sprint(f.sprint, key) for f in figures],
                           self=external_url("api.sprints", key=key), next=None))


@operation(bp, "GET", "/projects/<key>/sprints/<int:sprint_id>", _l("A sprint and its items"),
           "SprintDetail", etag=True)
def sprint(key, sprint_id):
    """One sprint with its items in rank order."""
    p = project_or_404(key)
    return sprint_answer(p, get_sprint_or_404(p, sprint_id))


@operation(bp, "POST", "/projects/<key>/sprints/<int:sprint_id>/items",
           _l("Commit an item to the sprint"), "SprintDetail", body="SprintItem", etag=True)
def commit_to_sprint(key, sprint_id):
    """Commit a backlog item (by its number) to the sprint."""
    p = project_or_404(key)
    require(can_plan_sprints(current_user, p))
    s = get_sprint_or_404(p, sprint_id)
    body = json_body(SCHEMAS["SprintItem"])
    run(lambda: sprint_services.commit_item(s, current_user,
                                            item_by_number(p, body["number"], "item")))
    return sprint_answer(p, s)


@operation(bp, "DELETE", "/projects/<key>/sprints/<int:sprint_id>/items/<int:number>",
           _l("Take an item out of the sprint"), "SprintDetail", etag=True)
def remove_from_sprint(key, sprint_id, number):
    """Take the item out of the sprint, back to the backlog."""
    p = project_or_404(key)
    require(can_plan_sprints(current_user, p))
    s = get_sprint_or_404(p, sprint_id)
    item = get_item_or_404(p, number, lean=True)
    run(lambda: sprint_services.remove_item(s, current_user, item))
    return sprint_answer(p, s)


@operation(bp, "GET", "/projects/<key>/decisions", _l("The decision log, newest first"),
           "DecisionList", query=DECISION_QUERY)
def decisions(key):
    """A page of the steering group's decisions (matching q); `next` links on."""
    p = project_or_404(key)
    args = query(DECISION_QUERY)
    log = decision_queries.decision_log(p, args.get("q", ""), int(args.get("cursor", "1")))
    link = lambda page: external_url("api.decisions", key=key, q=args.get("q"),  # noqa: E731
                                cursor=page)
    return answer(rep.page([rep.decision(d, key) for d in log.decisions], self=link(log.page),
                           next=link(log.page + 1) if log.page < log.pages else None))


@operation(bp, "GET", "/projects/<key>/decisions/<int:decision_id>", _l("A decision"),
           "Decision")
def decision(key, decision_id):
    """One decision."""
    p = project_or_404(key)
    return answer(rep.decision(decision_queries.get_decision_or_404(p, decision_id), key))


@operation(bp, "POST", "/projects/<key>/decisions", _l("Record a decision"), "Decision",
           status=201, body="NewDecision")
def record(key):
    """Record a decision of the steering group, linked to needs and items by number."""
    p = project_or_404(key)
    require(can_record_decision(current_user, p))
    body = json_body(SCHEMAS["NewDecision"])
    d = run(lambda: record_decision(
        p, current_user, decided_on=day_of(body["decided_on"], "decided_on"), title=body["title"],
        text=body.get("text", ""), needs=[_need(p, n) for n in body.get("need_numbers", [])],
        items=[item_by_number(p, n, "item_numbers") for n in body.get("item_numbers", [])]))
    data = rep.decision(d, key)
    return answer(data, 201, location=data["links"]["self"])


def _need(project, number: int):
    need = need_by_number(project, number)
    if need is None:
        raise ApiProblem(422, _("There is no need %(n)d in this project.", n=number),
                         {"need_numbers": _("There is no need %(n)d in this project.",
                                            n=number)})
    return need


@operation(bp, "GET", "/projects/<key>/roadmap", _l("The roadmap: planned, delivered and "
                                                      "publicly declined needs"), "Roadmap")
def roadmap(key):
    """The needs the roadmap shows, newest status change first."""
    p = project_or_404(key)
    return answer(rep.page([rep.need_summary(n, key, len(n.cosponsors))
                            for n in roadmap_needs(p)],
                           self=external_url("api.roadmap", key=key), next=None))

