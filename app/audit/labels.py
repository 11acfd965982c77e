"""Readable, translated names for audit actions and their details.

Areas register their own actions at import time:

    from app.audit.labels import register_actions
    register_actions({"item.accepted": _l("Item accepted")})
"""
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "account.signed_in": _l("Signed in"),
    "account.sign_in_failed": _l("Failed sign-in"),
    "account.signed_out": _l("Signed out"),
    "account.password_changed": _l("Password changed"),
    "organisation.created": _l("Organisation registered"),
    "project.created": _l("Project created"),
    "participation.added": _l("Organisation added to the project"),
    "participation.removed": _l("Organisation removed from the project"),
    "project.member_added": _l("Member added"),
    "project.member_removed": _l("Member removed"),
    "project.roles_changed": _l("Roles changed"),
    "digest.retry": _l("Digest sent again"),
    "item.accepted": _l("Item accepted"),
    "item.rejected": _l("Item rejected"),
    "item.reopened": _l("Item reopened"),
    "need.status_changed": _l("Need status changed"),
    "need.cosponsored": _l("Need co-sponsored"),
    "need.cosponsorship_withdrawn": _l("Co-sponsorship withdrawn"),
    "need.cosponsorship_changed": _l("Co-sponsorship changed"),
    "need.escalated": _l("Need escalated to the steering group"),
    "need.escalation_withdrawn": _l("Escalation withdrawn"),
    "need.escalation_decided": _l("Escalation decided by the steering group"),
    "decision.recorded": _l("Decision recorded"),
    "sprint.started": _l("Sprint started"),
    "sprint.closed": _l("Sprint closed"),
    "sprint.deleted": _l("Sprint deleted"),
}

DETAIL_LABELS = {
    "email": _l("E-mail"),
    "reason": _l("Reason"),
    "roles": _l("Roles"),
    "added": _l("Added"),
    "removed": _l("Removed"),
    "kind": _l("Kind"),
    "old": _l("Before"),
    "new": _l("After"),
    "rationale": _l("Rationale"),
    "organisation": _l("Organisation"),
    "cofund": _l("Willing to co-fund"),
    "test_municipality": _l("Willing to be a test municipality"),
    "by_system": _l("Done automatically"),
    "key": _l("Key"),
    "comment": _l("Comment"),
    "decision": _l("Decision"),
    "decided_on": _l("Decided on"),
    "needs": _l("Needs"),
    "items": _l("Items"),
    "outcomes": _l("Outcomes"),
    "committed": _l("Committed"),
    "completed": _l("Completed"),
    "unfinished": _l("Unfinished items"),
    "moved_to": _l("Unfinished items moved to"),
    "name": _l("Name"),
    "municipality_code": _l("Municipality code"),
    "cvr": _l("CVR number"),
    "requires_two_factor": _l("Members must use two-factor sign-in"),
    "requires_sso": _l("Members must use single sign-on"),
}

REASON_LABELS = {
    "unknown_account": _l("no account has this e-mail address"),
    "wrong_password": _l("wrong password"),
    "inactive_account": _l("the account is deactivated"),
    "sso_required": _l("the organisation requires single sign-on"),
}


def register_actions(labels: dict) -> None:
    """Add readable names for an area's actions (action name → lazy-translated label)."""
    ACTION_LABELS.update(labels)


def register_details(details: dict | None = None, reasons: dict | None = None) -> None:
    """Add readable names for an area's details and refusal reasons."""
    DETAIL_LABELS.update(details or {})
    REASON_LABELS.update(reasons or {})


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def detail_label(key: str) -> str:
    return DETAIL_LABELS.get(key, key)
