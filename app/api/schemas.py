"""The JSON Schemas of the API's bodies and representations: the request bodies are checked
against them (app.api.bodies) and the OpenAPI description publishes them (app.api.spec), so
what is documented is what is enforced."""
from app.backlog.models import MAX_LABEL, MAX_REASON, MAX_TEXT, MAX_TITLE, STATUSES, ItemType
from app.backlog.services import MAX_ESTIMATE, MAX_LABELS_PER_ITEM
from app.database import MAX_ID
from app.decisions.models import MAX_TEXT as DECISION_MAX_TEXT
from app.decisions.models import MAX_TITLE as DECISION_MAX_TITLE
from app.discovery.models import NeedStatus, NoteKind
from app.discovery.services import MAX_COSPONSOR_NOTE, MAX_NOTE, MAX_RATIONALE
from app.discovery.services import MAX_LENGTH as NEED_MAX_LENGTH
from app.discovery.services import REQUIRED_FIELDS as NEED_REQUIRED
from app.projects.models import Role

ITEM_TYPES = [t.value for t in ItemType]
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
LINKS = {"type": "object", "additionalProperties": {"type": ["string", "null"]}}
PERSON = {"type": ["object", "null"], "required": ["id", "name"],
          "properties": {"id": ID, "name": {"type": "string"}}}


def obj(properties: dict, required=None, additional: bool = False) -> dict:
    """An object schema; representations list every field as required (stable shapes)."""
    return {"type": "object", "properties": properties, "additionalProperties": additional,
            "required": list(properties) if required is None else required}


def page_of(ref: str) -> dict:
    return obj({"data": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
                "links": LINKS})


ITEM_FIELDS = {
    "title": {"type": "string", "maxLength": MAX_TITLE},
    "type": {"type": "string", "enum": ITEM_TYPES},
    "description": {"type": "string", "maxLength": MAX_TEXT},
    "acceptance_criteria": {"type": "string", "maxLength": MAX_TEXT},
    "estimate": {"type": ["number", "null"], "minimum": 0, "maximum": MAX_ESTIMATE},
    "assignee_id": NULLABLE_ID,
    "parent_number": NULLABLE_ID,
    "labels": {"type": "array", "items": {"type": "string", "maxLength": MAX_LABEL},
               "maxItems": MAX_LABELS_PER_ITEM},
    "is_blocked": {"type": "boolean"},
    "blocked_reason": {"type": "string", "maxLength": MAX_REASON},
}

SCHEMAS = {
    "Problem": obj({"type": {"type": "string"}, "title": {"type": "string"},
                    "status": {"type": "integer"}, "detail": {"type": "string"},
                    "instance": {"type": "string"},
                    "errors": {"type": "object", "additionalProperties": {"type": "string"}},
                    "current": {"type": "object"}},
                   required=["type", "title", "status", "detail"]),
    "Project": obj({"key": {"type": "string"}, "name": {"type": "string"},
                    "description": {"type": "string"}, "is_roadmap_public": {"type": "boolean"},
                    "my_roles": {"type": "array", "items": {"type": "string",
                                                            "enum": [r.value for r in Role]}},
                    "created_at": TIME, "links": LINKS}),
    "Member": obj({"id": ID, "name": {"type": "string"},
                   "organisation": obj({"id": ID, "name": {"type": "string"},
                                        "kind": {"type": "string"}}),
                   "roles": {"type": "array", "items": {"type": "string"}}}),
    "ItemSummary": obj({
        "key": {"type": "string"}, "number": ID, "type": {"type": "string", "enum": ITEM_TYPES},
        "title": {"type": "string"}, "status": {"type": "string", "enum": list(STATUSES)},
        "estimate": {"type": ["number", "null"]}, "assignee": PERSON,
        "parent_number": NULLABLE_ID, "labels": {"type": "array", "items": {"type": "string"}},
        "is_blocked": {"type": "boolean"}, "sprint_id": NULLABLE_ID, "version": ID,
        "updated_at": TIME, "links": LINKS}),
    "Comment": obj({"id": ID, "author": PERSON, "body": {"type": "string"},
                    "created_at": TIME}),
    "NewItem": obj({**ITEM_FIELDS, "position": {"type": "string", "enum": ["top", "bottom"]}},
                   required=["title"]),
    "ItemChanges": obj(ITEM_FIELDS, required=[]),
    "Move": obj({"status": {"type": "string", "enum": list(STATUSES)},
                 "reason": {"type": "string", "maxLength": MAX_REASON}}, required=["status"]),
    "Rank": obj({"where": {"type": "string", "enum": ["top", "bottom", "after", "before"]},
                 "anchor_number": ID}, required=["where"]),
    "NewComment": obj({"body": {"type": "string", "maxLength": MAX_TEXT}}, required=["body"]),
}
SCHEMAS["Item"] = obj({
    **SCHEMAS["ItemSummary"]["properties"],
    "description": {"type": "string"}, "acceptance_criteria": {"type": "string"},
    "blocked_reason": {"type": "string"}, "position": ID, "created_at": TIME,
    "accepted_at": NULLABLE_TIME, "rejected_at": NULLABLE_TIME,
    "rejected_reason": {"type": "string"}})
