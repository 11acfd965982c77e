"""What every protocol module (OpenID Connect, SAML) hands the core: a verified assertion, or
a refusal saying why the identity provider's answer was not accepted."""
from dataclasses import dataclass, field

from app.sso.providers import Provider


class ProtocolRefusal(Exception):
    """The provider's answer is not acceptable; `reason` is a code for the log and the audit."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Assertion:
    """What a protocol module vouches for: the provider, the person's persistent subject there
    and the claims (already checked)."""

    provider: Provider
    subject: str
    claims: dict = field(default_factory=dict)
    # What the protocol needs to end the session at the provider too (SAML single logout).
    logout: dict | None = None
