"""Everything Samspil holds about one person, as data (GDPR Art. 15): the account, where they
take part, how they sign in, and what they wrote, did and were sent. Secrets are never part of
it (password hashes, TOTP secrets, token digests): they are described, not copied."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.accounts.models import PasswordReset, User
from app.audit.labels import register_actions
from app.audit.models import AuditEvent
from app.audit.services import record
from app.backlog.models import Comment, Item, ItemHistory, item_key
from app.database import utcnow
from app.decisions.models import Decision
from app.digests.models import DigestDelivery, DigestSubscription
from app.discovery.models import Need, NeedChange, NeedCoSponsor, NeedNote
from app.extensions import db
from app.invitations.models import Invitation
from app.notifications.models import (Notification, NotificationEmail, NotificationPreference,
                                      ProjectWatchDefault, Watch)
from app.projects.models import Membership, Project
from app.sprints.models import Sprint
from app.api.models import AccessToken
from app.attachments.models import Attachment
from app.sso.models import Identity

FORMAT = "samspil-personal-data"
VERSION = 1

register_actions({"user.personal_data_exported": _l("Personal data exported")})


def _when(value):
    return value.isoformat() if value is not None else None


def _all(stmt) -> list:
    return list(db.session.execute(stmt))


def _projects() -> dict[int, str]:
    return {row.id: row.key for row in db.session.execute(select(Project.id, Project.key))}


def account(user: User) -> dict:
    return {"id": user.id, "name": user.name, "email": user.email,
            "organisation": user.organisation.name, "language": user.locale,
            "is_active": user.is_active, "is_site_admin": user.is_site_admin,
            "has_password": user.has_password, "has_two_factor": user.has_two_factor,
            "created_at": _when(user.created_at), "last_login_at": _when(user.last_login_at)}


def _memberships(user) -> list[dict]:
    rows = db.session.scalars(select(Membership).where(Membership.user_id == user.id)
                              .order_by(Membership.created_at))
    return [{"project": m.project.key, "project_name": m.project.name,
             "roles": sorted(m.role_names), "since": _when(m.created_at)} for m in rows]


def _identities(user) -> list[dict]:
    rows = db.session.scalars(select(Identity).where(Identity.user_id == user.id)
                              .order_by(Identity.id))
    return [{"provider": i.provider, "subject": i.subject, "created_at": _when(i.created_at),
             "last_used_at": _when(i.last_used_at)} for i in rows]


def _access_tokens(user) -> list[dict]:
    """The person's API tokens: what they are for and when used (never the secret's digest)."""
    rows = db.session.scalars(select(AccessToken).where(AccessToken.user_id == user.id)
                              .order_by(AccessToken.id))
    return [{"name": t.name, "hint": t.hint, "projects": sorted(p.key for p in t.projects),
             "can_write": t.can_write, "created_at": _when(t.created_at),
             "expires_at": _when(t.expires_at), "last_used_at": _when(t.last_used_at),
             "revoked_at": _when(t.revoked_at)} for t in rows]


def _attachments(user, keys) -> list[dict]:
    """The files the person attached (their names and where; the files are in Samspil)."""
    rows = db.session.scalars(select(Attachment).where(Attachment.uploaded_by_id == user.id)
                              .order_by(Attachment.id))
    return [{"project": keys.get(a.project_id), "on": f"{a.container_kind} {a.container_id}",
             "name": a.name, "size": a.size, "content_type": a.content_type,
             "created_at": _when(a.created_at), "deleted_at": _when(a.deleted_at)}
            for a in rows]


def _items(user, keys) -> dict:
    def row(i):
        return {"key": item_key(keys[i.project_id], i.number), "title": i.title,
                "status": i.status, "created_at": _when(i.created_at)}

    created = db.session.scalars(select(Item).where(Item.created_by_id == user.id)
                                 .order_by(Item.id))
    assigned = db.session.scalars(select(Item).where(Item.assignee_id == user.id)
                                  .order_by(Item.id))
    accepted = db.session.scalars(select(Item).where(or_(Item.accepted_by_id == user.id,
                                                         Item.rejected_by_id == user.id))
                                  .order_by(Item.id))
    return {"created": [row(i) for i in created], "assigned": [row(i) for i in assigned],
            "accepted_or_rejected": [row(i) for i in accepted]}


def _comments(user, keys) -> list[dict]:
    rows = _all(select(Comment, Item.project_id, Item.number).join(Item)
                .where(Comment.author_id == user.id).order_by(Comment.id))
    return [{"item": item_key(keys[project_id], number), "body": c.body,
             "created_at": _when(c.created_at)} for c, project_id, number in rows]


def _item_changes(user, keys) -> list[dict]:
    rows = _all(select(ItemHistory, Item.number).join(Item, Item.id == ItemHistory.item_id)
                .where(ItemHistory.actor_id == user.id).order_by(ItemHistory.id))
    return [{"item": item_key(keys[h.project_id], number), "field": h.field,
             "old": h.old_value, "new": h.new_value, "note": h.note,
             "at": _when(h.created_at)} for h, number in rows]


def _needs(user, keys) -> dict:
    submitted = db.session.scalars(select(Need).where(Need.submitter_id == user.id)
                                   .order_by(Need.id))
    notes = _all(select(NeedNote, Need.project_id, Need.number).join(Need)
                 .where(NeedNote.author_id == user.id).order_by(NeedNote.id))
    cosponsored = _all(select(NeedCoSponsor, Need.project_id, Need.number).join(Need)
                       .where(NeedCoSponsor.created_by_id == user.id).order_by(NeedCoSponsor.id))
    changes = _all(select(NeedChange, Need.project_id, Need.number).join(Need)
                   .where(NeedChange.actor_id == user.id).order_by(NeedChange.id))
    return {
        "submitted": [{"project": keys[n.project_id], "number": n.number, "title": n.title,
                       "background": n.background, "desired_outcome": n.desired_outcome,
                       "expected_value": n.expected_value, "assumptions": n.assumptions,
                       "risks": n.risks, "out_of_scope": n.out_of_scope, "status": n.status,
                       "created_at": _when(n.created_at)} for n in submitted],
        "notes": [{"project": keys[p], "need": number, "kind": note.kind, "body": note.body,
                   "occurred_on": _when(note.occurred_on), "created_at": _when(note.created_at)}
                  for note, p, number in notes],
        "cosponsorships": [{"project": keys[p], "need": number, "note": c.note,
                            "is_willing_to_cofund": c.is_willing_to_cofund,
                            "is_willing_to_test": c.is_willing_to_test,
                            "created_at": _when(c.created_at)} for c, p, number in cosponsored],
        "changes": [{"project": keys[p], "need": number, "field": c.field, "old": c.old_value,
                     "new": c.new_value, "comment": c.comment, "at": _when(c.created_at)}
                    for c, p, number in changes],
    }


def _decisions(user, keys) -> list[dict]:
    rows = db.session.scalars(select(Decision).where(Decision.recorded_by_id == user.id)
                              .order_by(Decision.id))
    return [{"project": keys[d.project_id], "title": d.title, "decided_on": _when(d.decided_on),
             "recorded_at": _when(d.created_at)} for d in rows]


def _sprints(user, keys) -> list[dict]:
    rows = db.session.scalars(select(Sprint).where(or_(
        Sprint.created_by_id == user.id, Sprint.started_by_id == user.id,
        Sprint.closed_by_id == user.id, Sprint.retro_updated_by_id == user.id))
        .order_by(Sprint.id))
    return [{"project": keys[s.project_id], "name": s.name,
             "created": s.created_by_id == user.id, "started": s.started_by_id == user.id,
             "closed": s.closed_by_id == user.id,
             "retrospective_edited": s.retro_updated_by_id == user.id} for s in rows]


def _notifications(user, keys) -> dict:
    received = db.session.scalars(select(Notification).where(Notification.recipient_id == user.id)
                                  .order_by(Notification.id))
    emails = db.session.scalars(select(NotificationEmail)
                                .where(NotificationEmail.user_id == user.id)
                                .order_by(NotificationEmail.id))
    watches = db.session.scalars(select(Watch).where(Watch.user_id == user.id).order_by(Watch.id))
    preferences = db.session.scalars(select(NotificationPreference)
                                     .where(NotificationPreference.user_id == user.id))
    defaults = db.session.scalars(select(ProjectWatchDefault)
                                  .where(ProjectWatchDefault.user_id == user.id))
    return {
        "received": [{"project": keys[n.project_id], "kind": n.kind, "about": n.target_label,
                      "detail": n.detail, "created_at": _when(n.created_at),
                      "read_at": _when(n.read_at)} for n in received],
        "emails": [_email(e) for e in emails],
        "watching": [{"project": keys[w.project_id], "kind": w.target_kind,
                      "is_watching": w.is_watching} for w in watches],
        "email_preferences": {p.kind: p.is_email for p in preferences},
        "follow_my_organisations_needs": [keys[d.project_id] for d in defaults
                                          if d.is_watching_organisation_needs],
    }


def _email(e) -> dict:
    return {"to": e.recipient, "subject": e.subject, "state": e.state,
            "created_at": _when(e.created_at), "sent_at": _when(e.sent_at)}


def _digests(user, keys) -> dict:
    subscriptions = db.session.scalars(select(DigestSubscription)
                                       .where(DigestSubscription.user_id == user.id))
    deliveries = db.session.scalars(select(DigestDelivery).where(DigestDelivery.user_id == user.id)
                                    .order_by(DigestDelivery.id))
    return {"subscriptions": [{"project": keys[s.project_id], "frequency": s.frequency}
                              for s in subscriptions],
            "sent": [{"project": keys[d.project_id], "period": d.period_key, **_email(d)}
                     for d in deliveries]}


def _invitations(user, keys) -> list[dict]:
    rows = db.session.scalars(select(Invitation).where(or_(
        Invitation.email == user.email, Invitation.accepted_by_id == user.id,
        Invitation.invited_by_id == user.id)).order_by(Invitation.id))
    return [{"project": keys[i.project_id], "email": i.email, "roles": i.roles,
             "invited_by_me": i.invited_by_id == user.id, "sent_at": _when(i.sent_at),
             "accepted_at": _when(i.accepted_at), "revoked_at": _when(i.revoked_at)}
            for i in rows]


def _audit(user, keys) -> dict:
    def row(e):
        return {"at": _when(e.created_at), "action": e.action,
                "project": keys.get(e.project_id), "about": e.target_label,
                "ip_address": e.ip_address, "browser": e.user_agent}

    done = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == user.id)
                              .order_by(AuditEvent.id))
    about = db.session.scalars(select(AuditEvent).where(
        AuditEvent.target_type == "User", AuditEvent.target_id == user.id,
        or_(AuditEvent.actor_id.is_(None), AuditEvent.actor_id != user.id))
        .order_by(AuditEvent.id))
    return {"done_by_me": [row(e) for e in done], "about_me": [row(e) for e in about]}


def _password_resets(user) -> list[dict]:
    rows = db.session.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id))
    return [{"requested_at": _when(r.created_at), "used_at": _when(r.used_at)} for r in rows]


def collect(user: User) -> dict:
    """The person's data as one JSON-ready document (format and version first)."""
    keys = _projects()
    return {
        "format": FORMAT, "version": VERSION, "exported_at": _when(utcnow()),
        "note": _("Everything Samspil holds about you. Passwords, two-factor secrets and "
                  "links sent by e-mail are stored only in a form that cannot be read back, "
                  "so they are not included."),
        "account": account(user),
        "memberships": _memberships(user),
        "identities": _identities(user),
        "access_tokens": _access_tokens(user),
        "password_resets": _password_resets(user),
        "items": _items(user, keys),
        "comments": _comments(user, keys),
        "attachments": _attachments(user, keys),
        "item_changes": _item_changes(user, keys),
        "needs": _needs(user, keys),
        "decisions_recorded": _decisions(user, keys),
        "sprints": _sprints(user, keys),
        "invitations": _invitations(user, keys),
        "notifications": _notifications(user, keys),
        "digests": _digests(user, keys),
        "audit_events": _audit(user, keys),
    }


def export_for(user: User, actor: User) -> dict:
    """The person's data, asked for by themself or a site administrator; the export is
    recorded in the audit log (a read of someone else's data says who looked at whom)."""
    data = collect(user)
    record("user.personal_data_exported", actor=actor, target=user, target_label=user.name)
    db.session.flush()
    return data
