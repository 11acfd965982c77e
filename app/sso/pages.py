"""Leaving for the identity provider and coming back: the steps between the routes and the
core, and the page that says why a sign-in was refused."""
from datetime import UTC, datetime

from flask import current_app, flash, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts.loaders import load_user
from app.accounts.services import sign_out
from app.accounts.two_factor import SSO_SESSION
from app.extensions import db
from app.invitations.services import invitation_for
from app.security import request_id
from app.services import RuleViolation
from app.sso import flows, oidc, saml
from app.sso.providers import Provider, find_provider
from app.sso.protocol import Assertion, ProtocolRefusal
from app.sso.services import (SignInRefused, accept_invitation, consume_assertion,
                              protocol_refusal, record_refusal, resolve)
from app.web import error_page, external_url, safe_next


def callback_url(provider: Provider) -> str:
    """Our redirect URI, on BASE_URL (registered with the provider)."""
    return external_url("sso.callback", key=provider.key)


def _invitation() -> str | None:
    """The invitation link's token when the sign-in accepts an invitation (refused before
    leaving for the provider when it can no longer be accepted)."""
    token = request.args.get("invitation")
    if token is None:
        return None
    try:
        invitation_for(token)
    except RuleViolation as refusal:
        raise SignInRefused("invitation_refused", refusal.message, refusal.status) from refusal
    return token


def start(provider: Provider) -> str:
    """Begin a sign-in: remember what checks the answer (OIDC: state, nonce and verifier;
    SAML: the AuthnRequest's id), and where to go after; where to send the browser."""
    next_url = safe_next(request.args.get("next"), url_for("main.index"))
    invitation = _invitation()
    try:
        if provider.protocol == "saml":
            request_id, url = saml.authn_request(provider)
            flows.remember_saml(provider.key, request_id, next_url, invitation)
            return url
        flow = oidc.new_flow()
        url = oidc.authorization_url(provider, flow, callback_url(provider))
    except ProtocolRefusal as exc:
        raise protocol_refusal(exc.reason, provider.display_name, exc.detail) from exc
    flows.remember(provider.key, flow, next_url, invitation)
    return url


def _answer(provider: Provider) -> dict:
    """The started sign-in this answer belongs to, once the provider's error and a missing,
    replayed or foreign state are ruled out."""
    args = request.args
    flow = flows.take(provider.key, args.get("state", ""))
    if flow is None:
        raise protocol_refusal("bad_state", provider.display_name,
                               "unknown, expired or used state")
    if "error" in args:
        raise protocol_refusal("provider_error", provider.display_name,
                               f"{args.get('error', '')[:100]}: "
                               f"{args.get('error_description', '')[:200]}")
    code = args.get("code", "")
    if not code or len(code) > 2000:
        raise protocol_refusal("token_refused", provider.display_name, "no usable code")
    return {**flow, "code": code}


def finish(provider: Provider) -> str:
    """Check the provider's answer and sign in (or ask for the password to link); where to go
    next. Raises SignInRefused with nothing stored but the refusal's audit."""
    flow = _answer(provider)
    try:
        assertion = oidc.finish(provider, flow, flow["code"], callback_url(provider))
    except ProtocolRefusal as exc:
        raise protocol_refusal(exc.reason, provider.display_name, exc.detail) from exc
    return _complete(assertion, flow)


def finish_saml(provider: Provider) -> str:
    """Check the SAML response POSTed to the assertion consumer service against the requests
    this browser has outstanding, use its assertion once, and sign in; where to go next."""
    saml_response = request.form.get("SAMLResponse", "")
    outstanding = flows.saml_requests(provider.key)
    try:
        if not saml_response or len(saml_response) > 500_000:
            raise ProtocolRefusal("malformed_token", "no usable SAMLResponse")
        if not outstanding:
            raise ProtocolRefusal("bad_state", "no AuthnRequest outstanding in this browser")
        assertion = saml.finish(provider, saml_response,
                                {k: v["next"] for k, v in outstanding.items()})
    except ProtocolRefusal as exc:
        raise protocol_refusal(exc.reason, provider.display_name, exc.detail) from exc
    flows.forget_saml(assertion.logout["request_id"])
    consume_assertion(provider.key, assertion.logout["assertion_id"],
                      datetime.fromtimestamp(assertion.logout["expires"], UTC))
    db.session.commit()
    return _complete(assertion, outstanding[assertion.logout["request_id"]])


def _complete(assertion: Assertion, flow: dict) -> str:
    """The verified assertion signs in (or accepts the invitation the sign-in started from,
    or waits for the password of the account to link)."""
    if flow.get("invitation"):
        try:
            user, project = accept_invitation(assertion, flow["invitation"])
        except SignInRefused:
            raise
        except RuleViolation as refusal:
            raise SignInRefused("invitation_refused", refusal.message,
                                refusal.status) from refusal
        db.session.commit()
        sign_in(user, assertion)
        flash(_("Welcome to %(project)s.", project=project.name), "success")
        return url_for("my.overview", key=project.key)
    user, must_confirm = resolve(assertion)
    if must_confirm:
        db.session.rollback()
        flows.wait_for_link(user.get_id(), assertion.provider.key, assertion.subject,
                            flow["next"])
        return url_for("sso.link")
    db.session.commit()
    sign_in(user, assertion)
    return flow["next"]


