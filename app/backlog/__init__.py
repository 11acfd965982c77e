"""The backlog: one ranked list of items per project, item pages, comments and history."""


def init_app(app) -> None:
    """Register the backlog and item pages and the backlog's digest sections; index items and
    comments for search."""
    from app.backlog import digest  # noqa: F401 - its decorators register the sections
    from app.backlog import attachable, indexing, notify
    from app.backlog import routes, tidy_routes  # noqa: F401 - they add their routes to bp
    from app.backlog.blueprint import bp

    notify.connect()
    indexing.register()
    attachable.register()

    app.register_blueprint(bp)
