"""Signing secrets: made once, shown once, kept encrypted so the scheduler can sign with them.

A digest (as for API tokens) would not do: HMAC needs the secret itself. The key is derived
from SECRET_KEY, so a copy of the database alone does not reveal the secrets; changing
SECRET_KEY makes them unreadable (each endpoint then needs a new secret)."""
import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _fernet() -> Fernet:
    seed = hashlib.sha256(b"samspil webhook secrets|" + current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(seed.digest()))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode("ascii")


def decrypt(token: str) -> str | None:
    """The secret, or None when SECRET_KEY changed since it was stored."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Samspil-Signature` header: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"
