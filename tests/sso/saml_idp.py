"""A real SAML 2.0 identity provider on 127.0.0.1 for the tests: pysaml2's own IdP
(saml2.server.Server) with its own key and certificate, behind a small WSGI server in a thread.

- GET  /metadata  its metadata (single sign-on and single logout by the redirect binding);
- GET  /sso       checks the signed AuthnRequest (redirect binding) and shows a login form;
- POST /login     signs the person in and answers with the auto-submitting form that POSTs the
                  response to the service provider's assertion consumer service;
- GET  /slo       answers a LogoutRequest with a LogoutResponse by redirect.

What it vouches for can be varied by the tests (`IdP.options`): an unsigned assertion, another
audience, an answer to another request, an assertion encrypted for the service provider. It
trusts a service provider once given its metadata (`IdP.trust`)."""
import datetime
import html
import secrets
import shutil
import threading
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.mdstore import MetadataStore
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

CVR = "https://data.gov.dk/model/core/eid/professional/cvr"
KOMBIT_CVR = "dk:gov:saml:attribute:CvrNumberIdentifier"
EMAIL = "https://data.gov.dk/model/core/eid/email"
NAME = "https://data.gov.dk/model/core/eid/fullName"
LOA = "https://data.gov.dk/concept/core/nsis/loa"

# Anne's CVR comes as OIOSAML 3 names it, Bo's as KOMBIT's context handler does.
USERS = {
    "anne": {CVR: ["58271713"], EMAIL: ["anne@ballerup.example"], NAME: ["Anne Andersen"],
             LOA: ["Substantial"]},
    "bo": {KOMBIT_CVR: ["31000009"], EMAIL: ["bo@nordlys.example"], NAME: ["Bo Berg"],
           LOA: ["Substantial"]},
    "po": {CVR: ["58271713"], EMAIL: ["po@ballerup.example"], NAME: ["Pia Olsen"]},
    "ukendt": {CVR: ["12345674"], EMAIL: ["uma@ukendt.example"], NAME: ["Uma Ukendt"]},
    "ny": {CVR: ["58271713"], EMAIL: ["ny@private.example"], NAME: ["Nina Ny"]},
}


