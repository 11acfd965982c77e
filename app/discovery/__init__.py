"""Requirement discovery: needs, co-sponsorship, the discovery log, and the public roadmap."""


def init_app(app) -> None:
    """Register the needs pages, the public roadmap and the needs digest section, and plug
    discovery into the backlog (which needs an item serves; planning and delivering needs)."""
    from app.discovery import digest  # noqa: F401 - its decorators register the sections
    from app.discovery import attachable, indexing, notify, tracing
    from app.discovery.roadmap import roadmap_bp
    from app.discovery.routes import bp

    tracing.connect()
    notify.connect()
    indexing.register()
    attachable.register()
    app.register_blueprint(bp)
    app.register_blueprint(roadmap_bp)
