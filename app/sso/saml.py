"""SAML 2.0 service provider (pysaml2, signing and verifying with Debian's xmlsec1), following
what the OIOSAML 3 profile asks of a service provider:

- AuthnRequests are signed (redirect binding, RSA-SHA256) and ask for a persistent NameID;
- the response comes back by the POST binding; its assertion must be signed by a key in the
  identity provider's metadata, be for us (audience), be within its validity
  (NotBefore/NotOnOrAfter, with SSO_CLOCK_SKEW_SECONDS), and answer a request this browser
  started (InResponseTo); an assertion is used only once (`app.sso.services.consume_assertion`);
- attributes are read by their names: OIOSAML 3 (`https://data.gov.dk/…`) and KOMBIT's
  context handler (`dk:gov:saml:attribute:…`), including privileges and the assurance level;
- the service provider's metadata (entity id = its address) carries its signing and
  encryption certificate, so encrypted assertions are accepted too.

Like app.sso.oidc, this module hands the core a verified `Assertion` or a `ProtocolRefusal`."""
import datetime
import os
import secrets
import shutil
import time
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from flask import current_app
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.response import StatusError, UnsolicitedResponse
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT, name_id_from_string
from saml2.sigver import SignatureError
from saml2.validate import ResponseLifetimeExceed, ToEarly
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from app.sso.protocol import Assertion, ProtocolRefusal
from app.sso.providers import Provider
from app.web import external_url

METADATA_CACHE_SECONDS = 3600
_metadata: dict[str, tuple[float, str]] = {}
CLAIMS = ("claim_email", "claim_name", "claim_cvr", "claim_municipality", "claim_privileges",
          "claim_loa")


def xmlsec_binary() -> str:
    path = shutil.which("xmlsec1")
    if path is None:
        raise ProtocolRefusal("provider_unreachable", "xmlsec1 is not installed")
    return path


def _new_key_pair(key_path: Path, cert_path: Path) -> None:
    """A 3072-bit RSA key and a self-signed certificate for ten years (development and
    installations that register the metadata as it is)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Samspil SAML service provider")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    key_path.parent.mkdir(parents=True, exist_ok=True)
    draft = key_path.with_name(f".{key_path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    cert_draft = cert_path.with_name(f".{cert_path.name}.{os.getpid()}")
    cert_draft.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    try:
        os.link(draft, key_path)  # whole or not at all; a process that loses keeps the winner's
        os.replace(cert_draft, cert_path)
    except FileExistsError:
        cert_draft.unlink()
    finally:
        draft.unlink()


def sp_key_pair() -> tuple[str, str]:
    """The files of our signing key and certificate: configured, else made once in instance/."""
    config = current_app.config
    if config.get("SAML_SP_KEY_FILE") and config.get("SAML_SP_CERT_FILE"):
        return config["SAML_SP_KEY_FILE"], config["SAML_SP_CERT_FILE"]
    folder = Path(current_app.instance_path)
    key_path, cert_path = folder / "saml_sp.key", folder / "saml_sp.crt"
    if not key_path.exists():
        _new_key_pair(key_path, cert_path)
    return str(key_path), str(cert_path)


def entity_id(provider: Provider) -> str:
    """Our entity id at this provider: the address of our metadata (stable, on BASE_URL)."""
    return external_url("sso.metadata", key=provider.key)


def idp_metadata(provider: Provider) -> str:
    """The identity provider's metadata: pasted, else read from its address (cached)."""
    if provider.idp_metadata.strip():
        return provider.idp_metadata
    url = provider.idp_metadata_url
    cached = _metadata.get(url)
    if cached is None or cached[0] < time.time():
        if not url:
            raise ProtocolRefusal("provider_unreachable", "no metadata configured")
        try:
            response = requests.get(url, timeout=current_app.config["SSO_HTTP_TIMEOUT"],
                                    allow_redirects=False)
            response.raise_for_status()
        except requests.RequestException as exc:
            raise ProtocolRefusal("provider_unreachable", f"{url}: {exc}") from exc
        cached = (time.time() + METADATA_CACHE_SECONDS, response.text)
        _metadata[url] = cached
    return cached[1]


