"""Errors as RFC 9457 problem details (`application/problem+json`), in the caller's language:
every refusal of the API, and every error the app answers under /api/ (404 of an unknown
address, 405, 413, 429, 500 ...), never an HTML page."""
import json

from flask import Response, current_app, g
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"), 401: _("Not signed in"), 403: _("Not allowed"),
        404: _("Not found"), 405: _("Method not allowed"), 406: _("Not acceptable"),
        409: _("Conflict"), 412: _("Changed meanwhile"), 413: _("Too large"),
        415: _("Unsupported media type"), 422: _("Invalid input"),
        428: _("Precondition required"), 429: _("Too many requests"),
        500: _("Something went wrong"), 503: _("Temporarily unavailable"),
    }


def _details() -> dict[int, str]:
    """What the API says for a status when the error itself says nothing more useful."""
    return {
        401: _("Send a valid personal access token as 'Authorization: Bearer <token>'. "
               "Tokens are made under Settings."),
        403: _("Your token or your role in the project does not allow this."),
        404: _("There is no such resource, or you do not have access to it."),
        405: _("This address does not accept that method."),
        413: _("The request body is too large."),
        415: _("Send the body as JSON (Content-Type: application/json)."),
        429: _("Too many requests. Wait a minute and try again."),
        500: _("The error has been logged. Nothing was saved."),
    }


class ApiProblem(HTTPException):
    """A refusal answered as problem details; `errors` maps fields to what is wrong with them,
    `current` is the resource as it stands now (412), `headers` are added to the answer."""

    def __init__(self, status: int, detail: str | None = None, errors: dict | None = None,
                 current: dict | None = None, headers: dict | None = None):
        super().__init__(description=detail)
        self.code = status
        self.errors = errors
        self.current = current
        self.extra_headers = headers or {}

    def get_response(self, environ=None, scope=None) -> Response:
        return problem(self.code, self.description, errors=self.errors, current=self.current,
                       headers=self.extra_headers)


def problem(status: int, detail: str | None = None, errors: dict | None = None,
            current: dict | None = None, headers: dict | None = None) -> Response:
    """A problem-details answer with `status`."""
    body = {"type": "about:blank", "title": _titles().get(status, str(status)),
            "status": status, "detail": detail or _details().get(status) or "",
            "instance": None}
    body["instance"] = f"urn:samspil:request:{g.get('request_id', '')}"
    if errors:
        body["errors"] = {k or "body": str(v) for k, v in errors.items()}
    if current is not None:
        body["current"] = current
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status,
                                          mimetype=PROBLEM_TYPE)
    response.headers["Content-Language"] = str(_language())
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="samspil"'
    response.headers.update(headers or {})
    return response


def _language() -> str:
    from flask_babel import get_locale

    return get_locale().language


def render_error(status: int, title: str, message: str) -> Response:
    """The app's error pages, answered as problem details under /api/ (see
    app.web.errors.register_error_renderer). The page's words are kept where the API has none
    of its own (a NUL byte refused, a clash with another writer)."""
    return problem(status, _details().get(status) or message)
