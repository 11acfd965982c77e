"""Where a request may send the browser next, and the addresses pages link to."""
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, has_request_context, redirect, url_for
from flask.globals import request_ctx

# Values of url_for whose address is the same whenever they are equal (bool is an int, but
# True writes "True"; an enum member writes its own str).
_PLAIN_VALUES = (str, int, type(None))
KEPT_ADDRESSES = 8192


class KeptAddresses(Flask):
    """Flask whose `url_for` keeps the addresses it builds within requests: a page links to
    ~50 of them, each built by Werkzeug's router for ~15 µs, and they are the same for every
    page and person (an address depends on its endpoint and values, and on the request's
    root, host and scheme, all part of the key). Only internal addresses of plain values are
    kept; anything else (anchors, external addresses, other values, the debugger's changing
    static files) is built as Flask does."""

    def url_for(self, /, endpoint: str, *, _anchor=None, _method=None, _scheme=None,
                _external=None, **values) -> str:
        if (_anchor is not None or _method is not None or _scheme is not None or _external
                or endpoint[:1] == "." or self.debug or not has_request_context()
                or any(type(v) not in _PLAIN_VALUES for v in values.values())):
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                                   _external=_external, **values)
        adapter = request_ctx.url_adapter
        if adapter is None:
            return super().url_for(endpoint, **values)
        key = (endpoint, adapter.script_name, adapter.server_name, adapter.subdomain,
               adapter.url_scheme, *sorted(values.items()))
        kept = self.__dict__.setdefault("_kept_addresses", {})
        address = kept.get(key)
        if address is None:
            address = super().url_for(endpoint, **values)
            if len(kept) >= KEPT_ADDRESSES:
                kept.clear()
            kept[key] = address
        return address


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
