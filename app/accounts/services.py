"""Rules for accounts: creating users, signing in, passwords."""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import PasswordReset, User, new_session_nonce
from app.audit.labels import register_actions
from app.audit.services import record
from app.database import utcnow
from app.extensions import db
from app.services import RuleViolation
from app.tokens import digest, new_token

MIN_PASSWORD_LENGTH = 12

register_actions({
    "account.signed_out_elsewhere": _l("Signed out on every other device"),
    "account.password_reset_requested": _l("Password reset requested"),
    "account.password_reset": _l("Password reset with an e-mailed link"),
})
# Longer than any token new_token() makes: a longer one names nothing and is not hashed.
MAX_TOKEN_LENGTH = 100

# The most common passwords of at least twelve characters in public breach lists, plus the
# obvious local ones. A short list by design: it stops the worst, length does the rest.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012", "1234567890123", "12345678910", "qwertyuiop123", "qwertyuiopasdf",
        "password1234", "password12345", "passwordpassword", "iloveyou1234", "adminadmin123",
        "administrator", "welcome12345", "letmein12345", "changeme1234", "abcdefghijkl",
        "abc123456789", "qwerty123456", "1q2w3e4r5t6y", "aaaaaaaaaaaa", "000000000000",
        "111111111111", "123123123123", "sommer2024!!", "sommer123456", "vinter123456",
        "kodeord12345", "kodeordkodeord", "password123!", "Password1234", "samspil-demo",
        "samspilsamspil", "kommune12345", "danmark12345", "velkommen123", "velkommen1234",
    }
)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_new_password(password: str) -> None:
    """Refuse passwords that are too short or too common."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            "password",
        )
    if password.lower() in {p.lower() for p in COMMON_PASSWORDS}:
        raise RuleViolation(_("This password is too common; choose another."), "password")


def create_user(
    email: str,
    name: str,
    password: str | None,
    organisation,
    is_site_admin: bool = False,
    check_password: bool = True,
) -> User:
    """Create a user with a unique (case-insensitive) e-mail address; without a password
    (None) the user signs in only through single sign-on."""
    email = normalise_email(email)
    if get_user_by_email(email):
        raise RuleViolation(_("A user with this e-mail address already exists."), "email")
    if check_password and password is not None:
        check_new_password(password)
    user = User(email=email, name=name.strip(), organisation=organisation,
                is_site_admin=is_site_admin)
    if password is not None:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


# Real hashes (one per hashing method), checked when the e-mail is unknown so that both
# answers cost the same work.
_dummy_hashes: dict[str, str] = {}


def _dummy_password_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _dummy_hashes[method]


class AccountDeactivated(RuleViolation):
    """The right password for a deactivated account: said only to someone who knew the
    password, so it tells nobody else that the address exists."""

    def __init__(self):
        super().__init__(_("This account is deactivated. Ask a site administrator of Samspil "
                           "if you need access again."), "password")


def authenticate(email: str, password: str, complete: bool = True) -> User | None:
    """The active user with this e-mail and password, or None; same work either way. With
    `complete=False` the sign-in waits for a second factor (`complete_sign_in` finishes it).

    Every attempt is audited: a sign-in, or a failed one with the e-mail tried (never the
    password) and why it failed, which only site administrators see. A deactivated account
    with the right password raises AccountDeactivated (after recording the attempt).
    """
    user = get_user_by_email(email)
    # One hash check on every path: an unknown e-mail must not answer faster than a known one.
    # An account without a password (single sign-on only) costs the same work and never matches.
    stored = user.password_hash if user is not None and user.password_hash else None
    password_ok = check_password_hash(stored or _dummy_password_hash(), password) and bool(stored)
    if user is not None and user.is_active and password_ok and not must_use_sso(user):
        if complete:
            complete_sign_in(user)
        return user
    reason = ("unknown_account" if user is None else
              "inactive_account" if not user.is_active else
              "sso_required" if password_ok else "wrong_password")
    tried = normalise_email(email)[:254]
    record("account.sign_in_failed", actor=None, actor_label="", target=user, target_label=tried,
           email=tried, reason=reason)
    if reason == "inactive_account" and password_ok:
        raise AccountDeactivated()
    if reason == "sso_required":
        raise SingleSignOnRequired()
    return None


def must_use_sso(user: User) -> bool:
    """Does the user's organisation allow only single sign-on? Site administrators keep their
    password as the break-glass way in (a provider can be down, or misconfigured)."""
    return bool(user.organisation.requires_sso) and not user.is_site_admin


class SingleSignOnRequired(RuleViolation):
    """The right password, but the organisation's members must sign in with its identity
    provider; said only to someone who knew the password."""

    def __init__(self):
        super().__init__(_("Your organisation requires you to sign in with its single sign-on. "
                           "Use the button for your organisation below."), "password", 403)


def complete_sign_in(user: User) -> None:
    """The person proved who they are (password, and the second factor if they have one)."""
    user.last_login_at = utcnow()
    record("account.signed_in", actor=user, target=user)


def change_password(user: User, current: str, new: str) -> None:
    """Change the password; rotating the session nonce ends all other sessions."""
    if not user.check_password(current):
        raise RuleViolation(_("The current password is not correct."), "current_password")
    check_new_password(new)
    user.set_password(new)
    record("account.password_changed", actor=user, target=user)
    db.session.flush()


def sign_out(user: User) -> None:
    """End every session of the user, this one included: a copy of the session or remember-me
    cookie must not sign anyone in after sign-out, and the login id carries the nonce."""
    user.session_nonce = new_session_nonce()
    record("account.signed_out", actor=user, target=user)
    db.session.flush()


def sign_out_elsewhere(user: User) -> None:
    """End every session of the user but the one asking (it signs in again under the new
    nonce), e.g. after using a computer that was not one's own."""
    user.session_nonce = new_session_nonce()
    record("account.signed_out_elsewhere", actor=user, target=user)
    db.session.flush()