SCHEMAS["ProjectList"] = page_of("Project")
SCHEMAS["MemberList"] = page_of("Member")
SCHEMAS["ItemList"] = page_of("ItemSummary")
SCHEMAS["CommentList"] = page_of("Comment")

_DIGITS = {"type": "string", "pattern": r"^[0-9]{1,10}$"}
ITEM_QUERY = obj({
    "q": {"type": "string", "maxLength": 200},
    "type": {"type": "string", "enum": ITEM_TYPES},
    "status": {"type": "string", "enum": [*STATUSES, "open"]},
    "assignee": {"type": "string", "pattern": r"^(me|none|[0-9]{1,10})$"},
    "label": _DIGITS, "epic": {"type": "string", "pattern": r"^(none|[0-9]{1,10})$"},
    "blocked": {"type": "string", "enum": ["1", "true"]},
    "limit": {"type": "string", "pattern": r"^(100|[1-9][0-9]?)$"},
    "cursor": {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,400}$"},
}, required=[])
NO_QUERY = obj({}, required=[])

# Requirement discovery, sprints, decisions and the roadmap.
NEED_STATUSES = [s.value for s in NeedStatus]
ORGANISATION = obj({"id": ID, "name": {"type": "string"}})
NEED_TEXTS = {name: {"type": "string", "maxLength": limit}
              for name, limit in NEED_MAX_LENGTH.items()}