def _settings(provider: Provider, with_idp: bool) -> dict:
    key_file, cert_file = sp_key_pair()
    settings = {
        "entityid": entity_id(provider),
        "xmlsec_binary": xmlsec_binary(),
        "key_file": key_file, "cert_file": cert_file,
        "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
        "accepted_time_diff": current_app.config["SSO_CLOCK_SKEW_SECONDS"],
        "allow_unknown_attributes": True,
        "service": {"sp": {
            "name": "Samspil",
            "endpoints": {
                "assertion_consumer_service": [
                    (external_url("sso.acs", key=provider.key), BINDING_HTTP_POST)],
                "single_logout_service": [
                    (external_url("sso.sls", key=provider.key), BINDING_HTTP_REDIRECT)],
            },
            "authn_requests_signed": True, "logout_requests_signed": True,
            "want_assertions_signed": True, "want_response_signed": False,
            "allow_unsolicited": False,
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            "signing_algorithm": SIG_RSA_SHA256, "digest_algorithm": DIGEST_SHA256,
        }},
    }
    if with_idp:
        settings["metadata"] = {"inline": [idp_metadata(provider)]}
    return settings


def _client(provider: Provider) -> Saml2Client:
    config = SPConfig()
    try:
        config.load(_settings(provider, with_idp=True))
    except ProtocolRefusal:
        raise
    except Exception as exc:  # pysaml2 raises bare exceptions on unreadable metadata
        raise ProtocolRefusal("bad_metadata", str(exc)[:300]) from exc
    client = Saml2Client(config=config)
    if not client.metadata.single_sign_on_service(provider.issuer, BINDING_HTTP_REDIRECT):
        raise ProtocolRefusal("bad_metadata", f"no redirect SSO service for {provider.issuer}")
    return client


def sp_metadata(provider: Provider) -> str:
    """Our metadata for registering with the identity provider (no identity provider needed)."""
    config = SPConfig()
    config.load(_settings(provider, with_idp=False))
    return entity_descriptor(config).to_string().decode()


def authn_request(provider: Provider) -> tuple[str, str]:
    """A signed AuthnRequest for a persistent NameID: its id, and where to send the browser."""
    client = _client(provider)
    try:
        request_id, info = client.prepare_for_authenticate(
            entityid=provider.issuer, binding=BINDING_HTTP_REDIRECT, sign=True,
            sigalg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256,
            nameid_format=NAMEID_FORMAT_PERSISTENT)
    except Exception as exc:  # e.g. the metadata names no such identity provider
        raise ProtocolRefusal("bad_metadata", str(exc)[:300]) from exc
    return request_id, dict(info["headers"])["Location"]


def _refusal(exc: Exception) -> ProtocolRefusal:
    """pysaml2's exceptions (several are bare Exceptions) as the reasons the core knows."""
    detail = f"{type(exc).__name__}: {exc}"[:500]
    if isinstance(exc, UnsolicitedResponse):
        return ProtocolRefusal("bad_state", detail)
    if isinstance(exc, (ResponseLifetimeExceed, ToEarly)):
        return ProtocolRefusal("expired_token", detail)
    if isinstance(exc, SignatureError) or type(exc).__name__ == "IncorrectlySigned":
        return ProtocolRefusal("bad_signature", detail)
    if isinstance(exc, StatusError):
        return ProtocolRefusal("provider_error", detail)
    if "AudienceRestrictions" in str(exc):
        return ProtocolRefusal("wrong_audience", detail)
    return ProtocolRefusal("malformed_token", detail)


def _attributes(assertion) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement or []:
        for attribute in statement.attribute:
            values.setdefault(attribute.name, []).extend(
                v.text.strip() for v in attribute.attribute_value if v.text and v.text.strip())
    return values


def claims_of(provider: Provider, attributes: dict[str, list[str]]) -> dict:
    """The claims the core reads, under the provider's settings: for each, the first of its
    attribute names (separated by spaces) the assertion has."""
    claims: dict = {}
    for setting in CLAIMS:
        names = getattr(provider, setting) or ""
        value = next((attributes[n][0] for n in names.split() if attributes.get(n)), None)
        if names and value is not None:
            claims[names] = value
    return claims


