"""Forms of single sign-on: confirming a link with the password, and a provider's settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
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
    protocol = SelectField(_l("Protocol"), choices=[("oidc", "OpenID Connect"),
                                                    ("saml", "SAML 2.0")])
    issuer = StringField(_l("Issuer or entity id"), validators=[required(), at_most(500)],
                         description=_l("OpenID Connect: the issuer; its discovery document is "
                                        "read from <issuer>/.well-known/openid-configuration. "
                                        "SAML: the identity provider's entity id."))
    client_id = StringField(_l("Client ID"), validators=[Optional(), at_most(200)],
                            description=_l("OpenID Connect only."))
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
                                     validators=[Optional(), at_most(100)],
                                     description=_l("For SAML, the claims are attribute "
                                                    "names; left at the OpenID Connect "
                                                    "defaults, the OIOSAML 3 names are used "
                                                    "(and KOMBIT's for the CVR number)."))
    idp_metadata = TextAreaField(
        _l("Identity provider's metadata (XML)"), validators=[Optional(), at_most(500_000)],
        description=_l("SAML only: paste the metadata file, or give its address below."))
    idp_metadata_url = StringField(_l("Address of the identity provider's metadata"),
                                   validators=[Optional(), at_most(500)],
                                   description=_l("SAML only; read again every hour."))
    claim_privileges = StringField(_l("Attribute with the privileges"),
                                   validators=[Optional(), at_most(200)],
                                   description=_l("SAML only. Several names may be given, "
                                                  "separated by spaces; left empty, the "
                                                  "OIOSAML 3 names are used."))
    claim_loa = StringField(_l("Attribute with the assurance level"),
                            validators=[Optional(), at_most(200)],
                            description=_l("SAML only, e.g. "
                                           "https://data.gov.dk/concept/core/nsis/loa."))
    is_enabled = BooleanField(_l("Shown on the sign-in page"), default=True)
