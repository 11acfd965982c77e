"""Finding the signed-in user of a request."""
import functools
import secrets

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.database import parse_id
from app.extensions import db, login_manager


@functools.lru_cache(maxsize=1)
def _user_statement():
    """Built once: every request of a signed-in person runs it, and building the statement
    and its cache key cost twice what running it does. The organisation comes along: every
    page's header names it."""
    return (select(User).options(joinedload(User.organisation))
            .where(User.id == bindparam("user_id")))


def load_user(login_id: str) -> User | None:
    """The user a session names ("<id>:<nonce>"), if the account is active and the nonce is
    still its current one (a password change or sign-out everywhere rotates it)."""
    user_id, _, nonce = login_id.partition(":")
    user_id = parse_id(user_id)
    if user_id is None or not nonce:
        return None
    user = db.session.scalar(_user_statement(), {"user_id": user_id})
    if (user is None or not user.is_active
            or not secrets.compare_digest(user.session_nonce, nonce)):
        return None
    return user


def init_app(app) -> None:
    login_manager.user_loader(load_user)
