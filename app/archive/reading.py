"""Opening an uploaded archive safely, before anything is written.

A zip's entries are checked before any is read: only `project.json` and files named
`attachments/<sha256>` are taken, and a name with `..`, a leading `/`, a backslash or a drive
is refused (no entry ever becomes a path on this server; files are stored by their hash). The
sizes the zip declares are added up against ARCHIVE_MAX_UNCOMPRESSED_BYTES, and while reading,
the bytes actually produced are counted again and reading stops past the declared size or the
limit, whichever is smaller: a zip bomb costs at most the limit. `project.json` must then be
JSON of a format version we know and satisfy the JSON Schema.
"""
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from app.archive.format import ATTACHMENTS_DIR, FORMAT, PROJECT_JSON, VERSION, schema
from app.services import RuleViolation

CHUNK = 1024 * 1024
MAX_ENTRIES = 200_000  # a project's files are far fewer; a zip of millions of entries is abuse
_FILE = re.compile(r"^attachments/[0-9a-f]{64}$")


class ArchiveError(RuleViolation):
    """The archive cannot be imported; nothing was written."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message, "archive", status)


def _limit(name: str) -> int:
    return int(current_app.config[name])


def _unsafe(name: str) -> bool:
    parts = name.split("/")
    return (name.startswith("/") or "\\" in name or ".." in parts or re.match(r"^[A-Za-z]:", name)
            is not None or "\x00" in name)


@dataclass
class OpenedArchive:
    zip: zipfile.ZipFile
    document: dict
    files: dict[str, zipfile.ZipInfo]

    def copy_file(self, name: str, target, expected_size: int) -> str:
        """Copy one attached file into `target` (a binary file); its SHA-256. Refused past
        the size the document gives it."""
        info = self.files.get(name)
        if info is None:
            raise ArchiveError(_("The archive lists the file %(name)s but does not hold it.",
                                 name=name))
        digest = hashlib.sha256()
        size = 0
        with self.zip.open(info) as source:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > min(expected_size, info.file_size):
                    raise ArchiveError(_("The file %(name)s in the archive is larger than it "
                                         "says.", name=name))
                digest.update(chunk)
                target.write(chunk)
        target.flush()
        return digest.hexdigest()

    def close(self) -> None:
        self.zip.close()


def _entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    entries, total = {}, 0
    limit = _limit("ARCHIVE_MAX_UNCOMPRESSED_BYTES")
    if len(archive.infolist()) > MAX_ENTRIES:
        raise ArchiveError(_("The archive holds more than %(n)d files, more than a project "
                             "archive can. Nothing was imported.", n=MAX_ENTRIES), 413)
    for info in archive.infolist():
        name = info.filename
        if _unsafe(name):
            raise ArchiveError(_("The archive holds a file named “%(name)s”, a path outside the "
                                 "archive. Nothing was imported.", name=name[:200]))
        if info.is_dir():
            continue
        if name != PROJECT_JSON and not _FILE.match(name):
            raise ArchiveError(_("The archive holds “%(name)s”, which is not part of a Samspil "
                                 "project archive. Nothing was imported.", name=name[:200]))
        if name in entries:
            raise ArchiveError(_("The archive holds “%(name)s” twice. Nothing was imported.",
                                 name=name))
        total += info.file_size
        if total > limit:
            raise ArchiveError(_("The archive unpacks to more than %(mb)d MB, more than this "
                                 "installation takes. Nothing was imported.",
                                 mb=limit // 1024**2), 413)
        entries[name] = info
    if PROJECT_JSON not in entries:
        raise ArchiveError(_("The archive holds no project.json: it is not a Samspil project "
                             "archive."))
    return entries


def _read_json_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    limit = min(info.file_size, _limit("ARCHIVE_MAX_JSON_BYTES"))
    if info.file_size > limit:
        raise ArchiveError(_("project.json is larger than %(mb)d MB, more than this "
                             "installation takes.", mb=limit // 1024**2), 413)
    parts, size = [], 0
    with archive.open(info) as source:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > limit:  # more than it declared: stop at once
                raise ArchiveError(_("project.json unpacks to more than the archive declares. "
                                     "Nothing was imported."), 413)
            parts.append(chunk)
    return b"".join(parts)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _parse(data: bytes) -> dict:
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise ArchiveError(_("project.json is not UTF-8 text.")) from None
    except json.JSONDecodeError as exc:
        raise ArchiveError(_("project.json is not valid JSON (line %(line)d, column %(col)d: "
                             "%(reason)s).", line=exc.lineno, col=exc.colno,
                             reason=exc.msg)) from None
    except (ValueError, RecursionError):
        raise ArchiveError(_("project.json is not valid JSON.")) from None
    if not isinstance(document, dict):
        raise ArchiveError(_("project.json does not hold a project archive."))
    return document


def check_document(document: dict) -> None:
    """The format and its version, then the JSON Schema (the first error, with its place)."""
    if document.get("format") != FORMAT:
        raise ArchiveError(_("project.json is not a Samspil project archive (its “format” is "
                             "not %(format)s).", format=FORMAT))
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise ArchiveError(_("The archive has format version %(version)d, newer than this "
                             "installation reads (up to %(known)d). Update Samspil first.",
                             version=version, known=VERSION))
    error = best_match(Draft202012Validator(schema()).iter_errors(document))
    if error is not None:
        place = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise ArchiveError(_("project.json does not follow the archive format at %(place)s: "
                             "%(reason)s", place=place, reason=error.message[:300]))
    _check_text(document)


def _check_text(value) -> None:
    """No NUL characters or lone surrogates: no database could store them."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value or (not value.isprintable() and _bad_unicode(value)):
                raise ArchiveError(_("project.json holds text with characters that cannot "
                                     "be stored (NUL or broken Unicode)."))
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _bad_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def open_archive(path) -> OpenedArchive:
    """The archive at `path`, checked (see the module's docstring); refused with ArchiveError."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ArchiveError(_("The file is not a zip archive. Choose the .zip file that a "
                             "Samspil export made."), 400) from None
    try:
        entries = _entries(archive)
        document = _parse(_read_json_bytes(archive, entries[PROJECT_JSON]))
        check_document(document)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError,
            OSError, RuntimeError) as exc:
        archive.close()
        raise ArchiveError(_("The zip archive is damaged or uses a kind of compression we do "
                             "not read: %(reason)s", reason=str(exc)[:200]), 400) from None
    except ArchiveError:
        archive.close()
        raise
    files = {n: i for n, i in entries.items() if n.startswith(ATTACHMENTS_DIR)}
    return OpenedArchive(archive, document, files)
