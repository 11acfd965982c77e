"""Small helpers for htmx answers shared by the backlog and the board."""
import json
from urllib.parse import urlsplit

from flask import current_app, render_template


def htmx_answer(template: str, status: int = 200, announce: str | None = None,
                focus: str | None = None, events: dict | None = None, **context):
    """Render a fragment; `announce` is read out by screen readers (aria-live), `focus`
    names the element id that gets focus once htmx has settled the swap."""
    response = current_app.make_response((render_template(template, **context), status))
    response.vary.add("HX-Request")
    trigger = dict(events or {})
    if announce:
        trigger["samspil:announce"] = announce
    if trigger:
        response.headers["HX-Trigger"] = json.dumps(trigger)  # ASCII-escaped: header-safe
    if focus:
        response.headers["HX-Trigger-After-Settle"] = json.dumps({"samspil:focus": focus})
    return response


def safe_next(value: str | None, prefix: str, default: str) -> str:
    """A local address under `prefix` to go back to, else `default` (no open redirects)."""
    if not value or not value.startswith(prefix) or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("//"):
        return default
    return value
