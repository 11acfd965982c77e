"""Imports from other tools into a project: a Jira CSV export or GitHub issues become backlog
items (through the backlog's services), a spreadsheet of needs becomes needs (through the
discovery services). Each import is upload → preview (mappings editable) → import, in one
transaction; uploads wait on the server between the steps (`uploads`).
"""
from flask import current_app, request
from flask_babel import lazy_gettext as _l

UPLOAD_ENDPOINTS = ("imports.upload_items", "imports.upload_needs")


def _upload_limit() -> None:
    """Room for an import's file (IMPORTS_MAX_BYTES, above the site's usual request size) on
    the upload addresses alone, set before anything reads the body; a file over the limit
    itself is refused by the service with its own message."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["IMPORTS_MAX_BYTES"] + 1024 * 1024


def init_app(app) -> None:
    """Register the import pages, their upload size limit and the audit log's words."""
    from app.audit.labels import register_actions, register_details
    from app.imports.routes import bp

    app.register_blueprint(bp)
    hooks = app.before_request_funcs.setdefault(None, [])
    if _upload_limit not in hooks:
        hooks.insert(0, _upload_limit)
    register_actions({"items.imported": _l("Items imported"),
                      "needs.imported": _l("Needs imported")})
    register_details({"source": _l("From"), "count": _l("Imported"),
                      "skipped": _l("Already there, skipped"),
                      "left_out": _l("Rows left out")})
