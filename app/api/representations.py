"""The API's representations: plain JSON with stable field names (app.api.schemas), times in
ISO 8601 UTC, the item key, and `links` to the API and to the web page of each thing."""
import base64
import binascii
import hashlib
from datetime import UTC, datetime


from app.backlog.models import Item
from app.discovery.services import TEXT_FIELDS as NEED_TEXTS
from app.discovery.services import edit_token
from app.web.navigation import external_url


def iso(moment: datetime | None) -> str | None:
    """An instant in ISO 8601, in UTC ("2026-12-02T07:15:00Z")."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def etag_of(version: int) -> str:
    return f'"v{version}"'


def cursor_of(rank: str | None) -> str | None:
    return base64.urlsafe_b64encode(rank.encode()).decode().rstrip("=") if rank else None


def rank_of(cursor: str | None) -> str | None:
    """The rank a cursor stands for, or None when it is not one of ours."""
    if not cursor:
        return None
    try:
        rank = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return rank if rank.isalnum() else None


def person(user) -> dict | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def project(p, roles) -> dict:
    return {"key": p.key, "name": p.name, "description": p.description,
            "is_roadmap_public": p.is_roadmap_public, "my_roles": sorted(roles),
            "created_at": iso(p.created_at),
            "links": {"self": external_url("api.project", key=p.key),
                      "items": external_url("api.items", key=p.key),
                      "members": external_url("api.members", key=p.key),
                      "web": external_url("my.overview", key=p.key)}}


def member(membership) -> dict:
    user, org = membership.user, membership.user.organisation
    return {"id": user.id, "name": user.name,
            "organisation": {"id": org.id, "name": org.name, "kind": org.kind},
            "roles": sorted(membership.role_names)}


def item_summary(item: Item, key: str) -> dict:
    """An item as the list shows it (no long texts)."""
    return {"key": item.key_in(key), "number": item.number, "type": item.type,
            "title": item.title, "status": item.status, "estimate": item.estimate,
            "assignee": person(item.assignee),
            "parent_number": item.parent.number if item.parent_id else None,
            "labels": [label.name for label in item.labels], "is_blocked": item.is_blocked,
            "sprint_id": item.sprint_id, "version": item.version_id,
            "updated_at": iso(item.updated_at),
            "links": {"self": external_url("api.item", key=key, number=item.number),
                      "web": external_url("backlog.item", key=key, number=item.number)}}


def item(item: Item, key: str, position: int) -> dict:
    """An item with everything the API tells of it."""
    out = item_summary(item, key)
    out["links"]["comments"] = external_url("api.comments", key=key, number=item.number)
    out["links"]["attachments"] = external_url("api.item_files", key=key, number=item.number)
    return out | {"description": item.description,
                  "acceptance_criteria": item.acceptance_criteria,
                  "blocked_reason": item.blocked_reason, "position": position,
                  "created_at": iso(item.created_at), "accepted_at": iso(item.accepted_at),
                  "rejected_at": iso(item.rejected_at), "rejected_reason": item.rejected_reason}


def comment(c) -> dict:
    return {"id": c.id, "author": person(c.author), "body": c.body,
            "created_at": iso(c.created_at)}


def page(data: list, **links) -> dict:
    return {"data": data, "links": links}


def organisation(org) -> dict:
    return {"id": org.id, "name": org.name}


def need_etag(n) -> str:
    """A need's ETag: it changes whenever the need is touched (texts, status, co-sponsors,
    escalation all move `updated_at`) or its texts change."""
    seed = f"{iso(n.updated_at)}|{n.status}|{n.is_escalated}|{edit_token(n)}"
    return '"n' + hashlib.sha256(seed.encode()).hexdigest()[:24] + '"'


def need_summary(n, key: str, cosponsor_count: int) -> dict:
    return {"number": n.number, "title": n.title, "status": n.status,
            "organisation": organisation(n.organisation), "is_escalated": n.is_escalated,
            "cosponsor_count": cosponsor_count, "updated_at": iso(n.updated_at),
            "links": {"self": external_url("api.need", key=key, number=n.number),
                      "web": external_url("discovery.show", key=key, number=n.number)}}


def cosponsorship(c) -> dict:
    return {"organisation": organisation(c.organisation), "note": c.note,
            "is_willing_to_cofund": c.is_willing_to_cofund,
            "is_willing_to_test": c.is_willing_to_test, "created_at": iso(c.created_at)}


def need(n, key: str, cosponsors: list, items: list) -> dict:
    texts = {name: getattr(n, name) or "" for name in NEED_TEXTS}
    out = need_summary(n, key, len(cosponsors))
    out["links"] |= {"notes": external_url("api.notes", key=key, number=n.number),
                     "attachments": external_url("api.need_files", key=key, number=n.number)}
    return out | texts | {
        "items": [i.key_in(key) for i in items],
        "status_rationale": n.status_rationale, "submitter": person(n.submitter),
        "created_at": iso(n.created_at), "delivered_at": iso(n.delivered_at),
        "cosponsors": [cosponsorship(c) for c in cosponsors]}


def note(n) -> dict:
    return {"id": n.id, "kind": n.kind, "occurred_on": n.occurred_on.isoformat(),
            "body": n.body, "author": person(n.author), "created_at": iso(n.created_at)}


def attachment(a, key: str) -> dict:
    links = {"content": external_url("api.attachment_content", key=key, attachment_id=a.id),
             "web": external_url("attachments.file", key=key, attachment_id=a.id)}
    if a.thumbnail_key:
        links["thumbnail"] = external_url("attachments.thumbnail", key=key, attachment_id=a.id)
    return {"id": a.id, "name": a.name, "size": a.size, "content_type": a.content_type,
            "sha256": a.sha256, "uploaded_by": a.uploaded_by_label,
            "created_at": iso(a.created_at), "links": links}


def sprint(s, key: str) -> dict:
    return {"id": s.id, "name": s.name, "goal": s.goal, "start_date": s.start_date.isoformat(),
            "end_date": s.end_date.isoformat(), "capacity": s.capacity, "state": s.state,
            "committed_points": s.committed_points, "completed_points": s.completed_points,
            "version": s.version_id,
            "links": {"self": external_url("api.sprint", key=key, sprint_id=s.id),
                      "web": external_url("sprints.show", key=key, sprint_id=s.id)}}


def decision(d, key: str) -> dict:
    return {"id": d.id, "decided_on": d.decided_on.isoformat(), "title": d.title,
            "text": d.text, "recorded_by": d.recorded_by_label,
            "needs": [n.number for n in d.needs], "items": [i.key_in(key) for i in d.items],
            "outcomes": [{"need_number": o.need.number, "outcome": o.outcome,
                          "new_status": o.new_status} for o in d.outcomes],
            "created_at": iso(d.created_at), "decision_type": d.decision_type,
            "state": d.state, "consequences": d.consequences,
            "supersedes": [other.id for other in d.supersedes],
            "links": {"self": external_url("api.decision", key=key, decision_id=d.id),
                      "web": external_url("decisions.show", key=key, decision_id=d.id)}}
