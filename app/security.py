"""Security baseline applied to every request and response: headers, CSP, request ids, the
sign-in settings, hostile-input guards (NUL bytes, out-of-range ids) and the trusted proxy."""
import logging
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, g, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.database import MAX_ID
from app.extensions import login_manager

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def digits_up_to(limit: int) -> str:
    """A regular expression matching the numbers 0 … `limit` written without leading zeros."""
    top = str(limit)
    shorter = [r"0", rf"[1-9]\d{{0,{len(top) - 2}}}"] if len(top) > 1 else []
    same_length = [top]
    for i, digit in enumerate(top):
        low = "1" if i == 0 and len(top) > 1 else "0"
        if digit > low:
            same_length.append(f"{top[:i]}[{low}-{int(digit) - 1}]" + rf"\d{{{len(top) - i - 1}}}")
    return "(?:" + "|".join(shorter + same_length) + ")"


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` that only matches 0 … MAX_ID, so forged huge ids answer 404.

    The bound is in the pattern, not only in `to_python`: Werkzeug decides "405 Method Not
    Allowed" from the pattern alone, so a GET and a POST rule on one address would otherwise
    answer a forged id's POST with 405 instead of 404."""

    regex = digits_up_to(MAX_ID)

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def request_id() -> str:
    """This request's id, shown on error pages and put on every log line about it."""
    if "request_id" not in g:
        g.request_id = secrets.token_hex(6)
    return g.request_id


# The JSON API lives under this prefix and decides for itself which bodies it takes, as do
# the code forges' receiving addresses (JSON, signed); every other address is a page whose
# forms take form data only.
API_PREFIX = "/api/"
JSON_PREFIXES = (API_PREFIX, "/hooks/")
FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def has_nul(value) -> bool:
    """Is there a NUL byte in a decoded value: a string, a MultiDict's keys and values, or a
    JSON document at any depth?"""
    if isinstance(value, str):
        return "\x00" in value
    if hasattr(value, "lists"):
        return any(has_nul(key) or any(has_nul(v) for v in vals) for key, vals in value.lists())
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(v) for key, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def _signed_in() -> bool:
    """Was this request made by a signed-in person? (Read without loading the user again.)"""
    # `is_anonymous`, not `is_authenticated`: the latter reads the account's active flag, and
    # after the request's commit that would load the account again.
    user = g.get("_login_user")
    return (user is not None and not getattr(user, "is_anonymous", True)) or "_user_id" in session


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", "").lower()


def _request_has_nul() -> bool:
    # Headers too: the audit log stores the User-Agent and (behind a proxy) X-Forwarded-For.
    if "\x00" in request.path or has_nul(request.args) or any(
            "\x00" in value for value in request.headers.values()):
        return True
    if request.mimetype in FORM_MIMETYPES:
        return has_nul(request.form)
    return request.is_json and has_nul(request.get_json(silent=True))


class RequestIdFilter(logging.Filter):
    """Put the request id on every log record so support can find a user's error."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flask import has_request_context

        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def limits_in_worker_memory(app: Flask) -> bool:
    """Production with its sign-in limits kept in each worker's own memory."""
    return (app.config.get("ENV_NAME") == "production" and bool(app.config["RATELIMIT_ENABLED"])
            and str(app.config["RATELIMIT_STORAGE_URI"]).startswith("memory://"))


def configuration_warnings(app: Flask) -> list[str]:
    """What site administrators should fix in the configuration, shown on their pages."""
    warnings = []
    if limits_in_worker_memory(app):
        warnings.append(_("The sign-in limits are kept in each worker's memory "
                          "(RATELIMIT_STORAGE_URI is memory://): with more than one worker, an "
                          "account or address gets more attempts than the limit says. Set "
                          "RATELIMIT_STORAGE_URI to a shared store such as redis://."))
    return warnings


def trusted_hosts(config) -> list[str]:
    """The host names production answers to: BASE_URL's, and any EXTRA_TRUSTED_HOSTS."""
    base = urlsplit(config["BASE_URL"]).hostname
    return list(dict.fromkeys([h for h in [base, *config.get("EXTRA_TRUSTED_HOSTS", [])] if h]))


def init_app(app: Flask) -> None:
    # Before any blueprint adds its rules, so every <int:…> in the app is bounded.
    app.url_map.converters["int"] = BoundedIntegerConverter
    if app.config.get("ENV_NAME") == "production":
        # A forged Host header must not reach anything the app builds (Werkzeug refuses it
        # with a SecurityError, a 400); development answers on any host.
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
        if urlsplit(app.config["BASE_URL"]).hostname in ("127.0.0.1", "localhost", None):
            app.logger.warning("BASE_URL is %s: links in e-mails and feeds point there, and "
                               "only that host is answered. Set BASE_URL to the site's address.",
                               app.config["BASE_URL"])
    proxies = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if proxies:
        # Behind a reverse proxy remote_addr is the proxy's: without this the per-address
        # sign-in limit would be one limit for everybody, and the audit log would say "127.0.0.1".
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
        app.logger.warning(
            "TRUSTED_PROXIES=%d: the client address is taken from X-Forwarded-For. If anyone "
            "can reach the app without passing through that proxy, they can send any address "
            "and escape the per-address sign-in limit: bind the app to an address only the "
            "proxy reaches (e.g. 127.0.0.1).", proxies)
    if limits_in_worker_memory(app):
        # Only a single-worker install gets here in production (ProductionConfig.validate).
        app.logger.warning(
            "RATELIMIT_STORAGE_URI is memory:// in production (RATELIMIT_ALLOW_MEMORY=1): each "
            "worker keeps its own sign-in limits, so run exactly one worker, or set a shared "
            "store such as redis://.")
    app.jinja_env.globals["configuration_warnings"] = lambda: configuration_warnings(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # "basic" rather than "strong": municipal networks often leave through several proxies,
    # and "strong" would sign people out whenever their address changes mid-session.
    login_manager.session_protection = "basic"

    @app.before_request
    def assign_request_id():
        g.pop("request_id", None)
        request_id()

    @app.before_request
    def refuse_bodies_that_are_not_forms():
        # WTForms reads a JSON body as form data, past what the forms' pages expect; the pages
        # take form data only, so anything else is refused before a form sees it.
        if (request.method in UNSAFE_METHODS and not request.path.startswith(JSON_PREFIXES)
                and _has_body() and request.mimetype not in FORM_MIMETYPES):
            abort(415)

    @app.before_request
    def refuse_nul_bytes():
        # No text a person types contains NUL, and PostgreSQL refuses to store it (a 500).
        try:
            nul = _request_has_nul()
        except RecursionError:  # JSON nested deeper than Python decodes: no one's data
            abort(400, description=_("The request is nested too deeply. Nothing was saved."))
        if nul:
            abort(400, description=_("The request contains a character that is not allowed "
                                     "(a NUL byte). Nothing was saved."))

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        h["X-Request-ID"] = request_id()
        # What a signed-in person sees is theirs alone: no shared cache or browser history may
        # keep it (the board's poll already says no-store). Static files keep their caching.
        if (request.endpoint != "static" and "no-store" not in h.get("Cache-Control", "")
                and _signed_in()):
            h["Cache-Control"] = "private, no-store"
        return response

    handler_filter = RequestIdFilter()
    app.logger.addFilter(handler_filter)
    for handler in app.logger.handlers:
        handler.addFilter(handler_filter)
