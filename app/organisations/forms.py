"""Organisations: municipalities, vendors and communities (their pages are in `app.admin`)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=[("municipality", _l("Municipality")),
                                            ("vendor", _l("Vendor")),
                                            ("community", _l("Community or secretariat"))])
    municipality_code = IntegerField(
        _l("Municipality code"), validators=[Optional()],
        description=_l("The official three-digit code, e.g. 151 for Ballerup."))
    cvr = StringField(_l("CVR number"), validators=[Optional(), Length(max=8)],
                      description=_l("Eight digits; required for a vendor."))


class OrganisationEditForm(OrganisationForm):
    requires_two_factor = BooleanField(
        _l("Members must use two-factor sign-in"),
        description=_l("Members without it are sent to set it up after their password, and "
                       "can use nothing else until they have."))
    requires_sso = BooleanField(
        _l("Members must use single sign-on"),
        description=_l("Members cannot sign in with a password, only with the organisation's "
                       "identity provider. Site administrators keep their password."))
