"""Rules for accounts: creating users, signing in, passwords."""
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import User
from app.database import utcnow
from app.extensions import db
from app.services import RuleViolation

MIN_PASSWORD_LENGTH = 12

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
    password: str,
    organisation,
    is_site_admin: bool = False,
    check_password: bool = True,
) -> User:
    """Create a user with a unique (case-insensitive) e-mail address."""
    email = normalise_email(email)
    if get_user_by_email(email):
        raise RuleViolation(_("A user with this e-mail address already exists."), "email")
    if check_password:
        check_new_password(password)
    user = User(email=email, name=name.strip(), organisation=organisation,
                is_site_admin=is_site_admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


# A real hash, checked when the e-mail is unknown so that both answers take the same time.
_dummy_hash: list[str] = []


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None; same cost either way."""
    user = get_user_by_email(email)
    if user is None or not user.is_active:
        if not _dummy_hash:
            method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
            _dummy_hash.append(generate_password_hash(secrets.token_hex(16), method=method))
        check_password_hash(_dummy_hash[0], password)
        return None
    if not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change the password; rotating the session nonce ends all other sessions."""
    if not user.check_password(current):
        raise RuleViolation(_("The current password is not correct."), "current_password")
    check_new_password(new)
    user.set_password(new)
    db.session.flush()
