"""The steering group's decision log and its "for decision" queue of escalated needs."""


def init_app(app) -> None:
    """Register the decision pages and their digest sections; index decisions for search."""
    from app.decisions import digest  # noqa: F401 - its decorators register the sections
    from app.decisions import attachable, indexing
    from app.decisions.routes import bp

    indexing.register()
    attachable.register()

    app.register_blueprint(bp)
