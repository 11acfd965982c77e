"""Erasing a person (GDPR Art. 17), by a site administrator.

The account stays as "Former user 1234" so that history, decisions and the audit log still
read as facts ("Former user 1234 moved OVB-12 to Done"); what identifies the person goes: name,
e-mail, sign-in (password, two-factor, single sign-on identities, reset links, invitations),
sessions, memberships, their choices and what was sent to them. Their texts stay under the
anonymised name unless the administrator also erases those; then each is replaced by a
marker, and the history keeps the fact that it was written.
"""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update

from app.accounts.administration import refuse_last_admin
from app.accounts.models import PasswordReset, RecoveryCode, User, new_session_nonce
from app.audit.labels import register_actions, register_details
from app.audit.models import AuditEvent
from app.audit.services import record
from app.backlog.models import Comment
from app.decisions.models import Decision
from app.digests.models import DigestDelivery, DigestSubscription
from app.discovery.models import Need, NeedChange, NeedCoSponsor, NeedNote
from app.extensions import db
from app.invitations.models import Invitation
from app.notifications.models import (Notification, NotificationEmail, NotificationPreference,
                                      ProjectWatchDefault, TextReference, Watch)
from app.projects.models import Membership
from app.projects.services import remove_member
from app.services import RuleViolation
from app.api.models import AccessToken
from app.attachments.models import Attachment
from app.sso.models import Identity

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: .invalid never resolves, so nothing is delivered
NEED_TEXTS = ("background", "desired_outcome", "expected_value", "assumptions", "risks",
              "out_of_scope")

register_actions({"user.erased": _l("Personal data erased")})
register_details({"texts_erased": _l("Their texts erased too")})


def erased_marker() -> str:
    """What stands where an erased text was, in the installation's language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _("[erased]")


def former_name(user_id: int) -> str:
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _("Former user %(id)d", id=user_id)


def is_erased(user: User) -> bool:
    return user.email.endswith("@" + ERASED_DOMAIN)


def erasure_problem(user: User, actor: User) -> str | None:
    """Why the account cannot be erased (by this actor), or None."""
    if user.id == actor.id:
        return _("You cannot erase your own account. Ask another site administrator.")
    if is_erased(user):
        return _("This account is already erased.")
    return None


def erase(user: User, actor: User, erase_texts: bool = False) -> None:
    """Anonymise the account and delete what identifies the person (see the module's
    docstring); refused for oneself, an erased account and the last site administrator."""
    problem = erasure_problem(user, actor)
    if problem:
        raise RuleViolation(problem, status=409)
    refuse_last_admin(user, _("%(name)s is the last active site administrator; make someone "
                              "else one first.", name=user.name))
    old_email = user.email
    for membership in list(db.session.scalars(
            select(Membership).where(Membership.user_id == user.id))):
        remove_member(membership, actor)
    label = former_name(user.id)
    user.name, user.email = label, f"former-user-{user.id}@{ERASED_DOMAIN}"
    user.password_hash = user.totp_secret = user.totp_confirmed_at = None
    user.totp_last_step = user.locale = user.last_login_at = None
    user.is_active, user.is_site_admin = False, False
    user.session_nonce = new_session_nonce()  # every session and remember-me cookie ends
    _delete_what_identifies(user, old_email)
    if erase_texts:
        _erase_texts(user)
    _anonymise_records(user, label, old_email)
    record("user.erased", actor=actor, target=user, target_label=label,
           texts_erased=erase_texts)
    db.session.flush()


def _delete_what_identifies(user: User, old_email: str) -> None:
    """Sign-in means, links, choices, and what was sent to the person."""
    db.session.flush()
    for model in (Identity, AccessToken, PasswordReset, RecoveryCode, DigestSubscription,
                  DigestDelivery, NotificationEmail, NotificationPreference, Watch,
                  ProjectWatchDefault):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(Notification).where(Notification.recipient_id == user.id))
    db.session.execute(delete(Invitation).where(Invitation.email == old_email))


def _erase_texts(user: User) -> None:
    """Replace what they wrote by the marker; the backlinks their texts made go too."""
    marker = erased_marker()
    for model, column, author, kind in (
            (Comment, "body", Comment.author_id, "comment"),
            (NeedNote, "body", NeedNote.author_id, "note")):
        ids = list(db.session.scalars(select(model.id).where(author == user.id)))
        db.session.execute(update(model).where(model.id.in_(ids)).values({column: marker})
                           .execution_options(synchronize_session=False))
        _forget_references(kind, ids)
    needs = list(db.session.scalars(select(Need.id).where(Need.submitter_id == user.id)))
    db.session.execute(update(Need).where(Need.id.in_(needs))
                       .values(dict.fromkeys(NEED_TEXTS, marker))
                       .execution_options(synchronize_session=False))
    _forget_references("need", needs)
    # The needs' histories hold earlier versions of the same texts, and what they wrote
    # when they changed a status (a rationale) or another need's texts.
    db.session.execute(update(NeedChange).where(
        NeedChange.field.in_(NEED_TEXTS),
        or_(NeedChange.need_id.in_(needs), NeedChange.actor_id == user.id))
        .values(old_value=marker, new_value=marker)
        .execution_options(synchronize_session=False))
    db.session.execute(update(NeedChange).where(NeedChange.actor_id == user.id,
                                                NeedChange.comment != "")
                       .values(comment=marker).execution_options(synchronize_session=False))
    db.session.execute(update(NeedCoSponsor).where(NeedCoSponsor.created_by_id == user.id,
                                                   NeedCoSponsor.note != "")
                       .values(note=marker).execution_options(synchronize_session=False))


def _forget_references(kind: str, ids: list[int]) -> None:
    if ids:
        db.session.execute(delete(TextReference).where(TextReference.source_kind == kind,
                                                       TextReference.source_id.in_(ids)))


def _anonymise_records(user: User, label: str, old_email: str) -> None:
    """The audit log and the histories keep the facts under the new name: who did it, and
    what was done to the account, without the name, address, IP or browser."""
    db.session.execute(update(AuditEvent).where(AuditEvent.actor_id == user.id)
                       .values(actor_label=label, ip_address=None, user_agent=None)
                       .execution_options(synchronize_session=False))
    about_them = select(AuditEvent).where(AuditEvent.target_type == "User",
                                          AuditEvent.target_id == user.id)
    for event in db.session.scalars(about_them):
        event.target_label = label
        if event.actor_id in (None, user.id):  # their own address (a failed sign-in)
            event.ip_address = event.user_agent = None
        if "email" in (event.details or {}):  # the address a failed sign-in tried
            event.details = {k: v for k, v in event.details.items() if k != "email"}
    db.session.execute(update(AuditEvent).where(AuditEvent.target_label == old_email)
                       .values(target_label=label).execution_options(synchronize_session=False))
    db.session.execute(update(NeedChange).where(NeedChange.actor_id == user.id)
                       .values(actor_label=label).execution_options(synchronize_session=False))
    db.session.execute(update(Decision).where(Decision.recorded_by_id == user.id)
                       .values(recorded_by_label=label)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Attachment).where(Attachment.uploaded_by_id == user.id)
                       .values(uploaded_by_label=label)
                       .execution_options(synchronize_session=False))
