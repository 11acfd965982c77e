from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional


class AuditFilterForm(FlaskForm):
    """Filters of the audit log, sent with GET (no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    action = SelectField(_l("What"), validators=[Optional()])
    actor = SearchField(_l("Who (name or e-mail)"), validators=[Optional(), Length(max=254)])
    project = SelectField(_l("Project"), validators=[Optional()])
