"""An import's steps: take the upload (read it at once, so a file that cannot be used is
refused before anything is kept), read it again for the preview and the import, and forget
it after the import. The rules of what becomes what are in `items` and `needs`."""
import re

from flask import current_app
from flask_babel import gettext as _

from app.imports import uploads
from app.imports.readers import check_size, read_csv, read_xlsx, refuse
from app.imports.sources import GITHUB, JIRA, SOURCES, Source, read_github, read_jira
from app.imports.uploads import Upload

ITEMS = "items"
NEEDS = "needs"
SITE = re.compile(r"^https?://[^\s/<>\"']+(/[^\s<>\"']*)?$")


def _limits() -> tuple[int, int]:
    return current_app.config["IMPORTS_MAX_BYTES"], current_app.config["IMPORTS_MAX_ROWS"]


def _read(file) -> tuple[str, bytes]:
    """The uploaded file's name and bytes (read no further than one byte past the limit)."""
    if file is None or not getattr(file, "filename", ""):
        refuse(_("Choose a file to upload."))
    max_bytes, _rows = _limits()
    data = file.stream.read(max_bytes + 1)
    check_size(data, max_bytes)
    return file.filename, data


def read_source(source: str, data: bytes, site: str = "") -> Source:
    _bytes, max_rows = _limits()
    if source == JIRA:
        return read_jira(data, max_rows, site)
    return read_github(data, max_rows)


def read_sheet(data: bytes) -> tuple[list[str], list[list[str]]]:
    """A spreadsheet's header and rows: a workbook by its content (a zip), else CSV."""
    _bytes, max_rows = _limits()
    if data.startswith(b"PK"):
        return read_xlsx(data, max_rows)
    return read_csv(data, max_rows)


def upload_items(project, user, source: str, file, site: str = "") -> str:
    """Keep a Jira or GitHub export for its preview; returns the upload's token."""
    if source not in SOURCES:
        refuse(_("Choose where the file comes from: Jira or GitHub."), 400)
    site = (site or "").strip()
    if source == JIRA and site and (len(site) > 200 or not SITE.match(site)):
        refuse(_("The Jira address must be a web address such as "
                 "https://kommune.atlassian.net."))
    filename, data = _read(file)
    read_source(source, data, site)
    return uploads.save(project, user, ITEMS, filename, data,
                        {"source": source, "site": site if source == JIRA else ""})


def upload_needs(project, user, file) -> str:
    """Keep a spreadsheet of needs for its column mapping; returns the upload's token."""
    filename, data = _read(file)
    if filename.lower().endswith((".xlsx", ".xlsm")) and not data.startswith(b"PK"):
        refuse(_("This is not an Excel workbook (.xlsx). Save the sheet as .xlsx or CSV."))
    read_sheet(data)
    return uploads.save(project, user, NEEDS, filename, data, {})


def items_source(upload: Upload) -> Source:
    source = upload.options.get("source")
    return read_source(source if source in SOURCES else GITHUB, upload.data,
                       upload.options.get("site", ""))
