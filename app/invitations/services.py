"""Rules for invitations: who may be invited where, with what roles; the single-use link; and
joining by it. An address that already has an account is added at once instead."""
import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.accounts.models import User
from app.accounts.services import (check_new_password, create_user, get_user_by_email,
                                   normalise_email)
from app.audit.labels import register_actions
from app.audit.services import record
from app.database import utcnow
from app.extensions import db
from app.invitations.models import Invitation
from app.projects.models import Membership
from app.projects.services import add_member, check_participates, check_roles, membership_of
from app.services import RuleViolation, clean_text
from app.tokens import digest, new_token

register_actions({
    "invitation.sent": _l("Invitation sent"),
    "invitation.resent": _l("Invitation sent again"),
    "invitation.revoked": _l("Invitation revoked"),
    "invitation.accepted": _l("Invitation accepted"),
})

MESSAGE_MAX = 1000
NAME_MAX = 120
MAX_TOKEN_LENGTH = 100  # longer than any token new_token() makes
# One address, as people type it: something@domain.tld, no spaces, no second @.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Invited:
    """What `invite` did: a new invitation (with the token to e-mail), or, for an address that
    already has an account, a membership."""

    invitation: Invitation | None = None
    token: str | None = None
    membership: Membership | None = None
    other_domain: bool = False


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].lower()


def usual_domains(organisation_ids) -> dict[int, set[str]]:
    """The e-mail domains the people of each organisation have, by organisation id."""
    domains: dict[int, set[str]] = {}
    rows = db.session.execute(select(User.organisation_id, User.email)
                              .where(User.organisation_id.in_(set(organisation_ids))))
    for org_id, email in rows:
        domains.setdefault(org_id, set()).add(domain_of(email))
    return domains


def is_other_domain(email: str, domains: set[str] | None) -> bool:
    """Is the address outside the organisation's usual domains? (Unknown while it has
    nobody yet.)"""
    return bool(domains) and domain_of(email) not in domains


def _clean_email(email: str) -> str:
    email = normalise_email(email or "")
    if len(email) > 254 or not EMAIL.match(email):
        raise RuleViolation(_("Give one e-mail address, such as name@kommune.dk."), "email")
    return email


def _clean_locale(locale: str | None) -> str:
    if locale not in current_app.config["LANGUAGES"]:
        raise RuleViolation(_("Choose Danish or English."), "locale")
    return locale


def open_invitation(project, email: str) -> Invitation | None:
    """The invitation of this address to the project that is neither used nor revoked."""
    return db.session.scalar(select(Invitation).where(
        Invitation.project_id == project.id, Invitation.email == email,
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None)))


def _expiry():
    return utcnow() + timedelta(days=current_app.config["INVITATION_VALID_DAYS"])


def invite(project, actor, email: str, organisation, roles, message: str = "",
           locale: str = "da") -> Invited:
    """Invite an address into the project with an organisation that takes part and roles it
    may hold; an address with an account becomes a member at once."""
    email = _clean_email(email)
    if organisation is None:
        raise RuleViolation(_("Choose an organisation."), "organisation_id")
    check_participates(project, organisation, "organisation_id")
    roles = sorted(check_roles(organisation, roles))
    message = clean_text(message, "message", MESSAGE_MAX)
    locale = _clean_locale(locale)
    user = get_user_by_email(email)
    if user is not None:
        if user.organisation_id != organisation.id:
            raise RuleViolation(_("%(email)s already has an account with %(org)s; choose that "
                                  "organisation.", email=email, org=user.organisation.name),
                                "organisation_id")
        return Invited(membership=add_member(project, user, roles))
    existing = open_invitation(project, email)
    if existing is not None:
        raise RuleViolation(_("%(email)s is already invited (see the invitations below); send "
                              "the invitation again from there.", email=email), "email", 409)
    token, hashed = new_token()
    invitation = Invitation(project=project, organisation=organisation, email=email,
                            roles=roles, message=message, locale=locale, token_digest=hashed,
                            invited_by=actor, expires_at=_expiry())
    db.session.add(invitation)
    db.session.flush()
    record("invitation.sent", project=project, target=invitation, target_label=email,
           actor=actor, organisation=organisation.name, roles=roles)
    domains = usual_domains([organisation.id]).get(organisation.id)
    return Invited(invitation=invitation, token=token,
                   other_domain=is_other_domain(email, domains))


