"""Security baseline applied to every response: headers, CSP, request ids, the login loader."""
import logging
import secrets

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db, login_manager

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class RequestIdFilter(logging.Filter):
    """Put the request id on every log record so support can find a user's error."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flask import has_request_context

        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # "basic" rather than "strong": municipal networks often leave through several proxies,
    # and "strong" would sign people out whenever their address changes mid-session.
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(login_id: str):
        from app.accounts.models import User

        user_id, _, nonce = login_id.partition(":")
        if not user_id.isdigit() or not nonce:
            return None
        user = db.session.scalar(select(User).where(User.id == int(user_id)))
        if user is None or not user.is_active or not secrets.compare_digest(user.session_nonce, nonce):
            return None
        return user

    @app.before_request
    def assign_request_id():
        g.request_id = secrets.token_hex(6)

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        h["X-Request-ID"] = g.get("request_id", "")
        return response

    handler_filter = RequestIdFilter()
    app.logger.addFilter(handler_filter)
    for handler in app.logger.handlers:
        handler.addFilter(handler_filter)
