"""Forms of single sign-on: confirming a link with the password, and a provider's settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from app.web.fields import at_most, required


class LinkForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[required(), at_most(200)])


class ProviderForm(FlaskForm):
    key = StringField(_l("Key"), validators=[
        required(), Length(max=40),
        Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Lower-case letters, digits and hyphens."))],
        description=_l("Part of the addresses, e.g. kommune: /login/sso/kommune/callback."))
    display_name = StringField(_l("Button text on the sign-in page"),
                               validators=[required(), at_most(120)],
                               description=_l("E.g. “Log ind med din kommune”."))
    protocol = SelectField(_l("Protocol"), choices=[("oidc", "OpenID Connect")])
    issuer = StringField(_l("Issuer"), validators=[required(), at_most(500)],
                         description=_l("Its discovery document is read from "
                                        "<issuer>/.well-known/openid-configuration."))
    client_id = StringField(_l("Client ID"), validators=[required(), at_most(200)])
    client_secret = PasswordField(_l("Client secret"), validators=[Optional(), at_most(500)],
                                  description=_l("Never shown again once saved; leave empty "
                                                 "to keep the saved one."))
    scopes = StringField(_l("Scopes"), default="openid email profile",
                         validators=[required(), at_most(300)])
    claim_email = StringField(_l("Claim with the e-mail address"), default="email",
                              validators=[required(), at_most(100)])
    claim_name = StringField(_l("Claim with the name"), default="name",
                             validators=[required(), at_most(100)])
    claim_cvr = StringField(_l("Claim with the CVR number"), default="nemlogin.cvr",
                            validators=[Optional(), at_most(100)])
    claim_municipality = StringField(_l("Claim with the municipality code"),
                                     default="municipality_code",
                                     validators=[Optional(), at_most(100)])
    is_enabled = BooleanField(_l("Shown on the sign-in page"), default=True)
