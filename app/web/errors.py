"""Error pages: the same words for a full page and for an htmx fragment, never a traceback."""
from collections.abc import Callable

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import SecurityError

from app.database_events import request_committed
from app.extensions import db, login_manager
from app.security import request_id
from app.web.htmx import is_htmx
from app.web.navigation import KeptAddresses
from app.web.template_globals import TemplateEnvironment


class SamspilFlask(KeptAddresses):
    """Flask, logging each unhandled exception once, with the request id the error page shows,
    and keeping the addresses it builds (KeptAddresses)."""

    jinja_environment = TemplateEnvironment

    def log_exception(self, exc_info) -> None:
        self.logger.error("Unhandled error [request %s] on %s %s", request_id(), request.method,
                          request.path, exc_info=exc_info)


RETRY_AFTER_SECONDS = 30


def is_outage(error: DBAPIError) -> bool:
    """Is this database error the database being out of reach (rather than a bad statement)?"""
    return isinstance(error, (OperationalError, InterfaceError)) or error.connection_invalidated


# (path prefix, renderer): addresses that answer errors in a form of their own (the JSON API
# answers problem details); a renderer takes (status, title, message) as error_page does.
_RENDERERS: list[tuple[str, Callable]] = []


def register_error_renderer(prefix: str, renderer: Callable) -> None:
    """Let the addresses under `prefix` answer every error through `renderer`."""
    _RENDERERS.append((prefix, renderer))


def error_page(status: int, title: str, message: str):
    """The error page (or, for htmx, the message alone) with `status`."""
    for prefix, renderer in _RENDERERS:
        if request.path.startswith(prefix):
            return renderer(status, title, message)
    if is_htmx():
        return render_template("errors/_message.html", title=title, message=message), status
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(error):
        return error_page(400, _("Bad request"), getattr(error, "description", "") or "")

    @app.errorhandler(SecurityError)
    def unknown_host(error):
        # Production answers only on BASE_URL's host (TRUSTED_HOSTS); the host asked for is
        # not repeated back.
        app.logger.warning("Refused a request for an untrusted host [request %s]", request_id())
        message = _("This server does not answer on that address. Use the address you were "
                    "given for Samspil.")
        if is_htmx():
            return render_template("errors/_message.html", title=_("Unknown host"),
                                   message=message), 400
        return render_template("errors/unknown_host.html", title=_("Unknown host"),
                               message=message), 400

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_page(400, _("The form has expired"),
                          _("Reload the page and try again. Nothing was saved."))

    @app.errorhandler(403)
    def forbidden(error):
        return error_page(403, _("Not allowed"), _("You do not have permission to do this."))

    @app.errorhandler(404)
    def not_found(error):
        return error_page(404, _("Page not found"),
                          _("The page does not exist, or you do not have access to it."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return error_page(405, _("Not allowed"), _("This address does not accept that method."))

    @app.errorhandler(413)
    def too_large(error):
        return error_page(413, _("Too large"), _("The request was too large."))

    @app.errorhandler(415)
    def unsupported_body(error):
        return error_page(415, _("Unsupported request"),
                          _("This address takes form data only (as a browser sends a form). "
                            "Nothing was saved."))

    @app.errorhandler(429)
    def too_many(error):
        return error_page(429, _("Too many attempts"),
                          _("Too many attempts. Wait a few minutes and try again."))

    @app.errorhandler(IntegrityError)
    def conflict(error):
        # A uniqueness rule the services check first can still lose a race with another
        # request; the database's constraint then decides, and the person hears why.
        db.session.rollback()
        app.logger.error("Integrity error [request %s] on %s %s", request_id(),
                         request.method, request.path, exc_info=error)
        return error_page(409, _("Conflict"),
                          _("This clashes with something that already exists, perhaps saved "
                            "by someone else a moment ago. Nothing was saved."))

    @app.errorhandler(DBAPIError)
    def database_error(error):
        if not is_outage(error):
            raise error  # a bad statement is a bug: the 500 page, logged with its traceback
        app.logger.error("Database unavailable [request %s] on %s %s: %s", request_id(),
                         request.method, request.path, type(error.orig).__name__)
        # The page must not need the database: as an anonymous visitor (the signed-in user's
        # rows may be expired and cannot be read again), and with the session let go.
        g._login_user = login_manager.anonymous_user()
        try:
            db.session.rollback()
        except DBAPIError:
            db.session.invalidate()
        response = app.make_response(error_page(
            503, _("Samspil is temporarily unavailable"),
            _("Samspil cannot reach its database just now. Try again in a minute. If you were "
              "saving something, reload the page then to see whether it was saved.")))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(500)
    def server_error(error):
        # An unhandled exception was already logged by SamspilFlask.log_exception; an explicit
        # abort(500) was not. The page never shows the exception, only the request id.
        db.session.rollback()
        if getattr(error, "original_exception", None) is None:
            app.logger.error("Error 500 [request %s] on %s %s", request_id(), request.method,
                             request.path)
        # Only a request that has not committed may say that nothing was saved.
        message = (_("The error has been logged. The change may have been saved; reload the "
                     "page to see its current state.") if request_committed()
                   else _("The error has been logged. Nothing was saved."))
        return error_page(500, _("Something went wrong"), message)
