"""The single sign-on core, the same for every protocol: a verified assertion (provider,
subject, claims) becomes a signed-in user, or a refusal that says why.

- An identity is found by (provider, subject) only, never by e-mail.
- A first sign-in creates the user just in time in the organisation whose CVR number (or
  municipality code) the provider asserts; no matching organisation: refused.
- The e-mail of an existing account: linked only after that account's password is given.
- Deactivated accounts are refused. The secretariat still grants project roles.
- A sign-in through the organisation's identity provider counts as its strong sign-in, so
  an organisation requiring two-factor sign-in does not ask for a code on top
  (`app.accounts.two_factor.needs_enrolment` reads the session's mark)."""
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.accounts.services import create_user, get_user_by_email, normalise_email
from app.audit.labels import register_actions, register_details
from app.audit.services import record
from app.database import utcnow
from app.extensions import db
from app.invitations import services as invitations
from app.organisations.models import Organisation
from app.services import RuleViolation
from app.sso.models import Identity, SeenAssertion
from app.sso.protocol import Assertion

register_actions({
    "account.signed_in_sso": _l("Signed in with single sign-on"),
    "account.sso_refused": _l("Single sign-on refused"),
    "identity.linked": _l("Single sign-on identity linked"),
})
register_details({"provider": _l("Identity provider"), "assurance": _l("Assurance level")}, {
    "bad_state": _l("the sign-in was not started here, expired or was used already"),
    "provider_error": _l("the identity provider reported an error"),
    "provider_unreachable": _l("the identity provider could not be reached"),
    "wrong_audience": _l("the token was issued to another service"),
    "wrong_issuer": _l("the token came from another issuer"),
    "wrong_nonce": _l("the token belongs to another sign-in"),
    "expired_token": _l("the token has expired"),
    "bad_signature": _l("the token's signature is not valid"),
    "bad_claims": _l("the token lacks required information"),
    "malformed_token": _l("the token is malformed"),
    "token_refused": _l("the identity provider refused the code"),
    "no_id_token": _l("the identity provider sent no ID token"),
    "unknown_organisation": _l("no participating organisation matches"),
    "organisation_mismatch": _l("the account belongs to another organisation"),
    "no_email": _l("the identity provider sent no e-mail address"),
    "cannot_link": _l("the account has no password to confirm the link with"),
    "replayed": _l("the assertion had been used already"),
    "bad_metadata": _l("the identity provider's metadata is not usable"),
    "identity_in_use": _l("the identity already signs in to another account"),
    "invitation_refused": _l("the invitation could not be accepted"),
})


class SignInRefused(RuleViolation):
    """Single sign-on refused; `reason` is the code logged and audited, the message is for
    the person."""

    def __init__(self, reason: str, message: str, status: int = 403, detail: str = ""):
        super().__init__(message, None, status)
        self.reason = reason
        self.detail = detail


def protocol_refusal(reason: str, provider_name: str, detail: str = "") -> SignInRefused:
    """The refusal of an answer that the protocol checks did not accept."""
    if reason == "provider_unreachable":
        message = _("%(provider)s could not be reached just now. Try again in a few minutes.",
                    provider=provider_name)
    elif reason == "expired_token":
        message = _("The sign-in from %(provider)s had expired when it reached Samspil. Check "
                    "that your computer's clock is right and sign in again.",
                    provider=provider_name)
    elif reason in ("bad_state", "replayed"):
        message = _("This sign-in was not started here, has expired or has been used already. "
                    "Start again from the sign-in page.")
    elif reason == "provider_error":
        message = _("%(provider)s did not sign you in. Start again from the sign-in page.",
                    provider=provider_name)
    else:
        message = _("The answer from %(provider)s could not be verified, so you are not signed "
                    "in. Try again; if it keeps happening, tell your IT support.",
                    provider=provider_name)
    return SignInRefused(reason, message, 400, detail)


def _claim(claims: dict, name: str) -> str:
    value = claims.get(name) if name else None
    return str(value).strip() if isinstance(value, (str, int)) else ""


def asserted_organisation(assertion: Assertion) -> Organisation | None:
    """The organisation the provider vouches for: by CVR number, else municipality code."""
    provider, claims = assertion.provider, assertion.claims
    cvr = _claim(claims, provider.claim_cvr)
    if cvr:
        org = db.session.scalar(select(Organisation).where(Organisation.cvr == cvr))
        if org is not None:
            return org
    code = _claim(claims, provider.claim_municipality)
    if code.isdigit() and len(code) <= 4:
        return db.session.scalar(select(Organisation).where(
            Organisation.municipality_code == int(code)))
    return None


def _refuse_inactive(user: User) -> None:
    if not user.is_active:
        raise SignInRefused("inactive_account", _(
            "This account is deactivated. Ask a site administrator of Samspil if you need "
            "access again."))


def _check_organisation(user: User, org: Organisation | None) -> None:
    if org is not None and org.id != user.organisation_id:
        raise SignInRefused("organisation_mismatch", _(
            "Your identity provider says you work for %(org)s, but your Samspil account "
            "belongs to another organisation. Ask a site administrator of Samspil.",
            org=org.name))


