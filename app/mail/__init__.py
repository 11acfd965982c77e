"""Outgoing e-mail: SMTP in production, `.eml` files in an outbox folder in development."""


def init_app(app) -> None:
    from app.mail.routes import bp

    app.register_blueprint(bp)
