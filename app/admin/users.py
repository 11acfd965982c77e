"""The people with an account (site administrators): finding them, and deactivating,
moving, making site administrators and resetting two-factor sign-in."""
from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts import administration
from app.accounts.models import User
from app.admin import user_pages
from app.admin.forms import UserFlagForm
from app.extensions import db
from app.organisations.models import Organisation
from app.projects.loaders import administered_user_or_404
from app.projects.permissions import can_administer_site, require
from app.projects.services import change_organisation
from app.web import redirect_with, submit

bp = Blueprint("users", __name__, url_prefix="/admin/users")


def _done(message: str, user: User):
    return redirect_with(message, url_for("users.show", user_id=user.id))


@bp.get("")
@login_required
def index():
    """Every account, searched by name, e-mail or organisation, a page at a time."""
    require(can_administer_site(current_user))
    return user_pages.users_page()


@bp.get("/<int:user_id>")
@login_required
def show(user_id):
    """One account: organisation, projects, sign-in, and what an administrator may change.
    The look is recorded in the audit log."""
    user = administered_user_or_404(user_id)
    administration.record_view(user, current_user._get_current_object())
    db.session.commit()
    return user_pages.user_page(user)


@bp.post("/<int:user_id>/active")
@login_required
def set_active(user_id):
    """Deactivate an account (its sessions end at once) or reactivate it."""
    user = administered_user_or_404(user_id)
    form = UserFlagForm(prefix="active")
    actor = current_user._get_current_object()
    outcome = submit(form, lambda: administration.reactivate(user, actor)
                     if form.value.data == "1" else administration.deactivate(user, actor))
    if not outcome.ok:
        return user_pages.user_page(user, refused=form, status=outcome.status)
    return _done(_("%(name)s is reactivated.", name=user.name) if user.is_active
                 else _("%(name)s is deactivated and signed out.", name=user.name), user)


@bp.post("/<int:user_id>/site-admin")
@login_required
def set_site_admin(user_id):
    """Make the account a site administrator, or no longer one (never the last one)."""
    user = administered_user_or_404(user_id)
    form = UserFlagForm(prefix="admin")
    outcome = submit(form, lambda: administration.set_site_admin(
        user, form.value.data == "1", current_user._get_current_object()))
    if not outcome.ok:
        return user_pages.user_page(user, refused=form, status=outcome.status)
    return _done(_("%(name)s is a site administrator.", name=user.name) if user.is_site_admin
                 else _("%(name)s is no longer a site administrator.", name=user.name), user)


@bp.post("/<int:user_id>/organisation")
@login_required
def set_organisation(user_id):
    """Move the account to another organisation."""
    user = administered_user_or_404(user_id)
    form = user_pages.make_organisation_form(user)
    outcome = submit(form, lambda: change_organisation(
        user, _organisation(form.organisation_id.data), current_user._get_current_object()),
        field="organisation_id")
    if not outcome.ok:
        return user_pages.user_page(user, organisation_form=form, status=outcome.status)
    return _done(_("%(name)s now belongs to %(org)s.", name=user.name,
                   org=user.organisation.name), user)


def _organisation(organisation_id: str) -> Organisation:
    # The form's choices already limit the id to existing organisations.
    return db.session.scalar(select(Organisation).where(Organisation.id == int(organisation_id)))


@bp.post("/<int:user_id>/two-factor/reset")
@login_required
def reset_two_factor(user_id):
    """Remove the account's second factor (a lost phone); they enrol again."""
    user = administered_user_or_404(user_id)
    form = UserFlagForm(prefix="reset", value="1")
    outcome = submit(form, lambda: administration.reset_two_factor(
        user, current_user._get_current_object()))
    if not outcome.ok:
        return user_pages.user_page(user, refused=form, status=outcome.status)
    return _done(_("Two-factor sign-in of %(name)s is reset.", name=user.name), user)