def _unknown_organisation() -> SignInRefused:
    return SignInRefused("unknown_organisation", _(
        "Your organisation does not take part in Samspil, so you cannot sign in with it. Ask "
        "the secretariat of your project to register your organisation."))


def find_identity(provider_key: str, subject: str) -> Identity | None:
    return db.session.scalar(select(Identity).where(Identity.provider == provider_key,
                                                    Identity.subject == subject))


def signed_in(user: User, provider_key: str, assertion: Assertion | None = None) -> None:
    """The person proved who they are through the provider (at the assurance level it states,
    where it states one: SAML's NSIS level)."""
    user.last_login_at = utcnow()
    loa = _claim(assertion.claims, assertion.provider.claim_loa)[:40] if assertion else ""
    record("account.signed_in_sso", actor=user, target=user, provider=provider_key,
           **({"assurance": loa} if loa else {}))


def resolve(assertion: Assertion) -> tuple[User, bool]:
    """The user the assertion signs in, and whether the link to an existing account must
    first be confirmed with its password (then nothing is stored yet)."""
    key = assertion.provider.key
    org = asserted_organisation(assertion)
    identity = find_identity(key, assertion.subject)
    if identity is not None:
        _refuse_inactive(identity.user)
        _check_organisation(identity.user, org)
        identity.last_used_at = utcnow()
        signed_in(identity.user, key, assertion)
        db.session.flush()
        return identity.user, False
    if org is None:
        raise _unknown_organisation()
    email = normalise_email(_claim(assertion.claims, assertion.provider.claim_email))
    if "@" not in email or len(email) > 254:
        raise SignInRefused("no_email", _(
            "Your identity provider did not tell Samspil your e-mail address, which a new "
            "account needs. Ask your IT support."))
    existing = get_user_by_email(email)
    if existing is not None:
        _refuse_inactive(existing)
        _check_organisation(existing, org)
        if not existing.has_password:
            raise SignInRefused("cannot_link", _(
                "An account with your e-mail address exists but cannot be confirmed with a "
                "password. Ask a site administrator of Samspil to link it."))
        return existing, True
    name = _claim(assertion.claims, assertion.provider.claim_name)[:120] or email
    user = create_user(email, name, None, org)
    _link(user, key, assertion.subject)
    signed_in(user, key, assertion)
    db.session.flush()
    return user, False


def _link(user: User, provider_key: str, subject: str) -> Identity:
    identity = Identity(provider=provider_key, subject=subject, user=user,
                        last_used_at=utcnow())
    db.session.add(identity)
    record("identity.linked", actor=user, target=user, provider=provider_key)
    return identity


def link_with_password(user: User, password: str, provider_key: str, subject: str) -> User:
    """Link a new identity to an existing account once its password is given."""
    _refuse_inactive(user)
    if not user.check_password(password or ""):
        raise RuleViolation(_("The password is not correct."), "password")
    if find_identity(provider_key, subject) is not None:
        raise RuleViolation(_("This identity is already linked to an account."), status=409)
    _link(user, provider_key, subject)
    signed_in(user, provider_key)
    db.session.flush()
    return user


def consume_assertion(provider_key: str, assertion_id: str, expires_at: datetime) -> None:
    """Remember a SAML assertion until it expires, so that it signs in once; a second use is
    refused (also when two requests race: the primary key decides)."""
    db.session.execute(delete(SeenAssertion).where(SeenAssertion.expires_at < utcnow()))
    try:
        with db.session.begin_nested():
            db.session.add(SeenAssertion(assertion_id=assertion_id[:255], provider=provider_key,
                                         expires_at=expires_at))
    except IntegrityError:
        raise protocol_refusal("replayed", "", f"assertion {assertion_id!r}") from None


def accept_invitation(assertion: Assertion, token: str):
    """Accept an invitation by signing in: the account is made for the invitation (its
    address, organisation, project and roles) and the identity linked to it, when the provider
    vouches for the invitation's organisation. Returns (the user, the project)."""
    key = assertion.provider.key
    invitation = invitations.invitation_for(token)
    if find_identity(key, assertion.subject) is not None:
        raise SignInRefused("identity_in_use", _(
            "You already have a Samspil account that you sign in to with %(provider)s. Sign "
            "in with it, and ask the secretariat to add you to the project.",
            provider=assertion.provider.display_name), 409)
    org = asserted_organisation(assertion)
    if org is None or org.id != invitation.organisation_id:
        raise SignInRefused("organisation_mismatch", _(
            "The invitation is for %(org)s, but your identity provider does not say you work "
            "there. Sign in with the identity provider of %(org)s, or create the account with a "
            "password.", org=invitation.organisation.name))
    name = _claim(assertion.claims, assertion.provider.claim_name)[:120] or invitation.email
    user, project = invitations.accept(token, name, None, None)
    _link(user, key, assertion.subject)
    signed_in(user, key, assertion)
    db.session.flush()
    return user, project


def record_refusal(reason: str, provider_key: str) -> None:
    """Audit a refused single sign-on (the caller commits it on its own; the technical detail
    goes to the log, with the request id)."""
    record("account.sso_refused", actor=None, actor_label="", provider=provider_key,
           reason=reason)
