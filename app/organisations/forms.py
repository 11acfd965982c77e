from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=[("municipality", _l("Municipality")),
                                            ("vendor", _l("Vendor")),
                                            ("community", _l("Community or secretariat"))])
    municipality_code = IntegerField(_l("Municipality code"), validators=[Optional()])
    cvr = StringField(_l("CVR number"), validators=[Optional(), Length(max=8)])
