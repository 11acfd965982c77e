"""Sending a stored file back: to the pages (app.attachments.routes) and to the API alike.

The file is someone's upload, not our page: it is served in a sandbox (no scripts, no same
origin, no forms), never sniffed, with the site's own policy besides (not framed, no plugins),
under its original name (RFC 6266 / 5987) and with range requests for large files."""
from flask import Response, send_file

from app.attachments import content
from app.attachments.models import Attachment
from app.attachments.storage import storage
from app.security import CSP


def opens_inline(attachment: Attachment) -> bool:
    """PDFs and images open in the browser; everything else downloads."""
    kind = content.ALLOWED.get(attachment.content_type, content.ALLOWED["text/plain"])
    return kind.is_inline


def file_response(attachment: Attachment, thumbnail: bool = False) -> Response | None:
    """The file (or its thumbnail), or None when storage no longer has it."""
    key = attachment.thumbnail_key if thumbnail else attachment.storage_key
    path = storage().path(key) if key else None
    if path is None or not path.is_file():
        return None
    response = send_file(path, mimetype="image/png" if thumbnail else attachment.content_type,
                         as_attachment=not thumbnail and not opens_inline(attachment),
                         download_name=attachment.name, conditional=True,
                         etag=attachment.sha256, max_age=0)
    response.headers["Content-Security-Policy"] = f"sandbox; {CSP}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
