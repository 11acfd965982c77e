"""Template markup kept per process: written once per key, then given out with the request's
CSRF token put in afresh. A fragment that every page repeats the same way for the same person
(the site's header, the links to its scripts and stylesheets, the footer) cost ~0.3 ms of
every page to write again (two dozen translations and addresses); kept, a lookup. A template
wraps such markup in

    {% call kept('site-header', current_user.name, …) %} … {% endcall %}

and names, after the fragment's own name, everything the markup shows that can differ between
two people or two requests; the language and the script root are added here (in debug mode
nothing is kept). Anything not named would be shown as it was written first, so a fragment
that shows the request's own values (a flashed message, a form someone typed into) must not
be kept."""
from flask import current_app, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from app.extensions import current_locale
from app.web.markup import KeptMarkup

_FRAGMENTS = KeptMarkup(1024)


def slot(n: int) -> str:
    """The stand-in of the n-th fresh value in kept markup."""
    return f"\x00fresh{n}\x00"  # no escaped text can hold a NUL


def with_slots(html: str, fresh: list[str]) -> str:
    """`html` with every place a fresh value stands in replaced by its slot."""
    for n, value in enumerate(fresh):
        html = html.replace(value, slot(n))
    return html


def filled(html: str, fresh: list[str]) -> Markup:
    """Kept `html` with this request's fresh values in their slots."""
    for n, value in enumerate(fresh):
        html = html.replace(slot(n), value)
    return Markup(html)


def kept(name: str, *shown, caller) -> Markup:
    """The markup `caller()` writes, kept under `name`, the values it `shown`s and the
    request's language and script root. In debug mode it is written afresh (templates and
    static files change under a running server)."""
    if current_app.debug:
        return caller()
    key = (name, str(current_locale()), request.script_root, shown)
    html = _FRAGMENTS.get(key, lambda: with_slots(str(caller()), [_token()]))
    return filled(html, [_token()]) if _TOKEN_SLOT in html else Markup(html)


_TOKEN_SLOT = slot(0)


def _token() -> str:
    return str(escape(generate_csrf()))
