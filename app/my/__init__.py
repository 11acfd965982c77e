"""My work (/my) and the project overview as a dashboard: surfaces that read every area and
own no rules of their own."""


def init_app(app) -> None:
    """Register the pages and the sections this package builds."""
    from app.my import sections  # noqa: F401 - its decorators register the sections
    from app.my.routes import bp

    app.register_blueprint(bp)
