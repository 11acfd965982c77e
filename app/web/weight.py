"""What a page weighs on the wire: static files fingerprinted and cached for a year, and HTML
and JSON answers compressed.

- Every `url_for('static', filename=…)` carries `v=<the first 12 hex digits of the file's
  SHA-256>`; a request with the file's current fingerprint is answered with
  `Cache-Control: public, max-age=31536000, immutable`, so browsers never ask again until the
  file (and so its address) changes. Without the fingerprint, or with an old one, the answer
  keeps Flask's default (revalidated).
- Text answers of the app (HTML, JSON, the htmx fragments) of at least MIN_SIZE bytes are
  gzipped when the browser accepts it: a board of 300 cards is ~190 KB of HTML and ~20 KB on
  the wire. A reverse proxy in front (README, "Production") may compress instead: with
  COMPRESS_RESPONSES = False the app leaves it to the proxy. Static files are not compressed
  here (they are cached for a year; the proxy may serve them compressed).
"""
import gzip
import hashlib
from pathlib import Path

from flask import Flask, request

YEAR = 31_536_000
MIN_SIZE = 1024
LEVEL = 5  # ~as small as 9 on HTML, at a fraction of the time
COMPRESSIBLE = ("text/html", "application/json", "text/plain", "text/csv",
                "application/problem+json")


def init_app(app: Flask) -> None:
    fingerprints: dict[str, str | None] = {}

    def fingerprint(filename: str) -> str | None:
        """The file's fingerprint (None for no such file); read once per process, except in
        debug mode, where files change under a running server."""
        if filename in fingerprints and not app.debug:
            return fingerprints[filename]
        path = Path(app.static_folder or "", filename)
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        except OSError:
            digest = None
        fingerprints[filename] = digest
        return digest

    @app.url_defaults
    def static_fingerprint(endpoint, values):
        if endpoint == "static" and "v" not in values and values.get("filename"):
            digest = fingerprint(values["filename"])
            if digest:
                values["v"] = digest

    @app.after_request
    def lighten(response):
        if request.endpoint == "static":
            filename = (request.view_args or {}).get("filename")
            version = request.args.get("v")
            if (response.status_code == 200 and version and filename
                    and version == fingerprint(filename)):
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            return response
        if app.config.get("COMPRESS_RESPONSES", True):
            compress(response)
        return response


def compress(response) -> None:
    """Gzip a text answer in place when the browser accepts gzip and it is worth it."""
    response.vary.add("Accept-Encoding")
    if (response.direct_passthrough or response.is_streamed
            or response.status_code in (204, 304) or response.status_code < 200
            or "Content-Encoding" in response.headers or request.method == "HEAD"
            or response.mimetype not in COMPRESSIBLE
            or "gzip" not in request.headers.get("Accept-Encoding", "").lower()):
        return
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    # An ETag names the uncompressed answer; a weak one still matches it for revalidation.
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
