from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.invitations.services import MESSAGE_MAX, NAME_MAX
from app.projects.forms import ROLE_LABELS, MultiCheckboxField

LANGUAGES = [("da", "Dansk"), ("en", "English")]


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=False)
    roles = MultiCheckboxField(_l("Roles"), choices=list(ROLE_LABELS.items()))
    message = TextAreaField(_l("Personal message (optional)"),
                            validators=[Length(max=MESSAGE_MAX)],
                            description=_l("At most %(n)d characters; shown in the e-mail.",
                                           n=MESSAGE_MAX))
    locale = SelectField(_l("Language of the e-mail"), choices=LANGUAGES, default="da")


class AcceptForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 12 characters, not a common password."))
    locale = SelectField(_l("Language"), choices=LANGUAGES)
