"""Secret tokens sent to people (invitations, password resets) or shown once (API tokens):
only their SHA-256 digest is stored, so a copy of the database opens nothing."""
import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """A fresh token and the digest to store: (what the person gets, what the row keeps)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, digest(token)


def digest(token: str) -> str:
    """The stored form of a token (hex SHA-256)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def matches(token: str, stored_digest: str) -> bool:
    """Whether `token` is the one whose digest was stored (in constant time)."""
    return hmac.compare_digest(digest(token), stored_digest or "")