DAY = {"type": "string", "format": "date"}
SCHEMAS |= {
    "Cosponsorship": obj({"organisation": ORGANISATION, "note": {"type": "string"},
                          "is_willing_to_cofund": {"type": "boolean"},
                          "is_willing_to_test": {"type": "boolean"}, "created_at": TIME}),
    "NeedSummary": obj({"number": ID, "title": {"type": "string"},
                        "status": {"type": "string", "enum": NEED_STATUSES},
                        "organisation": ORGANISATION, "is_escalated": {"type": "boolean"},
                        "cosponsor_count": {"type": "integer"}, "updated_at": TIME,
                        "links": LINKS}),
    "NewNeed": obj(NEED_TEXTS, required=list(NEED_REQUIRED)),
    "NeedChanges": obj(NEED_TEXTS, required=[]),
    "Note": obj({"id": ID, "kind": {"type": "string", "enum": [k.value for k in NoteKind]},
                 "occurred_on": DAY, "body": {"type": "string"}, "author": PERSON,
                 "created_at": TIME}),
    "NewNote": obj({"kind": {"type": "string", "enum": [k.value for k in NoteKind]},
                    "body": {"type": "string", "maxLength": MAX_NOTE},
                    "occurred_on": {**DAY, "pattern": r"^\d{4}-\d{2}-\d{2}$"}},
                   required=["body"]),
    "Attachment": obj({"id": ID, "name": {"type": "string"}, "size": {"type": "integer"},
                       "content_type": {"type": "string"}, "sha256": {"type": "string"},
                       "uploaded_by": {"type": "string"}, "created_at": TIME,
                       "links": LINKS}),
    "NeedStatusChange": obj({"status": {"type": "string", "enum": NEED_STATUSES},
                             "rationale": {"type": "string", "maxLength": MAX_RATIONALE}},
                            required=["status"]),
    "NewCosponsorship": obj({"note": {"type": "string", "maxLength": MAX_COSPONSOR_NOTE},
                             "is_willing_to_cofund": {"type": "boolean"},
                             "is_willing_to_test": {"type": "boolean"}}, required=[]),
    "Sprint": obj({"id": ID, "name": {"type": "string"}, "goal": {"type": "string"},
                   "start_date": DAY, "end_date": DAY, "capacity": {"type": "number"},
                   "state": {"type": "string", "enum": ["planned", "active", "closed"]},
                   "committed_points": {"type": ["number", "null"]},
                   "completed_points": {"type": ["number", "null"]},
                   "version": ID, "links": LINKS}),
    "SprintItem": obj({"number": ID}),
    "Decision": obj({"id": ID, "decided_on": DAY, "title": {"type": "string"},
                     "text": {"type": "string"}, "recorded_by": {"type": "string"},
                     "needs": {"type": "array", "items": ID},
                     "items": {"type": "array", "items": {"type": "string"}},
                     "outcomes": {"type": "array", "items": obj({
                         "need_number": ID, "outcome": {"type": "string"},
                         "new_status": {"type": "string"}})},
                     "created_at": TIME,
                     "decision_type": {"type": ["string", "null"],
                                       "enum": ["strategic", "architecture", "operational",
                                                None]},
                     "state": {"type": "string",
                               "enum": ["proposed", "accepted", "superseded", "rejected"]},
                     "consequences": {"type": "string"},
                     "supersedes": {"type": "array", "items": ID},
                     "links": LINKS}),
    "NewDecision": obj({"decided_on": {**DAY, "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                        "title": {"type": "string", "maxLength": DECISION_MAX_TITLE},
                        "text": {"type": "string", "maxLength": DECISION_MAX_TEXT},
                        "need_numbers": {"type": "array", "items": ID, "maxItems": 100},
                        "item_numbers": {"type": "array", "items": ID, "maxItems": 100}},
                       required=["decided_on", "title"]),
}
SCHEMAS["Need"] = obj({
    **SCHEMAS["NeedSummary"]["properties"], **{k: {"type": "string"} for k in NEED_TEXTS},
    "status_rationale": {"type": "string"}, "submitter": PERSON, "created_at": TIME,
    "delivered_at": NULLABLE_TIME, "items": {"type": "array", "items": {"type": "string"}},
    "cosponsors": {"type": "array", "items": {"$ref": "#/components/schemas/Cosponsorship"}}})
SCHEMAS["SprintDetail"] = obj({
    **SCHEMAS["Sprint"]["properties"],
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/ItemSummary"}}})
SCHEMAS["NeedList"] = page_of("NeedSummary")
SCHEMAS["NoteList"] = page_of("Note")
SCHEMAS["AttachmentList"] = page_of("Attachment")
SCHEMAS["SprintList"] = page_of("Sprint")
SCHEMAS["DecisionList"] = page_of("Decision")
SCHEMAS["Roadmap"] = page_of("NeedSummary")
NEED_QUERY = obj({"status": {"type": "string", "enum": NEED_STATUSES},
                  "q": {"type": "string", "maxLength": 200},
                  "cursor": {"type": "string", "pattern": r"^[1-9][0-9]{0,3}$"}}, required=[])
DECISION_QUERY = obj({"q": {"type": "string", "maxLength": 200},
                      "cursor": {"type": "string", "pattern": r"^[1-9][0-9]{0,3}$"}},
                     required=[])
