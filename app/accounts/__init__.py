"""Accounts: signing in and out, personal settings."""


def init_app(app) -> None:
    """Register the sign-in pages and the loader that finds the signed-in user."""
    from app.accounts import loaders
    from app.accounts.password_routes import bp as password_bp
    from app.accounts.routes import bp

    loaders.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(password_bp)
