"""Uploaded files kept between the steps of an import (upload, preview, import), on the
server: the browser holds only a random token, and the file is bound to the person and the
project that uploaded it, so neither another person nor another project can use it, and
nothing the client sends back is trusted as the file's content.

Files live in IMPORTS_DIR, named by the SHA-256 of the token (a leaked directory listing
names no usable token), and expire after IMPORTS_UPLOAD_HOURS; each new upload removes the
expired ones. One application server keeps them: behind several servers, route an import's
requests to the same one, or mount IMPORTS_DIR on shared storage.
"""
import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class Upload:
    token: str
    kind: str
    filename: str
    options: dict
    data: bytes


def _folder() -> Path:
    folder = Path(current_app.config["IMPORTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _name(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> float:
    return float(current_app.config["IMPORTS_UPLOAD_HOURS"]) * 3600


def _write(path: Path, data: bytes) -> None:
    partial = path.with_suffix(path.suffix + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(partial, path)


def save(project, user, kind: str, filename: str, data: bytes, options: dict) -> str:
    """Keep the file for the next steps; returns its token."""
    purge_expired()
    token = secrets.token_urlsafe(32)
    folder, name = _folder(), _name(token)
    meta = {"kind": kind, "user_id": user.id, "project_id": project.id,
            "filename": filename[:200], "options": options, "created": time.time()}
    _write(folder / f"{name}.bin", data)
    _write(folder / f"{name}.json", json.dumps(meta).encode())
    return token


def load(project, user, kind: str, token: str) -> Upload | None:
    """The upload with this token if this person uploaded it in this project for this kind of
    import and it has not expired; else None."""
    if not TOKEN.match(token or ""):
        return None
    folder, name = _folder(), _name(token)
    try:
        meta = json.loads((folder / f"{name}.json").read_text("utf-8"))
        data = (folder / f"{name}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if (meta.get("kind") != kind or meta.get("user_id") != user.id
            or meta.get("project_id") != project.id
            or time.time() - meta.get("created", 0) > _lifetime()):
        return None
    return Upload(token, kind, meta.get("filename", ""), meta.get("options") or {}, data)


def discard(token: str) -> None:
    """Forget the upload (after its import)."""
    if TOKEN.match(token or ""):
        name = _name(token)
        for suffix in (".bin", ".json"):
            (_folder() / f"{name}{suffix}").unlink(missing_ok=True)


def purge_expired() -> int:
    """Remove uploads older than their lifetime; returns how many files went."""
    cutoff, removed = time.time() - _lifetime(), 0
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
