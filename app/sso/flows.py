"""What the browser keeps between leaving for the provider and coming back: each started
OpenID Connect sign-in under its `state` in the session (single use, with a deadline), each
outstanding SAML AuthnRequest under its id in a cookie of its own (below), a link waiting for
the account's password, and the SAML session a single logout would end.

Why SAML's requests are not in the session: the identity provider returns the person with a
cross-site POST (the POST binding), and the session cookie is SameSite=Lax, so the browser
does not send it with that POST. The requests cookie is signed (the installation's key), kept
for SSO_FLOW_SECONDS, limited to /login/sso/, and SameSite=None where cookies are Secure
(Lax in development over http, where identity provider and Samspil are the same site)."""
import time

from flask import after_this_request, current_app, g, request, session
from itsdangerous import BadData, URLSafeTimedSerializer

FLOWS = "_sso_flows"
PENDING_LINK = "_sso_link"
MAX_FLOWS = 5  # sign-ins started in other tabs stay usable; more are dropped, oldest first


SAML_COOKIE = "samspil_saml_requests"
SAML_SESSION = "_sso_saml"
SAML_LOGOUT = "_sso_saml_logout"


def remember(provider_key: str, flow: dict, next_url: str, invitation: str | None = None) -> None:
    flows = {k: v for k, v in (session.get(FLOWS) or {}).items() if v["until"] > time.time()}
    flows[flow["state"]] = {"provider": provider_key, "nonce": flow["nonce"],
                            "verifier": flow["verifier"], "next": next_url,
                            "invitation": invitation,
                            "until": time.time() + current_app.config["SSO_FLOW_SECONDS"]}
    session[FLOWS] = dict(sorted(flows.items(), key=lambda kv: kv[1]["until"])[-MAX_FLOWS:])


def take(provider_key: str, state: str) -> dict | None:
    """The sign-in started with this state, removed so it cannot be used again; None if it
    was never started here, has expired, was used already or was for another provider."""
    flows = dict(session.get(FLOWS) or {})
    flow = flows.pop(state, None) if isinstance(state, str) else None
    session[FLOWS] = flows
    if (not isinstance(flow, dict) or flow.get("provider") != provider_key
            or flow.get("until", 0) < time.time()):
        return None
    return {**flow, "state": state}


def wait_for_link(user_login_id: str, provider_key: str, subject: str, next_url: str) -> None:
    session[PENDING_LINK] = {"login_id": user_login_id, "provider": provider_key,
                             "subject": subject, "next": next_url,
                             "until": time.time() + current_app.config["SSO_FLOW_SECONDS"]}


def pending_link() -> dict | None:
    link = session.get(PENDING_LINK)
    if not isinstance(link, dict) or link.get("until", 0) < time.time():
        session.pop(PENDING_LINK, None)
        return None
    return link


def end_link() -> None:
    session.pop(PENDING_LINK, None)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="sso-saml-requests")


def _saml_requests() -> dict:
    if "sso_saml_requests" not in g:
        try:
            loaded = _serializer().loads(request.cookies.get(SAML_COOKIE, ""),
                                         max_age=current_app.config["SSO_FLOW_SECONDS"])
        except BadData:
            loaded = {}
        g.sso_saml_requests = {k: v for k, v in (loaded if isinstance(loaded, dict) else
                                                 {}).items()
                               if isinstance(v, dict) and v.get("until", 0) > time.time()}
    return g.sso_saml_requests


def _store_saml_requests(pending: dict) -> None:
    g.sso_saml_requests = pending
    if g.get("sso_saml_cookie_hooked"):
        return
    g.sso_saml_cookie_hooked = True

    @after_this_request
    def write(response):
        secure = current_app.config["SESSION_COOKIE_SECURE"]
        response.set_cookie(SAML_COOKIE, _serializer().dumps(g.sso_saml_requests),
                            max_age=current_app.config["SSO_FLOW_SECONDS"], path="/login/sso/",
                            secure=secure, httponly=True, samesite="None" if secure else "Lax")
        return response


def remember_saml(provider_key: str, request_id: str, next_url: str,
                  invitation: str | None = None) -> None:
    pending = dict(_saml_requests())
    pending[request_id] = {"provider": provider_key, "next": next_url, "invitation": invitation,
                           "until": time.time() + current_app.config["SSO_FLOW_SECONDS"]}
    _store_saml_requests(dict(sorted(pending.items(),
                                     key=lambda kv: kv[1]["until"])[-MAX_FLOWS:]))


def saml_requests(provider_key: str) -> dict:
    """The AuthnRequests this browser has outstanding at this provider, by id."""
    return {k: v for k, v in _saml_requests().items() if v.get("provider") == provider_key}


def forget_saml(request_id: str) -> None:
    pending = dict(_saml_requests())
    pending.pop(request_id, None)
    _store_saml_requests(pending)
