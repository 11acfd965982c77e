from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField, SelectField
from wtforms.validators import AnyOf, Length, Optional


class AuditFilterForm(FlaskForm):
    """Filters of the audit log, sent with GET (no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    action = SelectField(_l("What"), validators=[Optional()])
    actor = SearchField(_l("Who (name or e-mail)"), validators=[Optional(), Length(max=254)])
    project = SelectField(_l("Project"), validators=[Optional()])


class UserSearchForm(FlaskForm):
    """Searching the users, sent with GET."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name, e-mail or organisation"), validators=[Optional(), Length(max=254)])


class UserOrganisationForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=str)


class UserFlagForm(FlaskForm):
    """Turning one of an account's flags on or off (active, site administrator)."""

    value = HiddenField(validators=[AnyOf(["0", "1"])])
