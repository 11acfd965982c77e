"""Leaving for the identity provider and coming back: the steps between the routes and the
core, and the page that says why a sign-in was refused."""
from flask import current_app, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user

from app.accounts.loaders import load_user
from app.accounts.two_factor import SSO_SESSION
from app.extensions import db
from app.security import request_id
from app.sso import flows, oidc
from app.sso.providers import Provider
from app.sso.services import SignInRefused, protocol_refusal, record_refusal, resolve
from app.web import error_page, external_url, safe_next


def callback_url(provider: Provider) -> str:
    """Our redirect URI, on BASE_URL (registered with the provider)."""
    return external_url("sso.callback", key=provider.key)


def start(provider: Provider) -> str:
    """Begin a sign-in: remember its state, nonce and verifier; where to send the browser."""
    flow = oidc.new_flow()
    try:
        url = oidc.authorization_url(provider, flow, callback_url(provider))
    except oidc.ProtocolRefusal as exc:
        raise protocol_refusal(exc.reason, provider.display_name, exc.detail) from exc
    flows.remember(provider.key, flow, safe_next(request.args.get("next"), url_for("main.index")))
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
    except oidc.ProtocolRefusal as exc:
        raise protocol_refusal(exc.reason, provider.display_name, exc.detail) from exc
    user, must_confirm = resolve(assertion)
    if must_confirm:
        db.session.rollback()
        flows.wait_for_link(user.get_id(), provider.key, assertion.subject, flow["next"])
        return url_for("sso.link")
    db.session.commit()
    sign_in(user)
    return flow["next"]


def sign_in(user) -> None:
    """Start the session; its mark says the organisation's own sign-in was used."""
    login_user(user, remember=False)
    session[SSO_SESSION] = user.get_id()


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
