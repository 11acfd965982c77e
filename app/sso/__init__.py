"""Single sign-on: identity providers (OpenID Connect and SAML 2.0, each handing the same
verified assertion to the core in services.py), identities, and the
provider settings of site administrators."""


def init_app(app) -> None:
    """Register the sign-in and settings pages, and the login page's provider buttons."""
    from app.sso import admin
    from app.sso.pages import single_logout_provider
    from app.sso.providers import enabled_providers
    from app.sso.routes import bp

    app.register_blueprint(bp)
    app.register_blueprint(admin.bp)
    app.jinja_env.globals["sign_in_providers"] = enabled_providers
    app.jinja_env.globals["single_logout_provider"] = single_logout_provider
