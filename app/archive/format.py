"""The archive's format: its name and version, how times, dates and item keys are written,
and the JSON Schema that a `project.json` must satisfy (docs/export-format.md describes it
field by field; `export-format.schema.json` here is the same file as in docs/).

Version history: 1 — the first (2026-12).
"""
import json
import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

FORMAT = "samspil-project-archive"
VERSION = 1
PROJECT_JSON = "project.json"
ATTACHMENTS_DIR = "attachments/"
SCHEMA_PATH = Path(__file__).with_name("export-format.schema.json")

_KEYED = re.compile(r"^([A-Z]{2,10})-(\d+)$")


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a "Z", to the microsecond the database holds."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_timestamp(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value).astimezone(UTC)


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def key_to_number(value: str | None, project_key: str) -> str | None:
    """An item key of the project in a history line ("OVB-12") as its number ("12"), so the
    line reads right under the key of the project it is imported into."""
    match = _KEYED.match(value or "")
    if match and match.group(1) == project_key:
        return match.group(2)
    return value


def number_to_key(value: str | None, project_key: str) -> str | None:
    if value is not None and value.isdigit():
        return f"{project_key}-{value}"
    return value


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text("utf-8"))
