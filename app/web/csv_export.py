"""CSV downloads of a page's list: streamed row by row, so a list of 10,000 rows is never held
in memory, and safe to open in a spreadsheet.

- UTF-8 with a byte order mark: without it Excel reads the file as the local code page and
  Danish letters come out garbled.
- `?sep=semicolon` gives `;`-separated values, which a Danish Excel splits into columns on a
  double click (its list separator is `;` because `,` is the decimal comma).
- Cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return are prefixed with `'`
  (OWASP "CSV injection"): a spreadsheet would otherwise run a title like `=HYPERLINK(...)`
  as a formula. Numbers are written as numbers and left alone.
"""
import csv
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from flask import Response, abort, stream_with_context
from flask_babel import gettext as _

from app.database import utcnow

BOM = "\ufeff"
SEPARATORS = {"": ",", "comma": ",", "semicolon": ";"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def separator(args) -> str:
    """The separator asked for by `?sep=` (comma by default); anything else is a bad request."""
    name = args.get("sep", "")
    if name not in SEPARATORS:
        abort(400, description=_("Choose the separator sep=comma or sep=semicolon."))
    return SEPARATORS[name]


def cell(value) -> str | int | float:
    """One value as a spreadsheet should see it: text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like target for csv.writer that hands back what was written."""

    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def take(self) -> str:
        text, self.text = self.text, ""
        return text


def csv_lines(header: list[str], rows: Iterable[Iterable], sep: str = ",") -> Iterator[str]:
    """The CSV text, a row at a time: the BOM and header first."""
    line = _Line()
    writer = csv.writer(line, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    yield BOM + line.take()
    for row in rows:
        writer.writerow([cell(value) for value in row])
        yield line.take()


def download_name(*parts: str) -> str:
    """A file name from its parts and today's date, e.g. `OVB-backlog-2026-12-02.csv`, with
    anything but letters, digits, `-` and `_` dropped (it goes into a header)."""
    name = "-".join([*parts, utcnow().date().isoformat()])
    return re.sub(r"[^A-Za-z0-9_-]+", "", name) + ".csv"


def csv_response(header: list[str], rows: Iterable[Iterable], filename: str,
                 sep: str = ",") -> Response:
    """Stream the rows as a CSV attachment. `rows` is read lazily, inside the request's
    context, so it may run its queries while the answer is being sent."""
    response = Response(stream_with_context(csv_lines(header, rows, sep)),
                        mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
