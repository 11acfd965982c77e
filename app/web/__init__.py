"""The web layer every area shares: htmx answers, where to go next, forms and the request's
transaction, error pages and template helpers. It knows no domain."""
from flask import Flask

from app.security import request_id
from app.web import errors, weight
from app.web.errors import SamspilFlask, error_page
from app.web.forms import Outcome, attach_refusal, attempt, submit
from app.web.htmx import add_triggers, htmx_answer, is_htmx, render_page_or_partial
from app.web.markup import (KeptMarkup, bdi, member_options, suggestion_options,
                             words_by_language)
from app.web.navigation import external_url, redirect_with, safe_next

__all__ = ["KeptMarkup", "Outcome", "SamspilFlask", "add_triggers", "attach_refusal", "attempt",
           "bdi", "error_page", "external_url", "htmx_answer", "is_htmx", "member_options",
           "redirect_with", "render_page_or_partial", "safe_next", "submit",
           "suggestion_options", "words_by_language"]


def init_app(app: Flask) -> None:
    errors.init_app(app)
    weight.init_app(app)
    app.jinja_env.globals["member_options"] = member_options
    app.jinja_env.filters["bdi"] = bdi

    @app.context_processor
    def template_helpers():
        return {
            "has_endpoint": lambda name: name in app.view_functions,
            "request_id": request_id(),
        }
