"""Attachments: documents and screenshots on needs, discovery notes, items, comments and
decisions.

Areas register the kinds of containers they own (`register_container`); this package never
imports an area. Pages show a container's files with the `attachments/_panel.html` partial.
Limits (ATTACHMENTS_* in config.py): per file, per project, and per request, which is set for
the upload address alone before anything reads the body (CSRF protection reads the form), so
an oversized upload is refused from its Content-Length without being read.
"""
from flask import current_app, request

from app.attachments.registry import Container, container_kind, register_container

__all__ = ["Container", "container_kind", "init_app", "register_container",
           "register_upload_endpoint"]

# The endpoints that take files (the pages' upload, and the API's): they alone may receive
# more than MAX_CONTENT_LENGTH.
_UPLOAD_ENDPOINTS = {"attachments.upload"}


def register_upload_endpoint(endpoint: str) -> None:
    """Let `endpoint` receive uploads up to the attachments' request limit."""
    _UPLOAD_ENDPOINTS.add(endpoint)


def _upload_limit() -> None:
    if request.endpoint in _UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["ATTACHMENTS_MAX_REQUEST_BYTES"]


def init_app(app) -> None:
    """Register the attachment routes and the upload size limit."""
    from app.attachments.routes import bp

    app.register_blueprint(bp)
    # First among the hooks: CSRF protection and the NUL check read the form body, and the
    # limit must hold before anything does.
    hooks = app.before_request_funcs.setdefault(None, [])
    if _upload_limit not in hooks:
        hooks.insert(0, _upload_limit)


def attachment_jobs(config) -> list[tuple[str, object, object]]:
    """(id, function, trigger) for the scheduler: remove deleted files after the retention."""
    from zoneinfo import ZoneInfo

    from apscheduler.triggers.cron import CronTrigger

    from app.attachments.services import purge_deleted

    trigger = CronTrigger(hour=4, minute=15, timezone=ZoneInfo("Europe/Copenhagen"))
    return [("attachments.purge", purge_deleted, trigger)]
