"""Site administration and the governance pages over everything: the audit log (the whole
site's, and each project's for its secretariat), the organisations and the users."""


def init_app(app) -> None:
    from app.admin import audit, organisations, users

    app.register_blueprint(audit.bp)
    app.register_blueprint(organisations.bp)
    app.register_blueprint(users.bp)
