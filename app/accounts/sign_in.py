"""The steps of signing in: the password, then (for those who have it) the second factor.

Between the steps the session holds only a pending sign-in (the login id, with its nonce, and
a deadline); the person is not signed in until the code is right, and an administrator's
deactivation or a password change in the meantime ends the pending sign-in too."""
import time

from flask import current_app, session, url_for
from flask_login import login_user

from app.accounts.loaders import load_user
from app.accounts.models import User
from app.accounts.services import complete_sign_in
from app.accounts.two_factor import needs_enrolment
from app.extensions import db

PENDING = "_pending_sign_in"


def after_password(user: User, remember: bool, next_url: str) -> str:
    """The password was right: sign in, or wait for the second factor. Returns where to go."""
    if user.has_two_factor:
        limit = current_app.config["TWO_FACTOR_PENDING_SECONDS"]
        session[PENDING] = {"login_id": user.get_id(), "remember": bool(remember),
                            "next": next_url, "until": time.time() + limit}
        db.session.commit()
        return url_for("accounts.code")
    return finish(user, remember, next_url)


def pending_user() -> User | None:
    """The user whose sign-in waits for a code, unless it expired or the account changed."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("until"), (int, float)):
        return None
    if pending["until"] < time.time():
        session.pop(PENDING, None)
        return None
    user = load_user(str(pending.get("login_id", "")))
    return user if user is not None and user.has_two_factor else None


def pending_account_key() -> str:
    pending = session.get(PENDING)
    login_id = str(pending.get("login_id", "")) if isinstance(pending, dict) else ""
    return "second-factor:" + login_id.partition(":")[0]


def finish_pending(user: User) -> str:
    """The code was right: sign in as the password step asked."""
    pending = session.pop(PENDING, None) or {}
    return finish(user, bool(pending.get("remember")), str(pending.get("next") or "/"))


def finish(user: User, remember: bool, next_url: str) -> str:
    complete_sign_in(user)
    db.session.commit()
    login_user(user, remember=remember)
    # A member of an organisation that requires two-factor sign-in enrols first.
    return url_for("accounts.two_factor_settings") if needs_enrolment(user) else next_url
