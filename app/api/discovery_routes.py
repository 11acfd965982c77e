"""The API's needs: list, read, submit, edit, move along the lifecycle, keep the discovery log,
and co-sponsor or withdraw on behalf of the caller's municipality, under app.discovery's rules
and rights."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.api import bp
from app.api import representations as rep
from app.api.actions import (answer, check_etag, item_by_number, need_or_404, no_content,
                             project_or_404, run)
from app.api.bodies import day_of, json_body, query
from app.api.schemas import NEED_QUERY, SCHEMAS
from app.api.spec import operation
from app.discovery import queries, services, tracing
from app.discovery.permissions import (can_add_discovery_note, can_change_need_status,
                                       can_cosponsor_needs, can_edit_need, can_link_items,
                                       can_submit_need)
from app.projects.permissions import require
from app.web.navigation import external_url


def need_data(project, need) -> dict:
    return rep.need(need, project.key, queries.cosponsors_of(need), queries.linked_items(need))


def need_answer(project, need, status: int = 200):
    """The need's representation with its ETag (and Location when it is new)."""
    data = need_data(project, need)
    return answer(data, status, rep.need_etag(need),
                  data["links"]["self"] if status == 201 else None)


@operation(bp, "GET", "/projects/<key>/needs", _l("The project's needs, newest first"),
           "NeedList", query=NEED_QUERY)
def needs(key):
    """A page of the needs (by status, or matching q); `next` links on."""
    p = project_or_404(key)
    args = query(NEED_QUERY)
    filters = queries.NeedFilters.from_args({**args, "page": args.get("cursor", "1")})
    found = queries.list_needs(p, filters, current_user.organisation_id)
    link = lambda page: external_url("api.needs", key=key, **{  # noqa: E731
        k: v for k, v in args.items() if k != "cursor"}, cursor=page)
    return answer(rep.page([rep.need_summary(r.need, key, r.cosponsor_count)
                            for r in found.rows], self=link(found.page),
                           next=link(found.page + 1) if found.has_next else None))


@operation(bp, "POST", "/projects/<key>/needs", _l("Submit a need for my municipality"),
           "Need", status=201, body="NewNeed", etag=True)
def create_need(key):
    """Submit a need on behalf of the caller's municipality."""
    p = project_or_404(key)
    require(can_submit_need(current_user, p))
    body = json_body(SCHEMAS["NewNeed"])
    need = run(lambda: services.create_need(p, current_user, **body))
    return need_answer(p, need, 201)


@operation(bp, "GET", "/projects/<key>/needs/<int:number>", _l("A need"), "Need", etag=True)
def need(key, number):
    """One need with its co-sponsors."""
    p, n = need_or_404(key, number)
    return need_answer(p, n)


@operation(bp, "PATCH", "/projects/<key>/needs/<int:number>", _l("Change a need's texts"),
           "Need", body="NeedChanges", if_match=True, etag=True)
def update_need(key, number):
    """Change some of the need's texts; If-Match must carry the need's current ETag."""
    p, n = need_or_404(key, number)
    require(can_edit_need(current_user, n))
    check_etag(rep.need_etag(n), lambda: need_data(p, n))
    body = json_body(SCHEMAS["NeedChanges"])
    seen = services.edit_token(n)  # the texts the caller's ETag stands for
    run(lambda: services.update_need(n, current_user, seen, **body), lambda: need_data(p, n),
        lambda: rep.need_etag(n))
    return need_answer(p, n)


@operation(bp, "GET", "/projects/<key>/needs/<int:number>/notes",
           _l("A need's discovery log, newest first"), "NoteList")
def notes(key, number):
    """The discovery log: notes, workshop minutes, questions and answers."""
    _project, n = need_or_404(key, number)
    return answer(rep.page([rep.note(note) for note in queries.notes_of(n)],
                           self=external_url("api.notes", key=key, number=number), next=None))


@operation(bp, "POST", "/projects/<key>/needs/<int:number>/notes",
           _l("Add an entry to a need's discovery log"), "Note", status=201, body="NewNote")
def create_note(key, number):
    """Add a note, workshop minutes, a question or an answer (Markdown), dated."""
    p, n = need_or_404(key, number)
    require(can_add_discovery_note(current_user, p))
    body = json_body(SCHEMAS["NewNote"])
    day = day_of(body["occurred_on"], "occurred_on") if "occurred_on" in body else None
    note = run(lambda: services.add_note(n, current_user, body.get("kind", "note"),
                                         body["body"], day))
    return answer(rep.note(note), 201)


@operation(bp, "POST", "/projects/<key>/needs/<int:number>/status",
           _l("Move a need along its lifecycle"), "Need", body="NeedStatusChange",
           if_match=True, etag=True)
def change_need_status(key, number):
    """Change the need's status (declining and parking need a rationale)."""
    p, n = need_or_404(key, number)
    require(can_change_need_status(current_user, p))
    check_etag(rep.need_etag(n), lambda: need_data(p, n))
    body = json_body(SCHEMAS["NeedStatusChange"])
    run(lambda: services.set_status(n, body["status"], current_user, body.get("rationale")))
    return need_answer(p, n)


@operation(bp, "PUT", "/projects/<key>/needs/<int:number>/cosponsorship",
           _l("Co-sponsor a need for my municipality, or change the co-sponsorship"), "Need",
           body="NewCosponsorship", if_match=True, etag=True)
def cosponsor(key, number):
    """Co-sponsor the need on behalf of the caller's municipality (or change its note);
    If-Match must carry the need's current ETag."""
    p, n = need_or_404(key, number)
    require(can_cosponsor_needs(current_user, p))
    check_etag(rep.need_etag(n), lambda: need_data(p, n))
    body = json_body(SCHEMAS["NewCosponsorship"])
    change = (services.update_cosponsorship
              if services.cosponsorship_of(n, current_user.organisation_id) else services.cosponsor)
    run(lambda: change(n, current_user, body.get("note", ""),
                       body.get("is_willing_to_cofund", False),
                       body.get("is_willing_to_test", False)))
    return need_answer(p, n)


@operation(bp, "DELETE", "/projects/<key>/needs/<int:number>/cosponsorship",
           _l("Withdraw my municipality's co-sponsorship"), None, status=204)
def withdraw_cosponsorship(key, number):
    """Withdraw the co-sponsorship of the caller's municipality."""
    p, n = need_or_404(key, number)
    require(can_cosponsor_needs(current_user, p))
    run(lambda: services.withdraw_cosponsorship(n, current_user))
    return no_content()



@operation(bp, "POST", "/projects/<key>/needs/<int:number>/items",
           _l("Link a backlog item to the need (the need's status follows its items)"), "Need",
           body="SprintItem", etag=True)
def link_item(key, number):
    """Record that an item (by its number) serves the need."""
    p, n = need_or_404(key, number)
    require(can_link_items(current_user, p))
    body = json_body(SCHEMAS["SprintItem"])
    run(lambda: tracing.link_item(n, item_by_number(p, body["number"], "item"), current_user))
    return need_answer(p, n)
