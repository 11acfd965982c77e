"""The form for making a personal access token."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Optional

from app.api.models import MAX_TOKEN_NAME
from app.clock import local_today
from app.projects.forms import MultiCheckboxField
from app.web.fields import LocalDateField, at_most, required

DEFAULT_DAYS = 90


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required(), at_most(MAX_TOKEN_NAME)],
                       description=_l("What uses the token, e.g. “CI at Nordlys”."))
    projects = MultiCheckboxField(_l("Projects"), coerce=int, validate_choice=False)
    can_write = BooleanField(_l("May also change things (create, edit, move, comment)"))
    expires_on = LocalDateField(
        _l("Expires on"), validators=[Optional()],
        default=lambda: local_today() + timedelta(days=DEFAULT_DAYS),
        description=_l("At most a year from today."))
