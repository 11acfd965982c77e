"""Reading an uploaded file into rows of text, refusing what cannot be read with a message that
says why (422) — never an exception from the parser.

- Text is UTF-8 (with or without the byte order mark Excel writes), else Windows-1252, the
  code page a Danish Excel saves "CSV" in. A file with NUL bytes is not text.
- CSV: the separator is the header's, among `,`, `;` and tab (a Danish Excel writes `;`); broken
  quoting is an error with its line number, not a guess (`strict`).
- XLSX: the first sheet, through openpyxl in read-only mode, after checking that the file is a
  zip whose contents do not unpack to more than MAX_UNPACKED (a zip bomb).
- JSON: parsed whole; the file is already limited in size.
"""
import csv
import io
import json
import zipfile
from datetime import date, datetime

from flask_babel import gettext as _

from app.services import RuleViolation

ENCODINGS = ("utf-8-sig", "cp1252")
SEPARATORS = ",;\t"
MAX_UNPACKED = 100 * 1024 * 1024
MAX_CELL = 100_000
ZIP_MAGIC = b"PK\x03\x04"


def refuse(message: str, status: int = 422):
    """The file cannot be used: nothing is kept, the message says why."""
    raise RuleViolation(message, "file", status=status)


def check_size(data: bytes, max_bytes: int) -> None:
    if not data:
        refuse(_("The file is empty."))
    if len(data) > max_bytes:
        refuse(_("The file is larger than %(mb)d MB; split it into smaller files.",
                 mb=max(1, max_bytes // (1024 * 1024))), 413)


def decode(data: bytes) -> str:
    """The file's text (see the module's docstring for the encodings tried)."""
    if data.startswith(ZIP_MAGIC):
        refuse(_("This is a zip file or an Excel workbook, not a text file."))
    if b"\x00" in data:
        refuse(_("This is not a text file."))
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    refuse(_("The file's text is neither UTF-8 nor Windows-1252; save it as UTF-8."))
    return ""  # not reached: refuse raises


def _separator(text: str) -> str:
    """The separator the header line uses most: the header names columns, so it has one per
    column, where a sniffer reading the rows could be misled by `;` inside Jira's comments."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(data: bytes, max_rows: int) -> tuple[list[str], list[list[str]]]:
    """The header and the rows (each as long as the header) of a CSV file; blank lines are
    left out. More than `max_rows` rows is refused."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text),
                        quotechar='"', doublequote=True, strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) > max_rows:
                _too_many(max_rows)
            rows.append(row)
    except csv.Error as exc:
        refuse(_("The CSV file cannot be read at line %(line)d (%(reason)s). Check its "
                 "quotation marks.", line=reader.line_num, reason=str(exc)))
    return _header_and_rows(rows)


def _too_many(max_rows: int):
    refuse(_("The file has more than %(max)d rows; split it into smaller files.", max=max_rows),
           413)


def _header_and_rows(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    if not rows:
        refuse(_("The file is empty."))
    header = [cell.strip() for cell in rows[0]]
    if not any(header):
        refuse(_("The first row must name the columns."))
    width = len(header)
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    if not body:
        refuse(_("The file has column names but no rows."))
    return header, body


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)[:MAX_CELL]


def read_xlsx(data: bytes, max_rows: int) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the workbook's first sheet (see `read_csv`)."""
    from openpyxl import load_workbook

    if not data.startswith(ZIP_MAGIC) or not zipfile.is_zipfile(io.BytesIO(data)):
        refuse(_("This is not an Excel workbook (.xlsx). Save the sheet as .xlsx or CSV."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        refuse(_("This is not an Excel workbook (.xlsx). Save the sheet as .xlsx or CSV."))
    if unpacked > MAX_UNPACKED:
        refuse(_("The workbook unpacks to more than %(mb)d MB; split it into smaller files.",
                 mb=MAX_UNPACKED // (1024 * 1024)), 413)
    rows: list[list[str]] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for values in workbook.worksheets[0].iter_rows(values_only=True):
                row = [_cell(value) for value in values]
                if not any(cell.strip() for cell in row):
                    continue
                if len(rows) > max_rows:
                    _too_many(max_rows)
                rows.append(row)
        finally:
            workbook.close()
    except RuleViolation:
        raise
    except Exception:  # noqa: BLE001 - a malformed workbook fails anywhere inside openpyxl
        refuse(_("The workbook cannot be read. Open it in Excel and save it again as .xlsx."))
    return _header_and_rows(rows)


def read_json(data: bytes):
    """The parsed JSON document."""
    text = decode(data)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        refuse(_("The file is not valid JSON (%(reason)s).", reason=str(exc)[:200]))
    return None  # not reached
