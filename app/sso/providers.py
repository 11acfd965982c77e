"""Where the identity providers come from: rows site administrators keep at /admin/sign-in,
and the SSO_PROVIDERS_FILE (JSON or TOML), read-only in the browser. Both become a
`Provider`, which is all the protocol modules and the core see."""
import json
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.sso.models import PROTOCOLS, SignInProvider


@dataclass(frozen=True)
class Provider:
    key: str
    display_name: str
    issuer: str
    protocol: str = "oidc"
    client_id: str = ""
    client_secret: str = ""
    scopes: str = "openid email profile"
    claim_email: str = "email"
    claim_name: str = "name"
    claim_cvr: str = "nemlogin.cvr"
    claim_municipality: str = "municipality_code"
    idp_metadata: str = ""
    idp_metadata_url: str = ""
    claim_privileges: str = ""
    claim_loa: str = ""
    is_enabled: bool = True
    from_file: bool = False
    id: int | None = None  # the row's, for the settings page


_FIELDS = {f.name for f in fields(Provider)} - {"from_file", "id"}

# OIOSAML 3 attribute names (and KOMBIT's context handler's, for the CVR number), used for a
# SAML provider whose attribute names are left at the OpenID Connect defaults. Several names
# separated by spaces: the first one the assertion has counts.
SAML_DEFAULTS = {
    "claim_email": "https://data.gov.dk/model/core/eid/email",
    "claim_name": "https://data.gov.dk/model/core/eid/fullName",
    "claim_cvr": "https://data.gov.dk/model/core/eid/professional/cvr "
                 "dk:gov:saml:attribute:CvrNumberIdentifier",
    "claim_municipality": "",
    "claim_privileges": "https://data.gov.dk/model/core/eid/privilegesIntermediate "
                        "dk:gov:saml:attribute:Privileges_intermediate",
    "claim_loa": "https://data.gov.dk/concept/core/nsis/loa "
                 "dk:gov:saml:attribute:AssuranceLevel",
}
OIDC_DEFAULTS = {"claim_email": "email", "claim_name": "name", "claim_cvr": "nemlogin.cvr",
                 "claim_municipality": "municipality_code", "claim_privileges": "",
                 "claim_loa": ""}


def with_protocol_defaults(values: dict) -> dict:
    """A SAML provider's attribute names left empty or at the OpenID Connect defaults become
    the OIOSAML 3 ones."""
    if values.get("protocol") != "saml":
        return values
    return {**values, **{k: v for k, v in SAML_DEFAULTS.items()
                         if not values.get(k) or values.get(k) == OIDC_DEFAULTS[k]}}


def _from_row(row: SignInProvider) -> Provider:
    return Provider(**{name: getattr(row, name) for name in _FIELDS}, id=row.id)


def file_providers() -> list[Provider]:
    """The providers of SSO_PROVIDERS_FILE: `{"providers": [{"key": …, …}]}` in JSON, or
    `[[providers]]` tables in TOML. A broken file stops nothing but is logged."""
    path = current_app.config.get("SSO_PROVIDERS_FILE")
    if not path:
        return []
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.endswith(".toml") else json.loads(text)
        entries = data.get("providers", [])
        providers = [Provider(**with_protocol_defaults({k: v for k, v in e.items()
                                                        if k in _FIELDS}), from_file=True)
                     for e in entries]
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        current_app.logger.error("SSO_PROVIDERS_FILE %s cannot be read: %s", path, exc)
        return []
    return [p for p in providers if p.protocol in PROTOCOLS and p.key and p.issuer]


def all_providers() -> list[Provider]:
    """Every provider, the administrators' rows first (a row wins over a file entry with the
    same key)."""
    rows = [_from_row(r) for r in db.session.scalars(
        select(SignInProvider).order_by(SignInProvider.display_name))]
    keys = {p.key for p in rows}
    return rows + [p for p in file_providers() if p.key not in keys]


def enabled_providers() -> list[Provider]:
    """The providers with a button on the login page."""
    return [p for p in all_providers() if p.is_enabled]


def find_provider(key: str) -> Provider | None:
    """The enabled provider with this key, or None."""
    return next((p for p in enabled_providers() if p.key == key), None)
