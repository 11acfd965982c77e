"""Invitations: asking someone by e-mail to join a project with an organisation and roles."""


def init_app(app) -> None:
    from app.invitations.routes import bp

    app.register_blueprint(bp)
