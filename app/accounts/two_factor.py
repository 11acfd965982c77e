"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and single-use recovery codes.

A code is accepted once: the time-step it belongs to is stored, and a conditional UPDATE
moves it forward only past the last one used, so the same code sent twice (or by two requests
at once) counts once. Recovery codes are stored as digests only (app.tokens)."""
import secrets
import time

import pyotp
import segno
from flask import session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import delete, or_, select, update

from app.accounts.models import RecoveryCode, User
from app.audit.labels import register_actions
from app.audit.services import record
from app.database import utcnow
from app.extensions import db
from app.services import RuleViolation
from app.tokens import digest

ISSUER = "Samspil"
RECOVERY_CODES = 10
# Recovery codes: 12 characters of an alphabet without look-alikes (60 bits), shown in groups.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 12
STEP_SECONDS = 30
# A code of the previous or next time-step is accepted too: phones' clocks drift.
VALID_WINDOW = 1

register_actions({
    "account.two_factor_enabled": _l("Two-factor sign-in turned on"),
    "account.two_factor_disabled": _l("Two-factor sign-in turned off"),
    "account.recovery_codes_renewed": _l("New recovery codes made"),
    "account.recovery_code_used": _l("Recovery code used to sign in"),
    "account.two_factor_failed": _l("Wrong two-factor code"),
})


def start_enrolment(user: User, secret: str | None = None) -> str:
    """A fresh secret for the user's authenticator app, kept until confirmed with a code
    (`secret` is given only by the demo data, whose secret is printed for testers)."""
    if user.has_two_factor:
        raise RuleViolation(_("Two-factor sign-in is already turned on."), status=409)
    user.totp_secret = secret or pyotp.random_base32()
    db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(user: User) -> Markup:
    """The enrolment QR code as inline SVG, drawn on the server (no script, no image request).
    segno's SVG is generated from the URI alone: there is nothing in it a person typed."""
    qr = segno.make(provisioning_uri(user), error="m")
    svg = qr.svg_inline(scale=5, dark="#111", light="#fff", title=_("QR code for your "
                                                                        "authenticator app"))
    return Markup(svg)


def formatted_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def current_code(user: User) -> str:
    """The code the user's app shows now (the demo data confirms its enrolment with it)."""
    return pyotp.TOTP(user.totp_secret).now()


def _normalised(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _check_totp_format(code: str) -> str:
    code = _normalised(code)
    if not (code.isascii() and code.isdigit()):
        raise RuleViolation(_("The code is the 6 digits your authenticator app shows."), "code")
    if len(code) != 6:
        raise RuleViolation(_("The code has 6 digits; you entered %(n)d.", n=len(code)), "code")
    return code


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time-step whose code this is (within the window), else None."""
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    current = int(now // STEP_SECONDS)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _use_step(user: User, step: int) -> bool:
    """Move the user's last used time-step to `step` unless it already is there or later
    (a replayed code); atomic, so two requests with one code cannot both succeed."""
    result = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                   User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    user.totp_last_step = step
    return True


def _accept_totp(user: User, code: str) -> None:
    code = _check_totp_format(code)
    step = _matching_step(user.totp_secret or "", code)
    if step is None:
        raise RuleViolation(_("The code is not correct. Check the time on your phone and use "
                              "the newest code."), "code")
    if not _use_step(user, step):
        raise RuleViolation(_("This code has already been used. Wait for the next code."), "code")


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; returns the recovery codes
    (to be shown once)."""
    if user.has_two_factor:
        raise RuleViolation(_("Two-factor sign-in is already turned on."), status=409)
    if not user.totp_secret:
        raise RuleViolation(_("Start the set-up first."), "code", status=409)
    _accept_totp(user, code)
    user.totp_confirmed_at = utcnow()
    codes = _new_recovery_codes(user)
    record("account.two_factor_enabled", target=user)
    db.session.flush()
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(_RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_digest=digest(c)) for c in codes)
    db.session.expire(user, ["recovery_codes"])
    return [f"{c[:4]}-{c[4:8]}-{c[8:]}" for c in codes]


def _is_recovery_code(code: str) -> bool:
    normal = _normalised(code)
    return len(normal) == _RECOVERY_LENGTH and not normal.isdigit()


def _use_recovery_code(user: User, code: str) -> None:
    normal = _normalised(code)
    if not (normal.isascii() and normal.isalnum()):
        raise RuleViolation(_("The code is not correct."), "code")
    # The digest is looked up, then spent with a conditional UPDATE: a code used twice at
    # once is spent once.
    result = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_digest == digest(normal),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise RuleViolation(_("This recovery code is not correct or has already been used."),
                            "code")
    record("account.recovery_code_used", actor=user, target=user)


def verify_second_factor(user: User, code: str) -> None:
    """Accept a code from the app or an unused recovery code, else RuleViolation."""
    if not user.has_two_factor:
        raise RuleViolation(_("Two-factor sign-in is not turned on."), status=409)
    if _is_recovery_code(code):
        _use_recovery_code(user, code)
    else:
        _accept_totp(user, code)
    db.session.flush()


def record_failed_code(user: User) -> None:
    """A wrong or replayed code at sign-in, recorded (the caller commits it on its own: the
    refused attempt itself was rolled back)."""
    record("account.two_factor_failed", actor=user, target=user)
    db.session.flush()


def check_identity(user: User, code: str | None, password: str | None) -> None:
    """Before turning the second factor off or renewing codes: a current code, or the
    password."""
    if (password or "").strip():
        if not user.check_password(password):
            raise RuleViolation(_("The password is not correct."), "password")
        return
    if not (code or "").strip():
        raise RuleViolation(_("Enter a code from your app or your password."), "code")
    if _is_recovery_code(code):
        _use_recovery_code(user, code)
    else:
        _accept_totp(user, code)


def disable(user: User, code: str | None, password: str | None) -> None:
    """Turn two-factor sign-in off, after proving it is the user."""
    if not user.has_two_factor:
        raise RuleViolation(_("Two-factor sign-in is not turned on."), status=409)
    if user.organisation.requires_two_factor:
        raise RuleViolation(_("%(org)s requires two-factor sign-in; it cannot be turned off.",
                              org=user.organisation.name), status=409)
    check_identity(user, code, password)
    _clear(user)
    record("account.two_factor_disabled", target=user)
    db.session.flush()


def renew_recovery_codes(user: User, code: str | None, password: str | None) -> list[str]:
    """New recovery codes (the old ones stop working), after proving it is the user."""
    if not user.has_two_factor:
        raise RuleViolation(_("Two-factor sign-in is not turned on."), status=409)
    check_identity(user, code, password)
    codes = _new_recovery_codes(user)
    record("account.recovery_codes_renewed", target=user)
    db.session.flush()
    return codes


def reset(user: User) -> None:
    """Remove the user's second factor (a site administrator's help after a lost phone); the
    user enrols again. Every session of theirs ends."""
    _clear(user)
    db.session.flush()


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.expire(user, ["recovery_codes"])


def unused_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


# The login id of a session signed in through the organisation's identity provider: that
# sign-in is the organisation's own strong one, so its two-factor requirement is met.
SSO_SESSION = "_sso_login_id"


def needs_enrolment(user) -> bool:
    """Must this signed-in user enrol before using anything (their organisation requires
    it, and they did not sign in through single sign-on)?"""
    return bool(getattr(user, "is_authenticated", False) and not user.has_two_factor
                and user.organisation.requires_two_factor
                and session.get(SSO_SESSION) != user.get_id())
