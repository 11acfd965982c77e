"""The JSON API (/api/v1) over the areas' own services and permissions, personal access
tokens (/settings/tokens) and the API's description (/api, /api/v1/openapi.json).

A surface over everything: it owns no rules; a token's user is the request's user, so every
loader and predicate decides as it does for the pages."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app) -> None:
    """Register the API, its token pages, its caller's identification before anything else,
    its rate limits and its problem-details errors."""
    from flask import current_app

    from app.api import (attachment_routes, auth, discovery_routes, pages,  # noqa: F401
                         planning_routes, problems, routes)  # the routes register on bp
    from app.attachments import register_upload_endpoint
    from app.extensions import csrf, limiter
    from app.web.errors import register_error_renderer

    if not getattr(bp, "_configured", False):  # once, however many apps the tests make
        # No cookie authenticates the API, so there is no cross-site request to forge.
        csrf.exempt(bp)
        limiter.limit(lambda: current_app.config["API_LIMIT_PER_TOKEN"],
                      key_func=auth.token_key)(bp)
        bp.before_request(auth.require_token)
        for endpoint in ("api.attach_to_item", "api.attach_to_need"):
            register_upload_endpoint(endpoint)
        register_error_renderer(auth.API_PATH, problems.render_error)
        bp._configured = True
    app.register_blueprint(bp)
    app.register_blueprint(pages.bp)
    # First of all hooks: the caller is the token's user, before anything reads the session.
    app.before_request_funcs.setdefault(None, []).insert(0, auth.identify_caller)
    app.register_error_handler(problems.ApiProblem, lambda error: error.get_response())
