"""Rules for the identity providers site administrators configure at /admin/sign-in."""
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from defusedxml import DefusedXmlException, ElementTree
from sqlalchemy import select

from app.audit.labels import register_actions, register_details
from app.audit.services import record
from app.extensions import db
from app.services import RuleViolation
from app.sso.models import PROTOCOLS, SignInProvider
from app.sso.providers import file_providers, with_protocol_defaults

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
    "idp_metadata": _l("Identity provider's metadata"),
    "idp_metadata_url": _l("Address of the identity provider's metadata"),
    "claim_privileges": _l("Attribute with the privileges"),
    "claim_loa": _l("Attribute with the assurance level"),
})

FIELDS = ("key", "display_name", "protocol", "issuer", "client_id", "scopes", "claim_email",
          "claim_name", "claim_cvr", "claim_municipality", "is_enabled", "idp_metadata",
          "idp_metadata_url", "claim_privileges", "claim_loa")
MAX_METADATA = 500_000


def _address(value: str) -> bool:
    parts = urlsplit(value or "")
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def _check_saml(values: dict) -> None:
    """A SAML provider: its entity id, and metadata (pasted XML naming that entity, or an
    address to read it from)."""
    if not values.get("issuer") or len(values["issuer"]) > 500:
        raise RuleViolation(_("Give the identity provider's entity id, as its metadata names "
                              "it."), "issuer")
    metadata = values.get("idp_metadata") or ""
    if metadata:
        if len(metadata) > MAX_METADATA:
            raise RuleViolation(_("The metadata is too long."), "idp_metadata")
        try:
            root = ElementTree.fromstring(metadata.encode())
        except (ElementTree.ParseError, DefusedXmlException, ValueError):
            raise RuleViolation(_("This is not XML metadata. Paste the whole file, from "
                                  "<EntityDescriptor to its end."), "idp_metadata") from None
        entities = {e.get("entityID") for e in root.iter() if e.tag.endswith("EntityDescriptor")}
        if values["issuer"] not in entities:
            raise RuleViolation(_("The metadata does not describe the entity id %(id)s.",
                                  id=values["issuer"]), "idp_metadata")
    elif not _address(values.get("idp_metadata_url") or ""):
        raise RuleViolation(_("Paste the identity provider's metadata, or give the address "
                              "to read it from."), "idp_metadata")


def _checked(values: dict, provider: SignInProvider | None) -> dict:
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if values.get("protocol") not in PROTOCOLS:
        raise RuleViolation(_("Unknown protocol."), "protocol")
    values = {k: (v or "") if k != "is_enabled" else v for k, v in values.items()}
    if values["protocol"] == "saml":
        _check_saml(values)
        values = with_protocol_defaults(values)
    else:
        issuer = urlsplit(values.get("issuer") or "")
        if not _address(values.get("issuer")) or issuer.query:
            raise RuleViolation(_("Give the issuer as an address, e.g. "
                                  "https://login.example.dk."), "issuer")
        if not values.get("client_id"):
            raise RuleViolation(_("Fill in this field."), "client_id")
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
