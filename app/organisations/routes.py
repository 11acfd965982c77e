from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db
from app.organisations import bp
from app.organisations.forms import OrganisationForm
from app.organisations.models import Organisation
from app.organisations.services import create_organisation
from app.projects.permissions import can_administer_site, require
from app.services import RuleViolation


@bp.route("/organisations", methods=["GET", "POST"])
@login_required
def index():
    """All organisations, and a form to register one (site administrators)."""
    require(can_administer_site(current_user))
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        try:
            org = create_organisation(form.name.data, form.kind.data,
                                      form.municipality_code.data, form.cvr.data)
        except RuleViolation as exc:
            getattr(form, exc.field or "name").errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("%(name)s is registered.", name=org.name), "success")
            return redirect(url_for("organisations.index"), 303)
    if form.is_submitted():
        status = 422
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("organisations/index.html", form=form,
                           organisations=organisations), status
