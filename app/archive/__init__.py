"""The project archive: the whole project as one zip (`project.json` in a documented,
versioned format, docs/export-format.md, with the attached files), made by the secretariat
for download, and imported into an empty project on another installation.

It reads every area, so it sits above them all, beside `privacy`; pages below link to its
page by endpoint name (`has_endpoint`) and the `can_use_archive` template global, never by
import.
"""
from flask import current_app, request


def _upload_limit() -> None:
    if request.endpoint == "archive.import_archive":
        request.max_content_length = current_app.config["ARCHIVE_MAX_UPLOAD_BYTES"]


def init_app(app) -> None:
    """Register the archive's pages, its template global and the import's upload limit."""
    from app.archive.permissions import can_use_archive
    from app.archive.routes import bp

    app.register_blueprint(bp)
    app.jinja_env.globals["can_use_archive"] = can_use_archive
    # First among the hooks, as for attachments: the limit must hold before the form is read.
    hooks = app.before_request_funcs.setdefault(None, [])
    if _upload_limit not in hooks:
        hooks.insert(0, _upload_limit)


def archive_jobs(config) -> list[tuple[str, object, object]]:
    """(id, function, trigger) for the scheduler: make pending archives every minute; remove
    expired ones nightly."""
    from zoneinfo import ZoneInfo

    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from app.archive.services import produce_pending, prune

    zone = ZoneInfo("Europe/Copenhagen")
    return [("archive.produce", produce_pending, IntervalTrigger(minutes=1, timezone=zone)),
            ("archive.prune", prune, CronTrigger(hour=4, minute=45, timezone=zone))]
