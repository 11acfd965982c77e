from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class LanguageForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=[("", _l("As my browser says")), ("da", "Dansk"), ("en", "English")],
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    """A code from the authenticator app (or, at sign-in, a recovery code)."""

    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Enter the code.")),
                                               Length(max=40)])


class IdentityForm(FlaskForm):
    """Proof that it is the person before the second factor changes: a code or the password."""

    code = StringField(_l("Code from your app or a recovery code"),
                       validators=[Optional(), Length(max=40)])
    password = PasswordField(_l("Or your password"), validators=[Optional(), Length(max=200)])
class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 12 characters, not a common password."))
