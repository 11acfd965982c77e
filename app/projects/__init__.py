"""Projects: overview, participating organisations and members."""


def init_app(app) -> None:
    from app.projects.routes import bp

    app.register_blueprint(bp)