def sign_in(user, assertion: Assertion | None = None) -> None:
    """Start the session; its mark says the organisation's own sign-in was used. A SAML
    session keeps what single logout needs."""
    login_user(user, remember=False)
    session[SSO_SESSION] = user.get_id()
    session.pop(flows.SAML_SESSION, None)
    if assertion is not None and assertion.logout:
        session[flows.SAML_SESSION] = {
            "user": user.get_id(), "provider": assertion.provider.key,
            "name_id": assertion.logout["name_id"],
            "session_index": assertion.logout["session_index"]}


def linking_user():
    """The account waiting to be linked (still active, password unchanged), else None."""
    link = flows.pending_link()
    user = load_user(str(link.get("login_id", ""))) if link else None
    return (user, link) if user is not None else (None, None)


def refused(provider_key: str, refusal: SignInRefused):
    """Nothing is signed in: roll back, audit the refusal, log its detail with the request id,
    and say what went wrong."""
    db.session.rollback()
    current_app.logger.warning("Single sign-on refused [request %s] provider=%s reason=%s %s",
                               request_id(), provider_key, refusal.reason, refusal.detail)
    record_refusal(refusal.reason, provider_key)
    db.session.commit()
    return error_page(refusal.status, _("You are not signed in"), refusal.message)


def saml_session(provider_key: str | None = None) -> dict | None:
    """The SAML session of the person signed in (for single logout), if this is one."""
    info = session.get(flows.SAML_SESSION)
    if (not isinstance(info, dict) or not current_user.is_authenticated
            or info.get("user") != current_user.get_id()
            or (provider_key is not None and info.get("provider") != provider_key)):
        return None
    return info


def single_logout_provider() -> Provider | None:
    """The identity provider the sign-out page offers to sign out of too: the one this SAML
    session came from, when its metadata has a single logout service."""
    info = saml_session()
    provider = find_provider(info["provider"]) if info else None
    return provider if provider is not None and saml.has_single_logout(provider) else None


def start_logout(provider: Provider) -> tuple[str, bool]:
    """End the local session (always), and make the signed LogoutRequest for the identity
    provider; where to go next, and whether that is the identity provider."""
    info = saml_session(provider.key)
    if info is None:
        return url_for("accounts.logout"), False
    sign_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.pop(flows.SAML_SESSION, None)
    try:
        sent = saml.logout_request(provider, info)
    except ProtocolRefusal as exc:
        current_app.logger.warning("Single logout not started [request %s] provider=%s %s",
                                   request_id(), provider.key, exc)
        sent = None
    if sent is None:
        flash(_("You are signed out of Samspil, but %(provider)s could not be asked to sign you "
                "out too. Close the browser to be sure.", provider=provider.display_name),
              "warning")
        return url_for("accounts.login"), False
    session[flows.SAML_LOGOUT] = {"provider": provider.key, "request_id": sent[0]}
    return sent[1], True


def logout_pending(provider: Provider) -> bool:
    pending = session.get(flows.SAML_LOGOUT)
    return isinstance(pending, dict) and pending.get("provider") == provider.key


def finish_logout(provider: Provider) -> str:
    """The identity provider's LogoutResponse: say whether it signed the person out too."""
    pending = session.pop(flows.SAML_LOGOUT, None)
    done = (isinstance(pending, dict) and pending.get("provider") == provider.key
            and saml.logout_finished(provider, request.args.get("SAMLResponse", "")[:100_000],
                                     str(pending.get("request_id"))))
    if done:
        flash(_("You are signed out of Samspil and of %(provider)s.",
                provider=provider.display_name), "info")
    else:
        flash(_("You are signed out of Samspil, but %(provider)s did not confirm that you are "
                "signed out there too. Close the browser to be sure.",
                provider=provider.display_name), "warning")
    return url_for("accounts.login")


def logout_from_provider(provider: Provider) -> str:
    """The identity provider ends the person's session there (a signed LogoutRequest): end
    ours too when it is that person's, and answer; where to send the browser."""
    try:
        subject, url = saml.answer_logout_request(provider, request.args)
    except ProtocolRefusal as exc:
        raise protocol_refusal(exc.reason, provider.display_name, exc.detail) from exc
    info = saml_session(provider.key)
    if info is not None and saml.subject_of(info["name_id"]) == subject:
        sign_out(current_user._get_current_object())
        db.session.commit()
        logout_user()
        session.pop(flows.SAML_SESSION, None)
    return url
