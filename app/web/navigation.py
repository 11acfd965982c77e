"""Where a request may send the browser next."""
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, url_for


def safe_next(value: str | None, default: str, prefix: str = "/") -> str:
    """A local address under `prefix` to go back to, else `default`: no other host (no open
    redirect), and no control characters (a CR/LF would split the Location header)."""
    if (not value or not value.startswith(prefix) or value.startswith("//") or "\\" in value
            or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def external_url(endpoint: str, **values) -> str:
    """An absolute address for feeds and e-mails, on BASE_URL: never on the request's Host
    header, which anyone can forge (url_for(_external=True) would follow it)."""
    base = urlsplit(current_app.config["BASE_URL"])
    return f"{base.scheme}://{base.netloc}{url_for(endpoint, **values)}"


def redirect_with(message: str | None, url: str, category: str = "success"):
    """After a plain (non-htmx) POST: flash the outcome and see the page again (303)."""
    if message:
        flash(message, category)
    return redirect(url, 303)
