"""Site administrators' rules for other people's accounts: deactivating and reactivating,
granting and removing site administration, resetting two-factor sign-in. There is always an
active site administrator left, and nobody deactivates themself."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import two_factor
from app.accounts.models import User, new_session_nonce
from app.audit.labels import register_actions
from app.audit.services import record
from app.extensions import db
from app.services import RuleViolation

register_actions({
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "user.site_admin_granted": _l("Made a site administrator"),
    "user.site_admin_removed": _l("No longer a site administrator"),
    "user.two_factor_reset": _l("Two-factor sign-in reset by an administrator"),
    "user.viewed": _l("Account page viewed by an administrator"),
})


def _other_active_admins(user: User) -> int:
    """Active site administrators besides `user`, their rows held until commit: two
    administrators removing each other at once must not both see the other one remain."""
    ids = db.session.scalars(select(User.id).where(
        User.is_site_admin.is_(True), User.is_active.is_(True), User.id != user.id)
        .with_for_update()).all()
    return len(ids)


def refuse_last_admin(user: User, message: str) -> None:
    if user.is_site_admin and user.is_active and _other_active_admins(user) == 0:
        raise RuleViolation(message, status=409)


def record_view(user: User, actor: User) -> None:
    """A site administrator opened someone else's account page: reads of personal data are
    logged (who looked at whom), as Datatilsynet expects."""
    if user.id != actor.id:
        record("user.viewed", actor=actor, target=user)
        db.session.flush()


def deactivate(user: User, actor: User) -> None:
    """The account can no longer sign in, and every session of it ends now; its name stays in
    history and the audit log."""
    if user.id == actor.id:
        raise RuleViolation(_("You cannot deactivate your own account. Ask another site "
                              "administrator."), status=409)
    if not user.is_active:
        raise RuleViolation(_("%(name)s is already deactivated.", name=user.name), status=409)
    refuse_last_admin(user, _("%(name)s is the last active site administrator.",
                               name=user.name))
    user.is_active = False
    user.session_nonce = new_session_nonce()
    record("user.deactivated", actor=actor, target=user)
    db.session.flush()


def reactivate(user: User, actor: User) -> None:
    """The account may sign in again (with its own password)."""
    if user.is_active:
        raise RuleViolation(_("%(name)s is already active.", name=user.name), status=409)
    user.is_active = True
    record("user.reactivated", actor=actor, target=user)
    db.session.flush()


def set_site_admin(user: User, is_admin: bool, actor: User) -> None:
    """Grant or remove site administration; never the last active site administrator's."""
    if user.is_site_admin == is_admin:
        return
    if not is_admin:
        refuse_last_admin(user, _("%(name)s is the last active site administrator; make "
                                   "someone else one first.", name=user.name))
    user.is_site_admin = is_admin
    record("user.site_admin_granted" if is_admin else "user.site_admin_removed", actor=actor,
           target=user)
    db.session.flush()


def reset_two_factor(user: User, actor: User) -> None:
    """Remove the user's second factor (a lost phone, no recovery codes left): they sign in
    with the password and enrol again. Their sessions end."""
    if not user.has_two_factor and not user.totp_secret:
        raise RuleViolation(_("%(name)s has no two-factor sign-in to reset.", name=user.name),
                            status=409)
    two_factor.reset(user)
    user.session_nonce = new_session_nonce()
    record("user.two_factor_reset", actor=actor, target=user)
    db.session.flush()
