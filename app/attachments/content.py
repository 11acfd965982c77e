"""What a file is, decided by its content (PyPI `filetype`: magic numbers, and the parts of
Office and OpenDocument archives), never by its name or what the browser claims.

The allow-list holds what needs, acceptance and decisions come with: images (screenshots,
photos of whiteboards), PDF, the office formats, plain text and CSV. Text is recognised by
being UTF-8 without NUL bytes; text that is really an HTML page is refused (it would run in
our origin if ever shown inline), and SVG, which can carry scripts, is accepted but always
served as a download.
"""
from dataclasses import dataclass

import filetype
from flask_babel import lazy_gettext as _l

SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileType:
    mime: str
    label: object
    is_inline: bool = False  # PDFs and raster images open in the browser; the rest downloads
    is_image: bool = False  # gets a thumbnail


_DOCUMENT = _l("Document")
_SPREADSHEET = _l("Spreadsheet")
_PRESENTATION = _l("Presentation")

ALLOWED = {t.mime: t for t in (
    FileType("image/png", _l("PNG image"), is_inline=True, is_image=True),
    FileType("image/jpeg", _l("JPEG image"), is_inline=True, is_image=True),
    FileType("image/gif", _l("GIF image"), is_inline=True, is_image=True),
    FileType("image/webp", _l("WebP image"), is_inline=True, is_image=True),
    FileType("application/pdf", _l("PDF document"), is_inline=True),
    FileType("application/msword", _DOCUMENT),
    FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             _DOCUMENT),
    FileType("application/vnd.oasis.opendocument.text", _DOCUMENT),
    FileType("application/rtf", _DOCUMENT),
    FileType("application/vnd.ms-excel", _SPREADSHEET),
    FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _SPREADSHEET),
    FileType("application/vnd.oasis.opendocument.spreadsheet", _SPREADSHEET),
    FileType("application/vnd.ms-powerpoint", _PRESENTATION),
    FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             _PRESENTATION),
    FileType("application/vnd.oasis.opendocument.presentation", _PRESENTATION),
    FileType("application/zip", _l("ZIP archive")),
    FileType("text/plain", _l("Text")),
    FileType("text/csv", _l("CSV table")),
    FileType("image/svg+xml", _l("SVG drawing")),
)}

HTML = "text/html"
_HTML_STARTS = ("<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<meta")


def label_of(mime: str):
    found = ALLOWED.get(mime)
    return found.label if found else mime


def sniff(head: bytes, name: str) -> str | None:
    """The MIME type of a file that begins with `head` (up to SNIFF_BYTES), or None when it is
    nothing we recognise. `name` only tells CSV from other text."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    text = _as_text(head)
    if text is None:
        return None
    start = text.lstrip("\ufeff \t\r\n").lower()
    # SVG may hold scripts too; it is only ever served as a download (see ALLOWED).
    if start.startswith("<svg") or (start.startswith("<?xml") and "<svg" in start[:4096]):
        return "image/svg+xml"
    if start.startswith(_HTML_STARTS) or "<script" in start[:4096]:
        return HTML
    return "text/csv" if name.lower().endswith(".csv") else "text/plain"


def _as_text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    for cut in range(4):  # the sample may end inside a multi-byte character
        try:
            return head[:len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
    return None
