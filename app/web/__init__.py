"""The web layer every area shares: htmx answers, where to go next, forms and the request's
transaction, error pages and template helpers. It knows no domain."""
import gc

from flask import Flask

from app.security import request_id
from app.web import errors, weight
from app.web.blank_forms import kept_form
from app.web.kept import kept
from app.web.errors import SamspilFlask, error_page
from app.web.forms import Outcome, attach_refusal, attempt, submit
from app.web.htmx import add_triggers, htmx_answer, is_htmx, render_page_or_partial
from app.web.markup import (KeptMarkup, bdi, member_options, suggestion_options,
                             words_by_language)
from app.web.navigation import external_url, redirect_with, safe_next
from app.web.template_globals import template_globals

__all__ = ["KeptMarkup", "Outcome", "SamspilFlask", "add_triggers", "attach_refusal", "attempt",
           "bdi", "compile_templates", "error_page", "external_url", "htmx_answer", "is_htmx",
           "member_options", "ready_to_serve", "redirect_with", "render_page_or_partial",
           "safe_next", "submit", "suggestion_options", "template_globals", "words_by_language"]


def ready_to_serve(app: Flask) -> None:
    """What a server does once the app is made, before it serves (wsgi.py; the bench too).

    - Every template compiled, not by each worker at the first page that uses it: under
      gunicorn's preload_app (deploy/gunicorn.conf.py) once, in the master, before it forks.
    - What serving needs (modules, mappers, compiled templates) lives as long as the process:
      kept out of the garbage collector's sight, full collections no longer walk it on every
      page that builds objects (on the backlog's first page they were a fifth of it).
    - A page builds tens of thousands of short-lived objects (rows, markup): at the default
      700 allocations the collector ran about once per page, ~0.3 ms of a ~20 ms page; at
      20,000, over a hundred times less often (the bench's mix). Little of it is cyclic."""
    compile_templates(app)
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def compile_templates(app: Flask) -> int:
    """Compile every template into the environment's cache, before the first page needs it (a
    server's workers would each compile a template at the first page using it); the number of
    templates."""
    names = app.jinja_env.list_templates()
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)


def init_app(app: Flask) -> None:
    errors.init_app(app)
    weight.init_app(app)
    app.jinja_env.globals["member_options"] = member_options
    app.jinja_env.globals["kept_form"] = kept_form
    app.jinja_env.globals["kept"] = kept
    app.jinja_env.filters["bdi"] = bdi

    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions

    @app.context_processor
    def request_values():
        return {"request_id": request_id()}
