from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, SearchField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.projects.models import Role

ROLE_LABELS = {
    Role.PRODUCT_OWNER: _l("Product owner"),
    Role.CONTRIBUTOR: _l("Contributor"),
    Role.DEVELOPER: _l("Developer"),
    Role.DELIVERY_LEAD: _l("Delivery lead"),
    Role.SECRETARIAT: _l("Secretariat"),
    Role.STEERING: _l("Steering group"),
    Role.OBSERVER: _l("Observer"),
}

PARTICIPATION_LABELS = {
    "owner": _l("Owner / secretariat"),
    "member": _l("Member municipality"),
    "vendor": _l("Vendor partner"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProjectForm(FlaskForm):
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=10)],
                      description=_l("2–10 capital letters; it prefixes item keys, "
                                     "e.g. KITOS-123."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    is_roadmap_public = BooleanField(_l("Publish a public roadmap"))


class AddMemberForm(FlaskForm):
    email = EmailField(_l("E-mail of an existing user"),
                       validators=[DataRequired(), Length(max=254)])
    roles = MultiCheckboxField(_l("Roles"), choices=list(ROLE_LABELS.items()))


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"), choices=list(ROLE_LABELS.items()))


class AddOrganisationForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=False)
    kind = SelectField(_l("Takes part as"), choices=list(PARTICIPATION_LABELS.items()))


class MemberSearchForm(FlaskForm):
    """Searching the members page, sent with GET."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name, e-mail, organisation or role"),
                    validators=[Optional(), Length(max=254)])


class OrganisationSearchForm(FlaskForm):
    """Searching the organisations taking part, sent with GET."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name, municipality code, CVR number or kind"),
                    validators=[Optional(), Length(max=254)])
