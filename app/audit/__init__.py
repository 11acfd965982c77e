"""The audit log: who did what, when and from where. This package records and reads it; its
pages are in `app.admin.audit`.

Any area records a governance- or security-relevant change with
`app.audit.services.record(action, project=..., target=..., **details)` in the same
transaction as the change itself (record() adds the row; the caller's flush/commit saves it).

Action names are `<subject>.<what happened>`: a singular lower-case noun for the kind of thing
acted on, a dot, and a past-tense verb phrase in snake_case. Existing and reserved names:

    account.signed_in            account.sign_in_failed       account.signed_out
    account.password_changed     account.password_reset_requested
    account.password_reset       organisation.created         project.created
    participation.added          participation.removed
    project.member_added         project.member_removed       project.roles_changed
    item.accepted                item.rejected                item.reopened  (board)
    need.status_changed          need.cosponsored             need.cosponsorship_withdrawn
    need.cosponsorship_changed
    need.escalated               need.escalation_withdrawn    need.escalation_decided
                                                                                 (discovery)
    decision.recorded                                          (decisions)
    sprint.started               sprint.closed                sprint.deleted   (sprints)
    digest.retry                                               (digests)
    invitation.sent              invitation.resent            invitation.revoked
    invitation.accepted                                        (invitations)

Keep `details` small, JSON-serialisable and free of secrets (never a password or a token):
e.g. `record("need.status_changed", project=p, target=need, old="submitted", new="ready")`.
Give each new action a readable label with `app.audit.labels.register_actions({...})` at
import time of your area (or in `ACTION_LABELS`), and each new detail a label in
`DETAIL_LABELS` and, when its value is a code (a status, a role, a date), a formatter in
`app.admin.audit_details`, so the audit pages show it in the user's language;
tests/security/test_audit_words.py fails until they do.
"""