def key_pair(folder, name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class IdP:
    def __init__(self, folder, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.entity_id = self.base + "/idp"
        key_file, cert_file = key_pair(folder, "idp")
        config = IdPConfig()
        config.load({
            "entityid": self.entity_id,
            "xmlsec_binary": shutil.which("xmlsec1"),
            "key_file": key_file, "cert_file": cert_file,
            "service": {"idp": {
                "endpoints": {
                    "single_sign_on_service": [(self.base + "/sso", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(self.base + "/slo", BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "want_authn_requests_signed": True,
                "policy": {"default": {"lifetime": {"minutes": 15},
                                       "attribute_restrictions": None,
                                       "name_form": NAME_FORMAT_URI}},
            }},
        })
        self.server = Server(config=config)
        if self.server.metadata is None:  # no service provider known yet: trust() adds them
            store = MetadataStore(config.attribute_converters, config)
            self.server.metadata = self.server.sec.metadata = config.metadata = store
        self.metadata = entity_descriptor(config).to_string().decode()
        self.options: dict = {}
        self.requests: dict[str, object] = {}  # login form key -> the parsed AuthnRequest
        self.logout_requests: list = []
        self.signed_requests: list[bool] = []

    def reset(self) -> None:
        self.options = {}
        self.requests.clear()
        self.logout_requests.clear()
        self.signed_requests.clear()

    def trust(self, sp_metadata: str) -> None:
        """Know the service provider (its endpoints and its signing certificate)."""
        self.server.metadata.load("inline", sp_metadata)

    # The WSGI application --------------------------------------------------------------
    def __call__(self, environ, start_response):
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            if path == "/metadata":
                return self._answer(start_response, "200 OK", self.metadata, "text/xml")
            if path == "/sso" and method == "GET":
                return self._login_form(start_response, query)
            if path == "/login" and method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                form = {k: v[0] for k, v in parse_qs(
                    environ["wsgi.input"].read(length).decode()).items()}
                return self._respond(start_response, form)
            if path == "/slo" and method == "GET":
                return self._logout(start_response, query)
        except Exception as exc:  # noqa: BLE001 - shown to the test, which then fails
            return self._answer(start_response, "400 Bad Request", f"IdP refused: {exc!r}")
        return self._answer(start_response, "404 Not Found", "not found")

    @staticmethod
    def _answer(start_response, status, body, content_type="text/html; charset=utf-8",
                headers=()):
        start_response(status, [("Content-Type", content_type), *headers])
        return [body.encode()]

    def _login_form(self, start_response, query):
        parsed = self.server.parse_authn_request(
            query["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"), signature=query.get("Signature"))
        # parse_authn_request verifies a signature when there is one; note whether there was.
        self.signed_requests.append(bool(query.get("Signature")))
        key = secrets.token_urlsafe(8)
        self.requests[key] = (parsed.message, query.get("RelayState", ""))
        page = f"""<!doctype html><html lang="en"><head><title>Test IdP</title></head><body>
<main><h1>Test identity provider</h1>
<form method="post" action="{self.base}/login">
<input type="hidden" name="key" value="{key}">
<label for="login">User name</label> <input id="login" name="login" autocomplete="off">
<button type="submit">Sign in</button></form></main></body></html>"""
        return self._answer(start_response, "200 OK", page)

    def _respond(self, start_response, form):
        request, relay_state = self.requests.pop(form["key"])
        login = form["login"]
        options = self.options
        acs = request.assertion_consumer_service_url
        response = self.server.create_authn_response(
            identity=USERS[login], in_response_to=options.get("in_response_to", request.id),
            destination=acs,
            sp_entity_id=options.get("audience", request.issuer.text),
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"{login}-persistent",
                           sp_name_qualifier=request.issuer.text),
            authn={"class_ref": "https://data.gov.dk/concept/core/nsis/loa/Substantial",
                   "authn_auth": self.entity_id},
            sign_assertion=options.get("sign_assertion", True), sign_response=False,
            encrypt_assertion=options.get("encrypt_assertion", False),
            sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
        info = self.server.apply_binding(BINDING_HTTP_POST, str(response), acs, relay_state,
                                         response=True)
        self.last_response_xml = str(response)
        return self._answer(start_response, "200 OK", info["data"])

    def _logout(self, start_response, query):
        parsed = self.server.parse_logout_request(
            query["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"), signature=query.get("Signature"))
        self.logout_requests.append(parsed.message)
        response = self.server.create_logout_response(parsed.message, [BINDING_HTTP_REDIRECT])
        destination = self.server.metadata.single_logout_service(
            parsed.message.issuer.text, BINDING_HTTP_REDIRECT, "spsso")[0]["location"]
        info = self.server.apply_binding(BINDING_HTTP_REDIRECT, str(response), destination,
                                         query.get("RelayState", ""), response=True,
                                         sign=True, sigalg=SIG_RSA_SHA256)
        location = dict(info["headers"])["Location"]
        return self._answer(start_response, "303 See Other", "", headers=[("Location",
                                                                           location)])


def logout_request_url(idp: IdP, sp_entity_id: str, login: str, sign: bool = True) -> str:
    """Where the identity provider sends the browser to end a person's session at the service
    provider (an IdP-initiated LogoutRequest, redirect binding)."""
    destination = idp.server.metadata.single_logout_service(
        sp_entity_id, BINDING_HTTP_REDIRECT, "spsso")[0]["location"]
    _id, request = idp.server.create_logout_request(
        destination, sp_entity_id,
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"{login}-persistent"),
        sign=False)
    info = idp.server.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, "",
                                    sign=sign, sigalg=SIG_RSA_SHA256)
    return dict(info["headers"])["Location"]


def start(folder) -> tuple[IdP, object]:
    """The identity provider serving on a free port, and its server (to shut down)."""
    holder: dict = {}

    def app(environ, start_response):
        return holder["idp"](environ, start_response)

    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer,
                         handler_class=_Quiet)
    holder["idp"] = IdP(folder, server.server_port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["idp"], server


def html_form(page: str) -> tuple[str, dict]:
    """The action and fields of the auto-submitting form (the POST binding's page)."""
    import re

    action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page).group(1))
    fields = {name: html.unescape(value) for name, value in re.findall(
        r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)}
    return action, fields
