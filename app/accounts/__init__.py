"""Accounts: signing in and out, personal settings, two-factor sign-in."""
from flask import redirect, request, url_for
from flask_login import current_user

# What a member who must enrol in two-factor sign-in may reach before enrolling.
ENROLMENT_ENDPOINTS = frozenset({
    "accounts.two_factor_settings", "accounts.start_two_factor", "accounts.confirm_two_factor",
    "accounts.logout", "accounts.login", "static", "main.healthz",
})


def init_app(app) -> None:
    """Register the sign-in pages and the loader that finds the signed-in user."""
    from app.accounts import loaders
    from app.accounts.password_routes import bp as password_bp
    from app.accounts.routes import bp
    from app.accounts.two_factor import needs_enrolment
    from app.security import API_PREFIX

    loaders.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(password_bp)

    @app.before_request
    def enrol_before_anything_else():
        # An organisation that requires two-factor sign-in: its members use nothing until
        # they have enrolled (those signed in before the requirement included).
        # The API (under /api/) answers to tokens, made by people who had signed in.
        if (request.endpoint not in ENROLMENT_ENDPOINTS and not request.path.startswith(API_PREFIX)
                and needs_enrolment(current_user)):
            return redirect(url_for("accounts.two_factor_settings"), 303)
        return None
