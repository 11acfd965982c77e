"""The organisations taking part anywhere: the list, registering one and changing one (site
administrators)."""
from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db
from app.organisations.forms import OrganisationEditForm, OrganisationForm
from app.organisations.models import Organisation
from app.organisations.services import create_organisation, update_organisation
from app.projects.permissions import can_administer_site, require
from app.web import redirect_with, submit

bp = Blueprint("organisations", __name__)


@bp.route("/organisations", methods=["GET", "POST"])
@login_required
def index():
    """All organisations, and a form to register one (site administrators)."""
    require(can_administer_site(current_user))
    form = OrganisationForm()
    status = 200
    if form.is_submitted():
        outcome = submit(form, lambda: create_organisation(
            form.name.data, form.kind.data, form.municipality_code.data, form.cvr.data),
            field="name")
        if outcome.ok:
            return redirect_with(_("%(name)s is registered.", name=outcome.value.name),
                                 url_for("organisations.index"))
        status = outcome.status
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("organisations/index.html", form=form,
                           organisations=organisations), status


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@login_required
def edit(organisation_id):
    """Change an organisation: name, kind, code or CVR, and whether it requires two-factor
    sign-in or single sign-on of its members (site administrators)."""
    require(can_administer_site(current_user))
    org = db.session.get(Organisation, organisation_id) or abort(404)
    form = OrganisationEditForm(obj=org)
    status = 200
    if form.is_submitted():
        outcome = submit(form, lambda: update_organisation(
            org, form.name.data, form.kind.data, form.municipality_code.data, form.cvr.data,
            form.requires_two_factor.data, form.requires_sso.data), field="name")
        if outcome.ok:
            return redirect_with(_("%(name)s is saved.", name=org.name) if outcome.value
                                 else _("Nothing changed."), url_for("organisations.index"))
        status = outcome.status
    return render_template("organisations/edit.html", form=form, organisation=org), status
