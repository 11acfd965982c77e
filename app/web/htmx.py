"""htmx answers: one URL, two renderings, and the headers that tell the page what happened."""
import json

from flask import current_app, render_template, request

ANNOUNCE = "samspil:announce"  # samspil.js reads it out through the aria-live region
FOCUS = "samspil:focus"  # samspil.js moves the focus to this element id once htmx has settled


def is_htmx() -> bool:
    """An htmx request that wants a fragment (a history restore wants the full page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_partial(page: str, partial: str, status: int = 200, **context):
    """One URL, two renderings: the partial for htmx, the full page otherwise."""
    template = partial if is_htmx() else page
    response = current_app.make_response((render_template(template, **context), status))
    response.vary.add("HX-Request")
    return response


def add_triggers(response, announce: str | None = None, focus: str | None = None,
                 events: dict | None = None):
    """Tell the page what happened: `announce` is read out to screen readers, `events` are
    other client events, `focus` the element id that gets focus once the swap has settled."""
    trigger = dict(events or {})
    if announce:
        trigger[ANNOUNCE] = announce
    if trigger:
        response.headers["HX-Trigger"] = json.dumps(trigger)  # ASCII-escaped: header-safe
    if focus:
        response.headers["HX-Trigger-After-Settle"] = json.dumps({FOCUS: focus})
    return response


def htmx_answer(template: str, status: int = 200, announce: str | None = None,
                focus: str | None = None, events: dict | None = None, **context):
    """A fragment for htmx, with the headers of `add_triggers`."""
    response = current_app.make_response((render_template(template, **context), status))
    response.vary.add("HX-Request")
    return add_triggers(response, announce, focus, events)
