"""Single sign-on: the identity providers people may sign in with, and each person's
identities at them."""
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User

PROTOCOLS = ("oidc", "saml")


class SignInProvider(db.Model):
    """An identity provider configured by site administrators (providers from the
    SSO_PROVIDERS_FILE are not stored: see app.sso.providers)."""

    __tablename__ = "sign_in_provider"
    __table_args__ = (CheckConstraint("protocol IN ('oidc', 'saml')", name="protocol"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    protocol: Mapped[str] = mapped_column(String(10), default="oidc")
    # OIDC: the issuer (its discovery document is <issuer>/.well-known/openid-configuration).
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(200), default="")
    client_secret: Mapped[str] = mapped_column(Text, default="")
    scopes: Mapped[str] = mapped_column(String(300), default="openid email profile")
    claim_email: Mapped[str] = mapped_column(String(100), default="email")
    claim_name: Mapped[str] = mapped_column(String(100), default="name")
    claim_cvr: Mapped[str] = mapped_column(String(100), default="nemlogin.cvr")
    claim_municipality: Mapped[str] = mapped_column(String(100), default="municipality_code")
    # SAML: the identity provider's metadata, pasted (XML) or read from an address; `issuer`
    # is then the identity provider's entity id. Attribute names for privileges and the
    # assurance level (OIOSAML 3); several names may be given, separated by spaces.
    idp_metadata: Mapped[str] = mapped_column(Text, default="")
    idp_metadata_url: Mapped[str] = mapped_column(String(500), default="")
    claim_privileges: Mapped[str] = mapped_column(String(200), default="")
    claim_loa: Mapped[str] = mapped_column(String(200), default="")
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<SignInProvider {self.key}>"


class Identity(db.Model):
    """A person as an identity provider knows them: the provider's key and its persistent
    subject (OIDC `sub`, SAML persistent NameID). Never matched on e-mail."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped["User"] = relationship()

    def __repr__(self) -> str:
        return f"<Identity {self.provider}:{self.subject}>"


class SeenAssertion(db.Model):
    """A SAML assertion already used to sign in, kept until it expires so that the same
    response cannot sign anyone in twice."""

    __tablename__ = "saml_seen_assertion"

    assertion_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