def set_language(user: User, locale: str | None) -> None:
    """The user's interface language (None: follow the browser)."""
    user.locale = locale or None
    db.session.flush()


def request_password_reset(email: str) -> tuple[User, str] | None:
    """A single-use link for the active account with this address: (user, token to e-mail),
    or None when there is no such account (the caller answers the same either way)."""
    user = get_user_by_email(email or "")
    if user is None or not user.is_active:
        return None
    token, hashed = new_token()
    minutes = current_app.config["PASSWORD_RESET_VALID_MINUTES"]
    db.session.add(PasswordReset(user=user, token_digest=hashed,
                                 expires_at=utcnow() + timedelta(minutes=minutes)))
    # Whoever asked is not known to be the account's owner: the actor is the signed-in
    # person, if any, else nobody; the account is the target.
    record("account.password_reset_requested", target=user)
    db.session.flush()
    return user, token


def password_reset_for(token: str) -> PasswordReset:
    """The usable reset of this link; refused as unknown (404: forged, truncated) or no longer
    valid (410: used, expired, superseded by a newer password, deactivated account)."""
    row = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        row = db.session.scalar(select(PasswordReset).where(
            PasswordReset.token_digest == digest(token)))
    if row is None:
        raise RuleViolation(_("This link is not valid. Check that you copied all of it from "
                              "the e-mail, or ask for a new one."), status=404)
    if row.used_at is not None:
        raise RuleViolation(_("This link has already been used. Ask for a new one if you "
                              "need to set your password again."), status=410)
    if row.expires_at <= utcnow() or not row.user.is_active:
        raise RuleViolation(_("This link has expired. Ask for a new one."), status=410)
    return row


def reset_password(token: str, password: str) -> User:
    """Set a new password from an e-mailed link: the link and every other outstanding one of
    the user are used up, and every session of theirs ends (the nonce rotates)."""
    row = password_reset_for(token)
    check_new_password(password)
    now = utcnow()
    # Conditional: of two requests with the same link, only one finds it unused.
    used = db.session.execute(
        update(PasswordReset).where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise RuleViolation(_("This link has already been used. Ask for a new one if you "
                              "need to set your password again."), status=410)
    db.session.execute(  # the user's other links die with it
        update(PasswordReset).where(PasswordReset.user_id == row.user_id,
                                    PasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    user = row.user
    user.set_password(password)
    record("account.password_reset", actor=user, target=user)
    db.session.flush()
    return user
