"""The rules of personal access tokens: making one (shown once), revoking it, and finding the
token a request's `Authorization: Bearer` names. Every function flushes and never commits."""
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.api.models import MAX_TOKEN_NAME, TOKEN_PREFIX, AccessToken
from app.audit.labels import register_actions, register_details
from app.audit.services import record
from app.clock import COPENHAGEN
from app.database import parse_id, utcnow
from app.extensions import db
from app.projects.models import Membership, Project
from app.services import RuleViolation, clean_text
from app.tokens import digest, matches, new_token

MAX_DAYS = 366  # "at most a year", a leap year's day included
# Writing `last_used_at` on every request would make each read a write; a minute is as
# precise as "last used" needs to be.
LAST_USE_PRECISION = timedelta(minutes=1)

register_actions({"api_token.created": _l("API token created"),
                  "api_token.revoked": _l("API token revoked")})
register_details({"can_write": _l("May change things"), "expires_on": _l("Expires on"),
                  "projects": _l("Projects")})


def tokens_of(user) -> list[AccessToken]:
    """The user's tokens, newest first, with their projects."""
    return list(db.session.scalars(
        select(AccessToken).options(selectinload(AccessToken.projects))
        .where(AccessToken.user_id == user.id).order_by(AccessToken.created_at.desc(),
                                                         AccessToken.id.desc())))


def projects_for_tokens(user) -> list[Project]:
    """The projects a token of this user may be limited to: those they may see (their own;
    every project for a site administrator, who may read them all and take part in none)."""
    stmt = select(Project).order_by(Project.key)
    if not user.is_site_admin:
        stmt = stmt.join(Membership).where(Membership.user_id == user.id)
    return list(db.session.scalars(stmt))


def _clean_projects(user, project_ids) -> list[Project]:
    ids = {parse_id(v) for v in project_ids or ()}
    if not ids or None in ids:
        raise RuleViolation(_("Choose at least one of your projects."), "projects")
    allowed = {p.id: p for p in projects_for_tokens(user)}
    if not ids <= allowed.keys():
        raise RuleViolation(_("Choose among your own projects."), "projects")
    return [allowed[i] for i in sorted(ids)]


def _clean_expiry(expires_on, today: date) -> date:
    if not isinstance(expires_on, date):
        raise RuleViolation(_("Choose the day the token expires."), "expires_on")
    if expires_on <= today:
        raise RuleViolation(_("The token must expire after today."), "expires_on")
    if expires_on > today + timedelta(days=MAX_DAYS):
        raise RuleViolation(_("A token lives at most a year."), "expires_on")
    return expires_on


def create_token(user, name: str, project_ids, can_write: bool, expires_on,
                 now: datetime | None = None) -> tuple[AccessToken, str]:
    """Make a token for `user`; returns (the row, the token to show once). It expires at the
    end of `expires_on` (Copenhagen time), within a year."""
    now = now or utcnow()
    name = " ".join(clean_text(name, "name", MAX_TOKEN_NAME).split())
    if not name:
        raise RuleViolation(_("Give the token a name, e.g. what uses it."), "name")
    projects = _clean_projects(user, project_ids)
    day = _clean_expiry(expires_on, now.astimezone(COPENHAGEN).date())
    secret = TOKEN_PREFIX + new_token()[0]
    token = AccessToken(user=user, name=name, digest=digest(secret), hint=secret[:10],
                        can_write=bool(can_write), projects=projects, created_at=now,
                        expires_at=datetime.combine(day + timedelta(days=1), time(),
                                                    COPENHAGEN))
    db.session.add(token)
    db.session.flush()
    record("api_token.created", target=token, actor=user, can_write=token.can_write,
           expires_on=day.isoformat(), projects=[p.key for p in projects])
    return token, secret


def revoke_token(token: AccessToken, actor) -> None:
    """Revoke a token at once (it answers 401 from now on); revoking twice changes nothing."""
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    db.session.flush()
    record("api_token.revoked", target=token, actor=actor)


def token_of(user, token_id) -> AccessToken | None:
    """One of the user's own tokens by id, or None."""
    ident = parse_id(token_id) if not isinstance(token_id, int) else token_id
    token = db.session.get(AccessToken, ident) if ident else None
    return token if token is not None and token.user_id == user.id else None


def find_token(bearer: str) -> AccessToken | None:
    """The token a bearer value names, with its user and projects, if it is one; usable or
    not (the caller decides)."""
    if not bearer.startswith(TOKEN_PREFIX) or len(bearer) > 200:
        return None
    # One statement: the user (and the organisation its rules need) and the projects joined.
    token = db.session.scalars(
        select(AccessToken).options(joinedload(AccessToken.user).joinedload(User.organisation),
                                    joinedload(AccessToken.projects))
        .where(AccessToken.digest == digest(bearer))).unique().first()
    return token if token is not None and matches(bearer, token.digest) else None


def note_use(token: AccessToken, now: datetime | None = None) -> bool:
    """Remember when the token was last used (to the minute); True when that wrote."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_PRECISION:
        return False
    token.last_used_at = now
    db.session.flush()
    return True
