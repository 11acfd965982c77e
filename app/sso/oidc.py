"""OpenID Connect relying party (Authlib): the authorization code flow with PKCE (S256),
`state` and `nonce`, and the ID token checked here before the core sees anything: signature
by the provider's published keys (an unknown `kid` fetches the keys once more: the provider
rotated them), issuer, audience, expiry and nonce.

The protocol hands the core a verified `Assertion`, as SAML (app.sso.saml) does."""
import time

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc6749.errors import OAuth2Error
from flask import current_app
from joserfc import jws, jwt
from joserfc.errors import (BadSignatureError, ExpiredTokenError, InvalidClaimError, JoseError,
                            MissingClaimError)
from joserfc.jwk import KeySet

from app.sso.protocol import Assertion, ProtocolRefusal
from app.sso.providers import Provider

ALGORITHMS = ["RS256", "PS256", "ES256"]
# Discovery documents and key sets are kept this long (a rotation refetches the keys early).
CACHE_SECONDS = 3600
_discovery: dict[str, tuple[float, dict]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=current_app.config["SSO_HTTP_TIMEOUT"],
                                allow_redirects=False)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProtocolRefusal("provider_unreachable", f"{url}: {exc}") from exc
    if not isinstance(data, dict):
        raise ProtocolRefusal("provider_unreachable", f"{url}: not a JSON object")
    return data


def discovery(provider: Provider) -> dict:
    """The provider's discovery document (cached), whose issuer must be the configured one."""
    issuer = provider.issuer.rstrip("/")
    cached = _discovery.get(issuer)
    if cached is None or cached[0] < time.time():
        document = _get_json(issuer + "/.well-known/openid-configuration")
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ProtocolRefusal("wrong_issuer", f"discovery names {document.get('issuer')!r}")
        cached = (time.time() + CACHE_SECONDS, document)
        _discovery[issuer] = cached
    return cached[1]


def _key_set(jwks_uri: str, refresh: bool = False) -> KeySet:
    cached = _keys.get(jwks_uri)
    if refresh or cached is None or cached[0] < time.time():
        try:
            cached = (time.time() + CACHE_SECONDS, KeySet.import_key_set(_get_json(jwks_uri)))
        except (JoseError, ValueError, TypeError) as exc:
            raise ProtocolRefusal("bad_keys", str(exc)) from exc
        _keys[jwks_uri] = cached
    return cached[1]


def new_flow() -> dict:
    """Fresh single-use values for one sign-in: state, nonce and the PKCE verifier."""
    return {"state": generate_token(32), "nonce": generate_token(32),
            "verifier": generate_token(64)}


def _client(provider: Provider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(provider.client_id, provider.client_secret, scope=provider.scopes,
                         redirect_uri=redirect_uri, code_challenge_method="S256")


def authorization_url(provider: Provider, flow: dict, redirect_uri: str) -> str:
    """Where to send the browser to sign in at the provider."""
    endpoint = discovery(provider).get("authorization_endpoint")
    if not endpoint:
        raise ProtocolRefusal("provider_unreachable", "no authorization_endpoint")
    url, _state = _client(provider, redirect_uri).create_authorization_url(
        endpoint, state=flow["state"], nonce=flow["nonce"], code_verifier=flow["verifier"])
    return url


def finish(provider: Provider, flow: dict, code: str, redirect_uri: str) -> Assertion:
    """Exchange the code (with the PKCE verifier) and check the ID token."""
    endpoint = discovery(provider).get("token_endpoint")
    try:
        token = _client(provider, redirect_uri).fetch_token(
            endpoint, grant_type="authorization_code", code=code,
            code_verifier=flow["verifier"], timeout=current_app.config["SSO_HTTP_TIMEOUT"])
    except (OAuthError, OAuth2Error) as exc:
        raise ProtocolRefusal("token_refused", str(exc)) from exc
    except (requests.RequestException, ValueError) as exc:
        raise ProtocolRefusal("provider_unreachable", str(exc)) from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise ProtocolRefusal("no_id_token", "the token response has no id_token")
    return Assertion(provider, *validate_id_token(provider, id_token, flow["nonce"]))


def _verified(provider: Provider, id_token: str):
    jwks_uri = discovery(provider).get("jwks_uri", "")
    try:
        kid = jws.extract_compact(id_token.encode()).headers().get("kid")
    except (JoseError, ValueError) as exc:
        raise ProtocolRefusal("malformed_token", str(exc)) from exc
    keys = _key_set(jwks_uri)
    if kid is not None and kid not in {k.kid for k in keys.keys}:
        keys = _key_set(jwks_uri, refresh=True)  # the provider rotated its keys: once
    try:
        return jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except (BadSignatureError, JoseError, ValueError) as exc:
        raise ProtocolRefusal("bad_signature", f"kid {kid!r}: {exc}") from exc


def validate_id_token(provider: Provider, id_token: str, nonce: str) -> tuple[str, dict]:
    """The subject and claims of a valid ID token for us; else ProtocolRefusal saying why."""
    token = _verified(provider, id_token)
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=int(time.time()), leeway=current_app.config["SSO_CLOCK_SKEW_SECONDS"],
        iss={"essential": True, "value": discovery(provider)["issuer"]},
        aud={"essential": True, "value": provider.client_id},
        exp={"essential": True}, sub={"essential": True},
        nonce={"essential": True, "value": nonce})
    try:
        registry.validate(claims)
    except ExpiredTokenError as exc:
        raise ProtocolRefusal("expired_token", str(exc)) from exc
    except (InvalidClaimError, MissingClaimError) as exc:
        reason = {"aud": "wrong_audience", "iss": "wrong_issuer", "nonce": "wrong_nonce"}.get(
            getattr(exc, "claim", ""), "bad_claims")
        raise ProtocolRefusal(reason, str(exc)) from exc
    except JoseError as exc:
        raise ProtocolRefusal("bad_claims", str(exc)) from exc
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise ProtocolRefusal("bad_claims", "no usable sub")
    return subject, claims
