"""The start page (my projects) and the health check."""


def init_app(app) -> None:
    from app.main.routes import bp

    app.register_blueprint(bp)
