"""Writing and reading backup files (see the package's docstring)."""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite"
ATTACHMENTS = "attachments"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"{name} not found: install PostgreSQL's client programs.")


def _libpq_url() -> str:
    """The database URL as libpq (pg_dump, pg_restore) reads it."""
    url = db.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def fingerprint() -> dict[str, dict]:
    """Every table's row count and a SHA-256 of its rows in primary-key order."""
    result = {}
    for table in db.metadata.sorted_tables:
        digest = hashlib.sha256()
        count = 0
        order = list(table.primary_key.columns) or list(table.columns)
        for row in db.session.execute(select(table).order_by(*order)):
            digest.update(json.dumps(list(row), default=str, sort_keys=True).encode())
            count += 1
        result[table.name] = {"rows": count, "sha256": digest.hexdigest()}
    db.session.rollback()
    return result


def _attachments_dir() -> Path | None:
    if current_app.config.get("ATTACHMENTS_STORAGE", "local") != "local":
        return None
    folder = Path(current_app.config["ATTACHMENTS_DIR"])
    return folder if folder.is_dir() else None


def create_backup(folder: str | Path | None = None) -> Path:
    """Write one file `samspil-backup-<UTC time>.tar.gz` into `folder` (BACKUP_DIR)."""
    folder = Path(folder or current_app.config["BACKUP_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"samspil-backup-{stamp}.tar.gz"
    dialect = db.engine.dialect.name
    with tempfile.TemporaryDirectory(prefix="samspil-backup-") as scratch:
        scratch = Path(scratch)
        if dialect == "postgresql":
            dump = scratch / PG_DUMP
            subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl",
                            f"--file={dump}", f"--dbname={_libpq_url()}"],
                           check=True, capture_output=True)
        elif dialect == "sqlite":
            dump = scratch / SQLITE_COPY
            source = db.engine.raw_connection()
            try:
                with sqlite3.connect(dump) as copy:
                    source.driver_connection.backup(copy)
            finally:
                source.close()
        else:
            raise BackupError(f"No backup for the {dialect} database.")
        manifest = {"format": FORMAT, "created_at": stamp, "dialect": dialect,
                    "tables": fingerprint(), "attachments": False}
        partial = target.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            attachments = _attachments_dir()
            if attachments is not None:
                archive.add(attachments, arcname=ATTACHMENTS)
                manifest["attachments"] = True
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            import io

            archive.addfile(info, io.BytesIO(data))
        os.replace(partial, target)
    return target


@dataclass
class RestoreReport:
    tables: int
    mismatched: list[str]
    attachments: bool


def restore_backup(path: str | Path) -> RestoreReport:
    """Replace the database (and the attachments folder) with the backup's, then compare
    every table's row count and checksum with the manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    with tempfile.TemporaryDirectory(prefix="samspil-restore-") as scratch:
        scratch = Path(scratch)
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(scratch, filter="data")
        manifest = json.loads((scratch / MANIFEST).read_text())
        dialect = db.engine.dialect.name
        if manifest.get("format") != FORMAT or manifest.get("dialect") != dialect:
            raise BackupError(f"{path.name} is a {manifest.get('dialect')} backup; this "
                              f"installation runs on {dialect}.")
        db.session.remove()
        db.engine.dispose()
        if dialect == "postgresql":
            subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                            "--no-acl", "--single-transaction", f"--dbname={_libpq_url()}",
                            str(scratch / PG_DUMP)], check=True, capture_output=True)
        else:
            target = db.engine.raw_connection()
            try:
                with sqlite3.connect(scratch / SQLITE_COPY) as copy:
                    copy.backup(target.driver_connection)
            finally:
                target.close()
            db.engine.dispose()
        attachments = manifest.get("attachments") and (scratch / ATTACHMENTS).is_dir()
        if attachments:
            folder = Path(current_app.config["ATTACHMENTS_DIR"])
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(scratch / ATTACHMENTS, folder)
    now = fingerprint()
    mismatched = [name for name, expected in manifest["tables"].items()
                  if now.get(name) != expected]
    return RestoreReport(len(manifest["tables"]), mismatched, bool(attachments))
