"""What the foreign tools export, read into one shape (`SourceRow`): Jira's "Export Excel CSV
(all fields)" and GitHub's issues as JSON (`gh issue list --json …` or the REST API's
`GET /repos/{owner}/{repo}/issues`).

Jira repeats a column's name once per value of a multi-valued field (Labels, Sprint,
Comment, Watchers…), so columns are read by position, every column of a name together.
"""
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.imports.readers import read_csv, read_json, refuse

JIRA = "jira"
GITHUB = "github"
SOURCES = (JIRA, GITHUB)

JIRA_KEY = re.compile(r"^[A-Z][A-Z0-9_]*-\d+$")
GITHUB_URL = re.compile(r"^https://github\.com/([^/\s]+/[^/\s]+)/(?:issues|pull)/(\d+)$")
JIRA_REQUIRED = ("summary", "issue key", "status")
JIRA_ESTIMATES = ("custom field (story points)", "custom field (story point estimate)",
                  "story points")
JIRA_PARENTS = ("parent", "parent id", "parent key", "custom field (epic link)")
GITHUB_BUG_LABELS = {"bug", "type: bug", "kind/bug", "type/bug"}


@dataclass
class SourceRow:
    """One issue as the tool exported it; `line` is its row in the file (the header is 1)."""

    line: int
    key: str
    title: str
    status: str
    type: str
    url: str = ""
    description: str = ""
    # How the assignee is named there, most telling first (e-mail, name, login).
    assignee: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    estimate: str = ""
    parent: str = ""


@dataclass
class Source:
    rows: list[SourceRow]
    pull_requests: int = 0  # GitHub's REST list includes pull requests; they are left out


class _Columns:
    """Jira's header: every position of each (case-folded) column name."""

    def __init__(self, header: list[str]):
        self.positions: dict[str, list[int]] = {}
        for index, name in enumerate(header):
            self.positions.setdefault(" ".join(name.split()).casefold(), []).append(index)

    def first(self, row: list[str], *names: str) -> str:
        for name in names:
            for index in self.positions.get(name, ()):
                if row[index].strip():
                    return row[index].strip()
        return ""

    def every(self, row: list[str], name: str) -> list[str]:
        return [row[i].strip() for i in self.positions.get(name, ()) if row[i].strip()]


def read_jira(data: bytes, max_rows: int, site: str = "") -> Source:
    """Jira's CSV export; `site` (e.g. https://kommune.atlassian.net) makes links to issues."""
    header, body = read_csv(data, max_rows)
    columns = _Columns(header)
    missing = [name for name in JIRA_REQUIRED if name not in columns.positions]
    if missing:
        refuse(_("This is not a Jira export: the columns %(columns)s are missing. In Jira, "
                 "choose Export → \"Export Excel CSV (all fields)\".",
                 columns=", ".join(f"\"{name.title()}\"" for name in missing)))
    site = site.strip().rstrip("/")
    ids = {columns.first(row, "issue id"): columns.first(row, "issue key") for row in body}
    rows = []
    for line, row in enumerate(body, start=2):
        key = columns.first(row, "issue key")
        parent = columns.first(row, *JIRA_PARENTS)
        rows.append(SourceRow(
            line=line, key=key, title=columns.first(row, "summary"),
            status=columns.first(row, "status"), type=columns.first(row, "issue type"),
            url=f"{site}/browse/{key}" if site and key else "",
            description=columns.first(row, "description"),
            assignee=[name for name in [columns.first(row, "assignee")] if name],
            labels=columns.every(row, "labels"),
            estimate=columns.first(row, *JIRA_ESTIMATES),
            parent=parent if JIRA_KEY.match(parent) else ids.get(parent, "")))
    return Source(rows)


def _name(value) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("login") or "")
    return str(value or "") if isinstance(value, str) else ""


def _github_key(number: int, url: str) -> str:
    match = GITHUB_URL.match(url)
    return f"{match.group(1)}#{number}" if match else f"#{number}"


def read_github(data: bytes, max_rows: int) -> Source:
    """A list of GitHub issues in either shape (gh's camelCase or the REST API's)."""
    issues = read_json(data)
    if not isinstance(issues, list) or not all(isinstance(i, dict) for i in issues):
        refuse(_("This is not a list of GitHub issues. Use `gh issue list --json "
                 "number,title,body,state,labels,assignees,url` or the REST API's issues."))
    if len(issues) > max_rows:
        refuse(_("The file has more than %(max)d rows; split it into smaller files.",
                 max=max_rows), 413)
    rows, pulls = [], 0
    for line, issue in enumerate(issues, start=1):
        if issue.get("pull_request"):
            pulls += 1
            continue
        number = issue.get("number")
        if not isinstance(number, int) or isinstance(number, bool):
            refuse(_("Issue %(n)d in the file has no number: this is not a list of GitHub "
                     "issues.", n=line))
        url = str(issue.get("html_url") or issue.get("url") or "")
        labels = [_name(label) for label in _list(issue.get("labels")) if _name(label)]
        people = _list(issue.get("assignees")) or [issue.get("assignee")]
        assignees = [p for p in people if isinstance(p, dict)]
        is_bug = any(label.casefold() in GITHUB_BUG_LABELS for label in labels)
        rows.append(SourceRow(
            line=line, key=_github_key(number, url), title=str(issue.get("title") or ""),
            status=str(issue.get("state") or "").lower(), type="bug" if is_bug else "issue",
            url=url if GITHUB_URL.match(url) else "", description=str(issue.get("body") or ""),
            assignee=_person(assignees[0]) if assignees else [], labels=labels))
    return Source(rows, pulls)


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _person(person: dict) -> list[str]:
    """How a GitHub person may be named among the members: e-mail, name, login."""
    return [str(person[k]) for k in ("email", "name", "login") if person.get(k)]
