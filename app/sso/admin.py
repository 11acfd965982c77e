"""Site administrators' page of the identity providers: the list, adding one, changing one
(enabling and disabling it included)."""
from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.projects.permissions import can_administer_site, require
from app.sso.forms import ProviderForm
from app.sso.models import SignInProvider
from app.sso.providers import all_providers
from app.sso.settings import FIELDS, create_provider, update_provider
from app.web import redirect_with, submit

bp = Blueprint("sso_admin", __name__, url_prefix="/admin/sign-in")


def _values(form) -> dict:
    return {name: form[name].data for name in FIELDS}


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    """The identity providers, and a form to add one."""
    require(can_administer_site(current_user))
    form = ProviderForm()
    status = 200
    if form.is_submitted():
        outcome = submit(form, lambda: create_provider(_values(form), form.client_secret.data),
                         field="key")
        if outcome.ok:
            return redirect_with(_("%(name)s is added.", name=outcome.value.display_name),
                                 url_for("sso_admin.index"))
        status = outcome.status
    return render_template("sso/providers.html", form=form, providers=all_providers()), status


@bp.route("/<int:provider_id>", methods=["GET", "POST"])
@login_required
def edit(provider_id):
    """Change an identity provider; its secret is never shown, only replaced."""
    require(can_administer_site(current_user))
    provider = db.session.get(SignInProvider, provider_id) or abort(404)
    form = ProviderForm(obj=provider)
    status = 200
    if form.is_submitted():
        outcome = submit(form, lambda: update_provider(provider, _values(form),
                                                       form.client_secret.data), field="key")
        if outcome.ok:
            return redirect_with(_("%(name)s is saved.", name=provider.display_name)
                                 if outcome.value else _("Nothing changed."),
                                 url_for("sso_admin.index"))
        status = outcome.status
    return render_template("sso/provider.html", form=form, provider=provider), status