def finish(provider: Provider, saml_response: str, outstanding: dict) -> Assertion:
    """Check the POSTed response against the requests this browser has outstanding."""
    client = _client(provider)
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST,
                                                       outstanding=outstanding)
    except Exception as exc:  # every pysaml2 failure is a refusal, never a 500
        raise _refusal(exc) from exc
    if response is None or response.assertion is None or response.name_id is None:
        raise ProtocolRefusal("malformed_token", "no assertion")
    if response.in_response_to not in outstanding:
        raise ProtocolRefusal("bad_state", f"InResponseTo {response.in_response_to!r}")
    name_id = response.name_id
    subject = (name_id.text or "").strip()
    if name_id.format == NAMEID_FORMAT_TRANSIENT or not subject or len(subject) > 255:
        raise ProtocolRefusal("bad_claims", f"no persistent NameID ({name_id.format})")
    assertion = response.assertion
    session_index = next((s.session_index for s in assertion.authn_statement or []
                          if s.session_index), None)
    expires = response.not_on_or_after or (time.time() + current_app.config["SSO_FLOW_SECONDS"])
    return Assertion(provider, subject, claims_of(provider, _attributes(assertion)), logout={
        "name_id": name_id.to_string().decode(), "session_index": session_index,
        "assertion_id": assertion.id, "expires": int(expires),
        "request_id": response.in_response_to})


def logout_request(provider: Provider, logout: dict) -> tuple[str, str] | None:
    """A signed LogoutRequest (redirect binding) for the session: its id and where to send the
    browser; None if the identity provider has no single logout service."""
    client = _client(provider)
    services = client.metadata.single_logout_service(provider.issuer, BINDING_HTTP_REDIRECT,
                                                     "idpsso")
    if not services:
        return None
    destination = services[0]["location"]
    request_id, request = client.create_logout_request(
        destination, provider.issuer, name_id=name_id_from_string(logout["name_id"]),
        session_indexes=[logout["session_index"]] if logout.get("session_index") else None,
        sign=False)
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, sign=True,
                                sigalg=SIG_RSA_SHA256)
    return request_id, dict(info["headers"])["Location"]


def subject_of(name_id_xml: str) -> str:
    """The subject of a NameID kept for single logout."""
    return name_id_from_string(name_id_xml).text or ""


def has_single_logout(provider: Provider) -> bool:
    try:
        return bool(_client(provider).metadata.single_logout_service(
            provider.issuer, BINDING_HTTP_REDIRECT, "idpsso"))
    except ProtocolRefusal:
        return False


def logout_finished(provider: Provider, saml_response: str, request_id: str) -> bool:
    """Whether the identity provider's LogoutResponse answers our request with success."""
    try:
        response = _client(provider).parse_logout_request_response(saml_response,
                                                                   BINDING_HTTP_REDIRECT)
    except Exception:  # noqa: BLE001 - an unreadable answer is an unconfirmed logout
        return False
    return (response is not None and response.in_response_to == request_id
            and response.status_ok())


def answer_logout_request(provider: Provider, query: dict) -> tuple[str, str]:
    """An identity-provider-initiated LogoutRequest (redirect binding), which must be signed
    by the identity provider: the NameID it ends, and where to send the browser with our
    signed LogoutResponse."""
    client = _client(provider)
    # pysaml2 checks a redirect binding's signature only where the configuration asks for
    # signed requests, which it reads from the "idp" context even for a service provider.
    client.config.setattr("idp", "want_authn_requests_signed", True)
    try:
        request = client.parse_logout_request(
            query.get("SAMLRequest", ""), BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"), sigalg=query.get("SigAlg"),
            signature=query.get("Signature"))
        message = request.message
        services = client.metadata.single_logout_service(provider.issuer,
                                                         BINDING_HTTP_REDIRECT, "idpsso")
        if message.issuer is None or message.issuer.text != provider.issuer or not services:
            raise ProtocolRefusal("wrong_issuer", "LogoutRequest from another issuer")
        response = client.create_logout_response(message, [BINDING_HTTP_REDIRECT], sign=False)
        destination = services[0].get("response_location") or services[0]["location"]
        info = client.apply_binding(BINDING_HTTP_REDIRECT, str(response), destination,
                                    query.get("RelayState", ""), response=True, sign=True,
                                    sigalg=SIG_RSA_SHA256)
    except ProtocolRefusal:
        raise
    except Exception as exc:  # every pysaml2 failure is a refusal, never a 500
        raise _refusal(exc) from exc
    return (message.name_id.text or "") if message.name_id else "", \
        dict(info["headers"])["Location"]
