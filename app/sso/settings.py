"""Rules for the identity providers site administrators configure at /admin/sign-in."""
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.labels import register_actions, register_details
from app.audit.services import record
from app.extensions import db
from app.services import RuleViolation
from app.sso.models import PROTOCOLS, SignInProvider
from app.sso.providers import file_providers

register_actions({
    "sso_provider.created": _l("Identity provider added"),
    "sso_provider.changed": _l("Identity provider changed"),
})
register_details({
    "fields": _l("Changed"), "display_name": _l("Button text"), "protocol": _l("Protocol"),
    "issuer": _l("Issuer"), "client_id": _l("Client ID"), "client_secret": _l("Client secret"),
    "scopes": _l("Scopes"), "claim_email": _l("Claim with the e-mail address"),
    "claim_name": _l("Claim with the name"), "claim_cvr": _l("Claim with the CVR number"),
    "claim_municipality": _l("Claim with the municipality code"),
    "is_enabled": _l("Shown on the sign-in page"),
})

FIELDS = ("key", "display_name", "protocol", "issuer", "client_id", "scopes", "claim_email",
          "claim_name", "claim_cvr", "claim_municipality", "is_enabled")


def _checked(values: dict, provider: SignInProvider | None) -> dict:
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if values.get("protocol") not in PROTOCOLS:
        raise RuleViolation(_("Unknown protocol."), "protocol")
    if values["protocol"] == "saml":
        raise RuleViolation(_("SAML is not available yet."), "protocol")
    issuer = urlsplit(values.get("issuer") or "")
    if issuer.scheme not in ("https", "http") or not issuer.netloc or issuer.query:
        raise RuleViolation(_("Give the issuer as an address, e.g. https://login.example.dk."),
                            "issuer")
    others = select(SignInProvider.id).where(SignInProvider.key == values["key"])
    if provider is not None:
        others = others.where(SignInProvider.id != provider.id)
    if db.session.scalar(others) or (provider is None and values["key"] in
                                     {p.key for p in file_providers()}):
        raise RuleViolation(_("Another identity provider has this key."), "key")
    return values


def create_provider(values: dict, client_secret: str) -> SignInProvider:
    """Add an identity provider (its button shows on the sign-in page when enabled)."""
    values = _checked({k: values.get(k) for k in FIELDS}, None)
    provider = SignInProvider(**values, client_secret=client_secret or "")
    db.session.add(provider)
    db.session.flush()
    record("sso_provider.created", target=provider, target_label=provider.display_name,
           key=provider.key)
    return provider


def update_provider(provider: SignInProvider, values: dict, client_secret: str) -> dict:
    """Change a provider; an empty secret keeps the saved one. Returns the names of what
    changed (the audit names them; a secret's value is never recorded)."""
    values = _checked({k: values.get(k) for k in FIELDS}, provider)
    changed = {k: v for k, v in values.items() if getattr(provider, k) != v}
    for key, value in changed.items():
        setattr(provider, key, value)
    names = sorted(changed)
    if client_secret and client_secret != provider.client_secret:
        provider.client_secret = client_secret
        names.append("client_secret")
    if names:
        db.session.flush()
        record("sso_provider.changed", target=provider, target_label=provider.display_name,
               fields=names)
    return names
