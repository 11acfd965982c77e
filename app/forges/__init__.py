"""Code forges in: GitHub and GitLab tell Samspil of pushes, pull/merge requests and
releases (`/hooks/github/<token>`, `/hooks/gitlab/<token>`, signed with the project's
secret), and the commits and requests that name an item show on its page under
"Development". The secretariat and the delivery lead connect a project on
`/p/<KEY>/development`."""


def init_app(app) -> None:
    """Register the receiving addresses (no CSRF: they are signed instead, and answer JSON)
    and the project's development page."""
    from app.extensions import csrf
    from app.forges.routes import bp, hooks, json_error
    from app.web.errors import register_error_renderer

    if not getattr(hooks, "_configured", False):
        csrf.exempt(hooks)
        register_error_renderer("/hooks/", json_error)
        hooks._configured = True
    app.register_blueprint(hooks)
    app.register_blueprint(bp)