def _require_open(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise RuleViolation(_("%(email)s has already accepted the invitation.",
                              email=invitation.email), status=409)
    if invitation.revoked_at is not None:
        raise RuleViolation(_("The invitation of %(email)s was revoked.",
                              email=invitation.email), status=409)


def resend(invitation: Invitation, actor) -> str:
    """A new link for an open invitation (the old one stops working) and a new expiry; returns
    the token to e-mail."""
    _require_open(invitation)
    token, invitation.token_digest = new_token()
    invitation.sent_at = utcnow()
    invitation.expires_at = _expiry()
    record("invitation.resent", project=invitation.project, target=invitation,
           target_label=invitation.email, actor=actor)
    db.session.flush()
    return token


def revoke(invitation: Invitation, actor) -> None:
    """Withdraw an open invitation: its link stops working."""
    _require_open(invitation)
    invitation.revoked_at = utcnow()
    record("invitation.revoked", project=invitation.project, target=invitation,
           target_label=invitation.email, actor=actor)
    db.session.flush()


def invitation_for(token: str) -> Invitation:
    """The invitation a link names, if it can still be accepted; else refused as unknown (404:
    forged, truncated) or no longer valid (410: used, revoked, expired)."""
    invitation = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        invitation = db.session.scalar(select(Invitation).where(
            Invitation.token_digest == digest(token)))
    if invitation is None:
        raise RuleViolation(_("This invitation link is not valid. Check that you copied all of "
                              "it from the e-mail; a link that was sent again replaces the "
                              "earlier one."), status=404)
    if invitation.accepted_at is not None:
        raise RuleViolation(_("This invitation has already been used. Sign in with the account "
                              "it made."), status=410)
    if invitation.revoked_at is not None:
        raise RuleViolation(_("This invitation was revoked. Ask whoever invited you if you "
                              "should still join."), status=410)
    if invitation.expires_at <= utcnow():
        raise RuleViolation(_("This invitation has expired. Ask whoever invited you to send it "
                              "again."), status=410)
    return invitation


def accept(token: str, name: str, password: str, locale: str | None):
    """Join by the link: an account with the invitation's address and organisation, and
    membership of its project with its roles. Returns (the user, the project)."""
    invitation = invitation_for(token)
    waiting = get_user_by_email(invitation.email)
    if waiting is not None and not is_unclaimed(waiting):
        raise RuleViolation(_("An account with %(email)s exists already: sign in, and ask the "
                              "secretariat to add you to the project.",
                              email=invitation.email), status=409)
    name = clean_text(name, "name", NAME_MAX)
    if not name:
        raise RuleViolation(_("Fill in this field."), "name")
    if locale:
        _clean_locale(locale)
    # Conditional: of two requests with the same link, only one finds it open.
    taken = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id,
                                 Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None))
        .values(accepted_at=utcnow()).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise RuleViolation(_("This invitation has already been used. Sign in with the account "
                              "it made."), status=410)
    if waiting is None:
        user = create_user(invitation.email, name, password, invitation.organisation)
    else:
        user = _claim(waiting, name, password)
    user.locale = locale or None
    if membership_of(invitation.project, user.id) is None:
        add_member(invitation.project, user, invitation.roles)
    invitation.accepted_by_id = user.id
    record("invitation.accepted", project=invitation.project, target=invitation,
           target_label=invitation.email, actor=user, organisation=invitation.organisation.name,
           roles=list(invitation.roles))
    db.session.flush()
    return user, invitation.project


def is_unclaimed(user: User) -> bool:
    """An account made for someone who has not joined yet (a project archive's import names
    them): deactivated, without a password, never signed in. Their invitation claims it."""
    return not user.is_active and not user.password_hash and user.last_login_at is None


def invite_account(project, actor, user: User, roles, locale: str = "da") -> tuple[Invitation, str]:
    """Invite the person of an unclaimed account (see `is_unclaimed`) to the project, where
    they already have their roles; accepting the link sets their name and password and
    activates the account. Returns the invitation and the token to e-mail."""
    if not is_unclaimed(user):
        raise RuleViolation(_("%(email)s already has an account.", email=user.email), "email")
    token, hashed = new_token()
    invitation = Invitation(project=project, organisation=user.organisation, email=user.email,
                            roles=sorted(roles), locale=_clean_locale(locale),
                            token_digest=hashed, invited_by=actor, expires_at=_expiry())
    db.session.add(invitation)
    db.session.flush()
    record("invitation.sent", project=project, target=invitation, target_label=user.email,
           actor=actor, organisation=user.organisation.name, roles=sorted(roles))
    return invitation, token


def _claim(user: User, name: str, password: str) -> User:
    """Give an unclaimed account its owner's name and password, and activate it."""
    check_new_password(password)
    user.name = name
    user.set_password(password)
    user.is_active = True
    return user
