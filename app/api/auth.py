"""Who calls the API: the personal access token of `Authorization: Bearer`, never a cookie.

The token is read first of all in the request (before the rate limits, which count per token,
and before anything asks for the current user), and its user becomes `current_user` for the
request: the areas' loaders and permission predicates then decide as they do for pages, and a
token never does more than its user may. What the token itself limits comes on top: its
projects (others answer 404, as for a non-member), and writing (403 for a read-only token)."""
from flask import g, request
from flask_babel import gettext as _

from app.api.models import AccessToken
from app.api.problems import ApiProblem
from app.api.tokens import find_token, note_use
from app.database import utcnow
from app.extensions import db, login_manager
from app.security import UNSAFE_METHODS

API_PATH = "/api/v1/"


def _bearer() -> str | None:
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def identify_caller() -> None:
    """Make the token's user the request's user (or nobody), ignoring any session cookie."""
    if not request.path.startswith(API_PATH):
        return
    g.language_from_request = True
    g.api_token = None
    g._login_user = login_manager.anonymous_user()
    bearer = _bearer()
    token = find_token(bearer) if bearer else None
    if token is not None and token.is_usable(utcnow()):
        g.api_token = token
        g._login_user = token.user


def must_enrol(user) -> bool:
    """The pages' enrolment rule for a token's user: their organisation requires two-factor
    sign-in and they have not set it up (people who sign in only through single sign-on,
    without a password, are exempt as they are on the pages)."""
    return bool(user.organisation.requires_two_factor and not user.has_two_factor
                and user.password_hash is not None)


def token_key() -> str:
    """The rate limits' key: the token, or the caller's address for requests without one."""
    token = g.get("api_token")
    return f"api-token:{token.id}" if token is not None else f"api-address:{request.remote_addr}"


def require_token() -> None:
    """Refuse a request without a usable token (401), or a write with a read-only one (403)."""
    if request.endpoint == "api.openapi":  # the description is public
        return
    token: AccessToken | None = g.get("api_token")
    if token is None:
        detail = _("This token has expired or was revoked.") if _bearer() else None
        raise ApiProblem(401, detail)
    if request.method in UNSAFE_METHODS and not token.can_write:
        raise ApiProblem(403, _("This token may only read."))
    if must_enrol(token.user):
        raise ApiProblem(403, _("Your organisation requires two-factor sign-in: set it up "
                                "under Settings before using the API."))
    if note_use(token):
        db.session.commit()


def token_projects() -> list:
    """The projects the request's token is limited to."""
    token = g.get("api_token")
    return list(token.projects) if token is not None else []
