"""Fingerprinted static files: every `url_for("static", …)` gets `?v=` and a hash of the file's
content, so the proxy may let browsers keep it for a year (deploy/nginx/samspil.conf) and a
changed file is fetched anew under its new address."""
import hashlib
from pathlib import Path

from flask import Flask

_hashes: dict[str, str] = {}


def fingerprint(folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the SHA-256 of a static file (None if there is none);
    computed once per process, as the files change only with a deployment."""
    if filename not in _hashes:
        path = Path(folder) / filename
        try:
            resolved = path.resolve(strict=True)
        except OSError:
            return None
        if Path(folder).resolve() not in resolved.parents or not resolved.is_file():
            return None
        _hashes[filename] = hashlib.sha256(resolved.read_bytes()).hexdigest()[:12]
    return _hashes[filename]


def init_app(app: Flask) -> None:
    @app.url_defaults
    def _static_fingerprint(endpoint, values):
        if endpoint == "static" and "v" not in values and values.get("filename"):
            digest = fingerprint(app.static_folder, values["filename"])
            if digest:
                values["v"] = digest
