"""Digests: scheduled status e-mails per user and project, their archive and subscriptions."""


def init_app(app) -> None:
    """Register the digest pages and the sections every project's digest has."""
    from app.digests import sections  # noqa: F401 - its decorators register the sections
    from app.digests.routes import bp

    app.register_blueprint(bp)
