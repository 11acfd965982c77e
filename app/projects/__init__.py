"""Projects: overview, participating organisations and members."""


def init_app(app) -> None:
    from app.projects import navigation
    from app.projects.routes import bp

    app.register_blueprint(bp)
    navigation.init_app(app)
